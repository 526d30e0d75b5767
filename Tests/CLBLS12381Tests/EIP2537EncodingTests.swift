import CLBLS12381
import Testing

/// The EIP-2537 (Prague precompile) point encodings against py_ecc-derived vectors.
@Suite struct EIP2537EncodingTests {
    @Test func multiplesRoundTrip() {
        let cases = records("eip2537", "valid")
        #expect(cases.count == 5)
        for c in cases {
            let k = hexBytes(c["scalar"] as! String)
            let p1 = G1Point.generator.multiplied(byBigEndian: k), p2 = G2Point.generator.multiplied(byBigEndian: k)
            #expect(p1.eip2537Bytes == hexBytes(c["g1"] as! String))
            #expect(p2.eip2537Bytes == hexBytes(c["g2"] as! String))
            #expect(G1Point(eip2537: p1.eip2537Bytes) == p1)
            #expect(G2Point(eip2537: p2.eip2537Bytes) == p2)
        }
    }

    @Test func malformedPointsAreRejected() {
        let cases = records("eip2537", "invalid")
        #expect(cases.count > 6)
        for c in cases {
            let bytes = hexBytes(c["bytes"] as! String)
            let decoded = c["group"] as! String == "g1" ? G1Point(eip2537: bytes) != nil : G2Point(eip2537: bytes) != nil
            #expect(!decoded, "\(c["reason"] as? String ?? "")")
        }
    }

    @Test func curvePointsOutsideTheSubgroupDecode() {
        let outside = vectors("eip2537") as! [String: Any]
        let o = outside["outsideSubgroup"] as! [String: String]
        let p1 = G1Point(eip2537: hexBytes(o["g1"]!)), p2 = G2Point(eip2537: hexBytes(o["g2"]!))
        #expect(p1 != nil && !p1!.isInSubgroup)
        #expect(p2 != nil && !p2!.isInSubgroup)
    }
}
