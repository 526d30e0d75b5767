import CLBLS12381
import Testing

/// The pairing: bilinearity, non-degeneracy and py_ecc's verdicts on product checks.
@Suite struct PairingTests {
    @Test func bilinear() {
        let a: [UInt8] = [0x12, 0x34, 0x56, 0x78, 0x9a], b: [UInt8] = [0x0f, 0xed, 0xcb]
        let p = G1Point.generator, q = G2Point.generator
        let e = Pairing.pairing(p, q)
        #expect(e != .one)
        // Pairing values lie in the cyclotomic subgroup, where the Granger–Scott square is the square.
        #expect(e.cyclotomicSquared == e.squared)
        #expect(e.squared.cyclotomicSquared == e.squared.squared)
        let eab = Pairing.pairing(p.multiplied(byBigEndian: a), q.multiplied(byBigEndian: b))
        let ab = Pairing.pairing(p.multiplied(byBigEndian: a).multiplied(byBigEndian: b), q)
        #expect(eab == ab)
        #expect(Pairing.pairing(p.doubled, q) == e * e)
        #expect(Pairing.pairing(p, q.doubled) == e * e)
        #expect(Pairing.pairing(-p, q) == e.conjugate)
        #expect(Pairing.pairing(.infinity, q) == .one)
        #expect(Pairing.check([(p, q), (-p, q)]))
        #expect(!Pairing.check([(p, q), (p, q)]))
        #expect(Pairing.check([]))
    }

    @Test func productChecksMatchReference() {
        let cases = records("pairing")
        #expect(cases.count >= 4)
        for c in cases {
            let g1 = (c["g1"] as! [String]).map { G1Point(compressed: hexBytes($0))! }
            let g2 = (c["g2"] as! [String]).map { G2Point(compressed: hexBytes($0))! }
            #expect(Pairing.check(Array(zip(g1, g2))) == (c["productIsOne"] as! Bool))
        }
    }
}
