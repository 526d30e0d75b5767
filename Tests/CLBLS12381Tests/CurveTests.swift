import CLBLS12381
import Testing

/// G1 and G2: group law, encodings and subgroup checks against py_ecc's encodings.
@Suite struct CurveTests {
    @Test func generatorsAreValid() {
        #expect(G1Point.generator.isOnCurve && G1Point.generator.isInSubgroup)
        #expect(G2Point.generator.isOnCurve && G2Point.generator.isInSubgroup)
        #expect(KZG.setupTauG2.isOnCurve && KZG.setupTauG2.isInSubgroup)
    }

    @Test func scalarMultiplesMatchReference() {
        let cases = records("points", "valid")
        #expect(cases.count > 5)
        for c in cases {
            let k = hexBytes(c["scalar"] as! String)
            let p1 = G1Point.generator.multiplied(byBigEndian: k)
            let p2 = G2Point.generator.multiplied(byBigEndian: k)
            #expect(p1.compressed == hexBytes(c["g1Compressed"] as! String))
            #expect(p1.uncompressed == hexBytes(c["g1Uncompressed"] as! String))
            #expect(p2.compressed == hexBytes(c["g2Compressed"] as! String))
            #expect(p2.uncompressed == hexBytes(c["g2Uncompressed"] as! String))
            #expect(G1Point(compressed: p1.compressed) == p1)
            #expect(G1Point(uncompressed: p1.uncompressed) == p1)
            #expect(G2Point(compressed: p2.compressed) == p2)
            #expect(G2Point(uncompressed: p2.uncompressed) == p2)
        }
    }

    @Test func sumsMatchReference() {
        for c in records("points", "sums") {
            let a = hexBytes(c["a"] as! String), b = hexBytes(c["b"] as! String)
            let g1 = G1Point.generator, g2 = G2Point.generator
            #expect((g1.multiplied(byBigEndian: a) + g1.multiplied(byBigEndian: b)).compressed == hexBytes(c["g1Sum"] as! String))
            #expect((g2.multiplied(byBigEndian: a) + g2.multiplied(byBigEndian: b)).compressed == hexBytes(c["g2Sum"] as! String))
        }
        let p = G1Point.generator.doubled
        #expect(p + p == p.doubled)
        #expect((p - p).isInfinity)
        #expect(p + .infinity == p)
    }

    @Test func malformedEncodingsAreRejected() {
        let cases = records("points", "invalid")
        #expect(cases.count > 8)
        for c in cases {
            let bytes = hexBytes(c["bytes"] as! String)
            let decoded: Bool
            switch (c["group"] as! String, c["encoding"] as! String) {
            case ("g1", "compressed"): decoded = G1Point(compressed: bytes) != nil
            case ("g1", _): decoded = G1Point(uncompressed: bytes) != nil
            case ("g2", "compressed"): decoded = G2Point(compressed: bytes) != nil
            default: decoded = G2Point(uncompressed: bytes) != nil
            }
            #expect(!decoded, "\(c["reason"] as? String ?? "")")
        }
    }

    @Test func pointsOutsideTheSubgroupAreDetected() {
        for c in records("points", "outsideSubgroup") {
            let bytes = hexBytes(c["compressed"] as! String)
            if c["group"] as! String == "g1" {
                let p = G1Point(compressed: bytes)
                #expect(p != nil && p!.isOnCurve && !p!.isInSubgroup)
            } else {
                let p = G2Point(compressed: bytes)
                #expect(p != nil && p!.isOnCurve && !p!.isInSubgroup)
            }
        }
    }
}
