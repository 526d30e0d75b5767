/// An element `c0 + c1·w` of Fp12 = Fp6[w]/(w² - v), the pairing's target field.
public struct Fp12: Sendable, Equatable {
    /// The coefficients, constant first.
    public var c0: Fp6, c1: Fp6

    /// The element `c0 + c1·w`.
    @inlinable public init(_ c0: Fp6, _ c1: Fp6) { self.c0 = c0; self.c1 = c1 }

    /// Zero.
    public static let zero = Fp12(.zero, .zero)
    /// One.
    public static let one = Fp12(.one, .zero)

    /// Sum.
    @inlinable public static func + (a: Fp12, b: Fp12) -> Fp12 { Fp12(a.c0 + b.c0, a.c1 + b.c1) }
    /// Difference.
    @inlinable public static func - (a: Fp12, b: Fp12) -> Fp12 { Fp12(a.c0 - b.c0, a.c1 - b.c1) }

    /// Product (Karatsuba: three Fp6 multiplications).
    @inlinable public static func * (a: Fp12, b: Fp12) -> Fp12 {
        let v0 = a.c0 * b.c0, v1 = a.c1 * b.c1
        return Fp12(v0 + v1.timesV, (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1)
    }

    /// The square (complex squaring: two Fp6 multiplications).
    @inlinable public var squared: Fp12 {
        let ab = c0 * c1
        let t = (c0 + c1) * (c0 + c1.timesV) - ab - ab.timesV
        return Fp12(t, ab + ab)
    }

    /// Product with the sparse line value `(a + b·v) + (c·v)·w`, the shape every Miller-loop line has.
    @inlinable public func timesLine(_ a: Fp2, _ b: Fp2, _ c: Fp2) -> Fp12 {
        let v0 = c0.times(a, b)
        let v1 = c1.times(v: c)
        let t = (c0 + c1).times(a, b + c) - v0 - v1
        return Fp12(v0 + v1.timesV, t)
    }

    /// The conjugate `c0 - c1·w`, which is `a^(p^6)` and, in the cyclotomic subgroup, the inverse.
    @inlinable public var conjugate: Fp12 { Fp12(c0, -c1) }

    /// The multiplicative inverse; zero maps to zero.
    public var inverse: Fp12 {
        let d = (c0.squared - c1.squared.timesV).inverse
        return Fp12(c0 * d, -(c1 * d))
    }

    /// ξ^((p-1)/6), the Frobenius coefficient of w.
    static let frobeniusW = Fp2(
        Fp(limbs: (0x0708_9552_b319_d465, 0xc669_5f92_b50a_8313, 0x97e8_3ccc_d117_228f,
                   0xa35b_aeca_b2dc_29ee, 0x1ce3_93ea_5daa_ce4d, 0x08f2_220f_b0fb_66eb)),
        Fp(limbs: (0xb2f6_6aad_4ce5_d646, 0x5842_a06b_fc49_7cec, 0xcf48_95d4_2599_d394,
                   0xc11b_9cba_40a8_e8d0, 0x2e38_13cb_e5a0_de89, 0x110e_efda_8884_7faf)))

    /// The Frobenius map `a^p`.
    public var frobenius: Fp12 {
        Fp12(c0.frobenius, c1.frobenius * Fp12.frobeniusW)
    }

    /// `self^|x|` for the curve seed |x| = 0xd201000000010000 (square and multiply over its six set bits).
    func powerBySeed() -> Fp12 {
        let seed: UInt64 = 0xd201_0000_0001_0000
        var result = self
        for bit in stride(from: 62, through: 0, by: -1) {
            result = result.squared
            if (seed >> UInt64(bit)) & 1 == 1 { result = result * self }
        }
        return result
    }
}
