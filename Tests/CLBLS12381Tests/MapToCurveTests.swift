import CLBLS12381
import Testing

/// map_fp_to_g1 (EIP-2537, RFC 9380 SWU + 11-isogeny + cofactor clearing) against py_ecc.
@Suite struct MapToG1Tests {
    @Test func matchesReference() {
        let cases = records("map_fp_to_g1")
        #expect(cases.count == 11)
        for c in cases {
            let p = MapToG1.map(fp(c["u"] as! String))
            #expect(p.uncompressed == hexBytes(c["g1"] as! String), "u = \(c["u"] as? String ?? "")")
            #expect(p.isOnCurve && p.isInSubgroup)
        }
    }
}

/// map_fp2_to_g2 (EIP-2537, RFC 9380 SWU + 3-isogeny + h_eff) against py_ecc.
@Suite struct MapToG2Tests {
    @Test func matchesReference() {
        let cases = records("map_fp2_to_g2")
        #expect(cases.count == 8)
        for c in cases {
            let p = MapToG2.map(fp2(c["u"] as! String))
            #expect(p.uncompressed == hexBytes(c["g2"] as! String), "u = \(c["u"] as? String ?? "")")
            #expect(p.isOnCurve && p.isInSubgroup)
        }
    }
}
