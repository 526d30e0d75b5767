/// An element `c0 + c1·v + c2·v²` of Fp6 = Fp2[v]/(v³ - ξ), ξ = 1 + u.
public struct Fp6: Sendable, Equatable {
    /// The coefficients, constant first.
    public var c0: Fp2, c1: Fp2, c2: Fp2

    /// The element `c0 + c1·v + c2·v²`.
    @inlinable public init(_ c0: Fp2, _ c1: Fp2, _ c2: Fp2) { self.c0 = c0; self.c1 = c1; self.c2 = c2 }

    /// Zero.
    public static let zero = Fp6(.zero, .zero, .zero)
    /// One.
    public static let one = Fp6(.one, .zero, .zero)

    /// True for zero.
    @inlinable public var isZero: Bool { c0.isZero && c1.isZero && c2.isZero }

    /// Sum.
    @inlinable public static func + (a: Fp6, b: Fp6) -> Fp6 { Fp6(a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2) }
    /// Difference.
    @inlinable public static func - (a: Fp6, b: Fp6) -> Fp6 { Fp6(a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2) }
    /// Negation.
    @inlinable public static prefix func - (a: Fp6) -> Fp6 { Fp6(-a.c0, -a.c1, -a.c2) }

    /// Product (Karatsuba over the cubic extension: six Fp2 multiplications).
    @inlinable public static func * (a: Fp6, b: Fp6) -> Fp6 {
        let v0 = a.c0 * b.c0, v1 = a.c1 * b.c1, v2 = a.c2 * b.c2
        let t0 = ((a.c1 + a.c2) * (b.c1 + b.c2) - v1 - v2).timesXi + v0
        let t1 = (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1 + v2.timesXi
        let t2 = (a.c0 + a.c2) * (b.c0 + b.c2) - v0 - v2 + v1
        return Fp6(t0, t1, t2)
    }

    /// Product with an Fp2 element.
    @inlinable public static func * (a: Fp6, b: Fp2) -> Fp6 { Fp6(a.c0 * b, a.c1 * b, a.c2 * b) }

    /// The square.
    @inlinable public var squared: Fp6 { self * self }

    /// Product with v (the non-residue that builds Fp12): `(c0, c1, c2) ↦ (ξ·c2, c0, c1)`.
    @inlinable public var timesV: Fp6 { Fp6(c2.timesXi, c0, c1) }

    /// Product with the sparse element `b0 + b1·v`.
    @inlinable public func times(_ b0: Fp2, _ b1: Fp2) -> Fp6 {
        let v0 = c0 * b0, v1 = c1 * b1
        let t0 = ((c1 + c2) * b1 - v1).timesXi + v0
        let t1 = (c0 + c1) * (b0 + b1) - v0 - v1
        let t2 = c2 * b0 + v1
        return Fp6(t0, t1, t2)
    }

    /// Product with the sparse element `b1·v`.
    @inlinable public func times(v b1: Fp2) -> Fp6 { Fp6((c2 * b1).timesXi, c0 * b1, c1 * b1) }

    /// The multiplicative inverse; zero maps to zero.
    public var inverse: Fp6 {
        let t0 = c0.squared - (c1 * c2).timesXi
        let t1 = c2.squared.timesXi - c0 * c1
        let t2 = c1.squared - c0 * c2
        let d = (c0 * t0 + (c2 * t1).timesXi + (c1 * t2).timesXi).inverse
        return Fp6(t0 * d, t1 * d, t2 * d)
    }

    /// ξ^((p-1)/3), the Frobenius coefficient of v.
    static let frobeniusV = Fp2(.zero, Fp(limbs: (
        0xcd03_c9e4_8671_f071, 0x5dab_2246_1fcd_a5d2, 0x5870_42af_d385_1b95,
        0x8eb6_0ebe_01ba_cb9e, 0x03f9_7d6e_83d0_50d2, 0x18f0_2065_5463_8741)))
    /// ξ^(2(p-1)/3), the Frobenius coefficient of v².
    static let frobeniusV2 = Fp2(Fp(limbs: (
        0x890d_c9e4_8675_45c3, 0x2af3_2253_3285_a5d5, 0x5088_0866_309b_7e2c,
        0xa20d_1b8c_7e88_1024, 0x14e4_f04f_e2db_9068, 0x14e5_6d3f_1564_853a)), .zero)

    /// The Frobenius map `a^p`.
    public var frobenius: Fp6 {
        Fp6(c0.conjugate, c1.conjugate * Fp6.frobeniusV, c2.conjugate * Fp6.frobeniusV2)
    }
}
