/// An element `c0 + c1·u` of Fp2 = Fp[u]/(u² + 1), the field of G2's coordinates.
public struct Fp2: Sendable, Equatable {
    /// The real part.
    public var c0: Fp
    /// The coefficient of u.
    public var c1: Fp

    /// The element `c0 + c1·u`.
    @inlinable public init(_ c0: Fp, _ c1: Fp) { self.c0 = c0; self.c1 = c1 }

    /// Zero.
    public static let zero = Fp2(.zero, .zero)
    /// One.
    public static let one = Fp2(.one, .zero)

    /// True for zero.
    @inlinable public var isZero: Bool { c0.isZero && c1.isZero }

    /// Sum.
    @inlinable public static func + (a: Fp2, b: Fp2) -> Fp2 { Fp2(a.c0 + b.c0, a.c1 + b.c1) }
    /// Difference.
    @inlinable public static func - (a: Fp2, b: Fp2) -> Fp2 { Fp2(a.c0 - b.c0, a.c1 - b.c1) }
    /// Negation.
    @inlinable public static prefix func - (a: Fp2) -> Fp2 { Fp2(-a.c0, -a.c1) }
    /// Twice the element.
    @inlinable public var doubled: Fp2 { Fp2(c0.doubled, c1.doubled) }

    /// Product (Karatsuba: three Fp multiplications).
    @inlinable public static func * (a: Fp2, b: Fp2) -> Fp2 {
        let v0 = a.c0 * b.c0, v1 = a.c1 * b.c1
        return Fp2(v0 - v1, (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1)
    }

    /// Product with a base-field element.
    @inlinable public static func * (a: Fp2, b: Fp) -> Fp2 { Fp2(a.c0 * b, a.c1 * b) }

    /// The square: `(c0 + c1)(c0 - c1) + 2·c0·c1·u`.
    @inlinable public var squared: Fp2 {
        let t = c0 * c1
        return Fp2((c0 + c1) * (c0 - c1), t.doubled)
    }

    /// Product with the non-residue ξ = 1 + u that builds Fp6.
    @inlinable public var timesXi: Fp2 { Fp2(c0 - c1, c0 + c1) }

    /// The conjugate `c0 - c1·u`, which is also the Frobenius map `a^p`.
    @inlinable public var conjugate: Fp2 { Fp2(c0, -c1) }

    /// The norm `c0² + c1²`, in Fp.
    @inlinable public var norm: Fp { c0.squared + c1.squared }

    /// The multiplicative inverse; zero maps to zero.
    public var inverse: Fp2 {
        let n = norm.inverse
        return Fp2(c0 * n, -(c1 * n))
    }

    /// `self^e` for an exponent given as six plain limbs.
    public func power(_ e: Limbs6) -> Fp2 {
        var result = Fp2.one
        let words = [e.0, e.1, e.2, e.3, e.4, e.5]
        for i in stride(from: 5, through: 0, by: -1) {
            for bit in stride(from: 63, through: 0, by: -1) {
                result = result.squared
                if (words[i] >> UInt64(bit)) & 1 == 1 { result = result * self }
            }
        }
        return result
    }

    /// A square root when one exists, else nil (the p ≡ 3 mod 4 method of Adj and Rodríguez-Henríquez).
    public var squareRoot: Fp2? {
        if isZero { return self }
        // a1 = a^((p-3)/4), alpha = a1² a, x0 = a1 a.
        let a1 = power((0xee7f_bfff_ffff_eaaa, 0x07aa_ffff_ac54_ffff, 0xd9cc_34a8_3dac_3d89,
                        0xd91d_d2e1_3ce1_44af, 0x92c6_e9ed_90d2_eb35, 0x0680_447a_8e5f_f9a6))
        let alpha = a1.squared * self
        let x0 = a1 * self
        let minusOne = -Fp2.one
        let root: Fp2
        if alpha == minusOne {
            root = Fp2(-x0.c1, x0.c0)  // u · x0
        } else {
            let b = (alpha + .one).power((0xdcff_7fff_ffff_d555, 0x0f55_ffff_58a9_ffff, 0xb398_6950_7b58_7b12,
                                          0xb23b_a5c2_79c2_895f, 0x258d_d3db_21a5_d66b, 0x0d00_88f5_1cbf_f34d))
            root = b * x0
        }
        return root.squared == self ? root : nil
    }

    /// The sign used by the compressed encodings: c1's "largest" flag, or c0's when c1 is zero.
    public var isLexicographicallyLargest: Bool {
        c1.isZero ? c0.isLexicographicallyLargest : c1.isLexicographicallyLargest
    }
}
