import CLPrimitives

/// The optimal ate pairing on BN254 (EIP-197), computed in Fp12 with the G2 point
/// untwisted into Fp12, with affine line functions and one final exponentiation.
enum BN254Pairing {
    /// 6u + 2 for u = 4965661367192848881: the Miller loop's parameter.
    static let ateLoopCount = UInt256(decimal: "29793968203157093288")!

    /// (p¹² − 1) / r as little-endian 64-bit limbs.
    static let finalExponent: [UInt64] = [
        0x86964b64ca86f120, 0x40a4efb7e54523a4, 0x837fa97896e84abb, 0x361102b6b9b2b918, 0xc0de81def35692da,
        0xbe04c7e8a6c3c760, 0xd766f9c9d570bb7f, 0xc230974d83561841, 0x5bba1668c3be69a3, 0x7f3811c410526294,
        0x29baee7ddadda71c, 0xbf813b8d145da900, 0x641bbadf423f9a2c, 0xa80bb4ea44eacc5e, 0xcd65664814fde37c,
        0x4a0364b9580291d2, 0xee93dfb10826f0dd, 0x6b42db8dc5514724, 0xbb10cf430b0f3785, 0x40494e406f804216,
        0x55cfe107acf3aafb, 0x2088ec80e0ebae87, 0x846a3ed011a337a0, 0x48a45a4a1e3a5195, 0xe5664568dfc50e16,
        0xab6a41294c0cc4eb, 0x82d0d602d268c7da, 0x6668449aed3cc48a, 0x5062cd0fb2015dfc, 0x7f2940a8b1ddb3d1,
        0x77f5b63a2a226448, 0xfef0781361e443ae, 0xf977870e88d5c6c8, 0x790364a61f676baa, 0x5887e72eceaddea3,
        0x1377e563a09a1b70, 0x0c54efee1bd8c3b2, 0x3ec3d15ad524d8f7, 0xdaf15466b2383a5d, 0xe1e30a73bb94fec0,
        0x6a1c71015f3f7be2, 0x842d43bf6369b1ff, 0x20fddadf107d20bc, 0x0000002f4b6dc970,
    ]

    /// w, the generator of Fp12 over Fp.
    static let w: Fp12 = {
        var c = [Fp](repeating: .zero, count: 12)
        c[1] = .one
        return Fp12(c)
    }()

    /// Maps a twist point (over Fp2) onto the curve over Fp12.
    static func untwist(_ q: AffinePoint<Fp2>) -> AffinePoint<Fp12> {
        let nine = Fp(9 as UInt64)
        func embed(_ a: Fp2) -> Fp12 {
            var c = [Fp](repeating: .zero, count: 12)
            c[0] = a.c0 - a.c1 * nine
            c[6] = a.c1
            return Fp12(c)
        }
        let w2 = w * w
        return AffinePoint(x: embed(q.x) * w2, y: embed(q.y) * w2 * w, infinity: false)
    }

    /// The line through p1 and p2 (tangent when equal), evaluated at t.
    static func line(_ p1: AffinePoint<Fp12>, _ p2: AffinePoint<Fp12>, _ t: AffinePoint<Fp12>) -> Fp12 {
        if p1.x != p2.x {
            let slope = (p2.y - p1.y) * (p2.x - p1.x).inverse
            return slope * (t.x - p1.x) - (t.y - p1.y)
        }
        if p1.y == p2.y {
            let xx = p1.x * p1.x
            let slope = (xx + xx + xx) * (p1.y + p1.y).inverse
            return slope * (t.x - p1.x) - (t.y - p1.y)
        }
        return t.x - p1.x
    }

    /// Frobenius map x ↦ x^p on each coordinate.
    static func frobenius(_ a: Fp12) -> Fp12 {
        a.power([bn254P.w0, bn254P.w1, bn254P.w2, bn254P.w3])
    }

    /// The Miller loop f_{6u+2,Q}(P) with the two Frobenius correction lines.
    static func millerLoop(_ q2: AffinePoint<Fp2>, _ p1: AffinePoint<Fp>) -> Fp12 {
        let q = untwist(q2)
        let p = AffinePoint(x: Fp12(constant: p1.x), y: Fp12(constant: p1.y), infinity: false)
        var r = q
        var f = Fp12.one
        var i = ateLoopCount.bitWidth - 2
        while i >= 0 {
            f = f * f * line(r, r, p)
            r = r.doubled()
            if (ateLoopCount >> i).w0 & 1 == 1 {
                f = f * line(r, q, p)
                r = r.adding(q)
            }
            i -= 1
        }
        let q1 = AffinePoint(x: frobenius(q.x), y: frobenius(q.y), infinity: false)
        let nq2 = AffinePoint(x: frobenius(q1.x), y: Fp12.zero - frobenius(q1.y), infinity: false)
        f = f * line(r, q1, p)
        r = r.adding(q1)
        f = f * line(r, nq2, p)
        return f
    }

    /// f^((p¹² − 1) / r).
    static func finalExponentiation(_ f: Fp12) -> Fp12 { f.power(finalExponent) }
}
