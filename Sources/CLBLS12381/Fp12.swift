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

    /// The square of an element of the cyclotomic subgroup (norm 1 over Fp6, as after the final
    /// exponentiation's easy part), by Granger and Scott: seen as `A + B·w + C·w²` with A, B, C in
    /// Fp4 = Fp2[s]/(s² - ξ), s = w³, the square is `(3A² - 2Ā) + (3s·C² + 2B̄)·w + (3B² - 2C̄)·w²`,
    /// nine Fp2 squarings instead of a full Fp12 squaring. Wrong for elements outside the subgroup.
    @inlinable public var cyclotomicSquared: Fp12 {
        // A = c0.c0 + c1.c1·s, B = c1.c0 + c0.c2·s, C = c0.c1 + c1.c2·s.
        @inline(__always) func fp4Square(_ a: Fp2, _ b: Fp2) -> (Fp2, Fp2) {
            let a2 = a.squared, b2 = b.squared
            return (b2.timesXi + a2, (a + b).squared - a2 - b2)
        }
        @inline(__always) func threeMinusTwo(_ t: Fp2, _ z: Fp2) -> Fp2 { (t - z).doubled + t }  // 3t - 2z
        @inline(__always) func threePlusTwo(_ t: Fp2, _ z: Fp2) -> Fp2 { (t + z).doubled + t }   // 3t + 2z
        let (a0, a1) = fp4Square(c0.c0, c1.c1)
        let (b0, b1) = fp4Square(c1.c0, c0.c2)
        let (cc0, cc1) = fp4Square(c0.c1, c1.c2)
        let newA = (threeMinusTwo(a0, c0.c0), threePlusTwo(a1, c1.c1))
        let newB = (threePlusTwo(cc1.timesXi, c1.c0), threeMinusTwo(cc0, c0.c2))
        let newC = (threeMinusTwo(b0, c0.c1), threePlusTwo(b1, c1.c2))
        return Fp12(Fp6(newA.0, newC.0, newB.1), Fp6(newB.0, newA.1, newC.1))
    }

    /// `self^|x|` for the curve seed |x| = 0xd201000000010000 (square and multiply over its six set
    /// bits), for elements of the cyclotomic subgroup only (it squares with `cyclotomicSquared`).
    func powerBySeed() -> Fp12 {
        let seed: UInt64 = 0xd201_0000_0001_0000
        var result = self
        for bit in stride(from: 62, through: 0, by: -1) {
            result = result.cyclotomicSquared
            if (seed >> UInt64(bit)) & 1 == 1 { result = result * self }
        }
        return result
    }
}
