import CLBLS12381
import Testing

/// Fp and Fp2 arithmetic against py_ecc's values, plus the extension-field identities.
@Suite struct FieldTests {
    @Test func fpMatchesReference() {
        let cases = records("fields", "fp")
        #expect(cases.count > 10)
        for c in cases {
            let a = fp(c["a"] as! String), b = fp(c["b"] as! String)
            #expect(a + b == fp(c["sum"] as! String))
            #expect(a - b == fp(c["difference"] as! String))
            #expect(a * b == fp(c["product"] as! String))
            #expect(a.inverse == fp(c["inverse"] as! String))
            let root = a.squareRoot
            #expect((root != nil) == (c["sqrtExists"] as! Bool))
            if let root { #expect(root.squared == a) }
            #expect(Fp(bytes: a.bytes) == a)
        }
    }

    @Test func fpRejectsNonCanonicalBytes() {
        let p = hexBytes("1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab")
        #expect(Fp(bytes: p) == nil)
        var pMinusOne = p
        pMinusOne[47] -= 1
        #expect(Fp(bytes: pMinusOne) == -Fp.one)
        #expect(Fp(bytes: [UInt8](repeating: 0, count: 47)) == nil)
    }

    @Test func fp2MatchesReference() {
        for c in records("fields", "fp2") {
            let a = fp2(c["a"] as! String), b = fp2(c["b"] as! String)
            #expect(a * b == fp2(c["product"] as! String))
            #expect(a.inverse == fp2(c["inverse"] as! String))
            #expect(a.squared == fp2(c["square"] as! String))
            let s = a.squared.squareRoot
            #expect(s != nil && s!.squared == a.squared)
        }
    }

    @Test func towerIdentities() {
        let cases = records("fields", "fp2")
        let e = (0..<6).map { fp2(cases[$0]["a"] as! String) }
        let x = Fp6(e[0], e[1], e[2]), y = Fp6(e[3], e[4], e[5])
        #expect(x * x.inverse == .one)
        #expect(x * (y + .one) == x * y + x)
        let f = Fp12(x, y), g = Fp12(y, x)
        #expect(f * f.inverse == .one)
        #expect(f.squared == f * f)
        #expect(f * g == g * f)
        // Frobenius is a ring homomorphism of order 12.
        #expect((f * g).frobenius == f.frobenius * g.frobenius)
        var h = f
        for _ in 0..<12 { h = h.frobenius }
        #expect(h == f)
        #expect(f.frobenius != f)
        // The sparse line product agrees with the dense one.
        let line = Fp12(Fp6(e[0], e[1], .zero), Fp6(.zero, e[2], .zero))
        #expect(f.timesLine(e[0], e[1], e[2]) == f * line)
    }
}
