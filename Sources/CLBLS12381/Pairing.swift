/// The optimal ate pairing on BLS12-381.
///
/// The Miller loop runs over the bits of |x| = 0xd201000000010000 with G2's point on the M-type
/// twist y² = x³ + 4(1+u) in Jacobian coordinates and G1's point affine. Each line through T
/// (and Q), untwisted by (x', y') ↦ (x'/w², y'/w³) and scaled by w³ and by a factor in Fp2
/// (both vanish under the final exponentiation), is the sparse element
/// `(a + b·v) + (c·v)·w`: a = λ'x_T - y_T, b = -λ'·x_P, c = y_P, all times the denominator of λ'.
/// Because x < 0 the loop's result is conjugated. The hard part of the final exponentiation uses
/// 3(p⁴ - p² + 1)/r = λ0 + λ1·p + λ2·p² + λ3·p³ with λ3 = (x-1)², λ2 = λ3·x, λ1 = λ2·x - λ3,
/// λ0 = λ1·x + 3, so `pairing` returns the cube of the textbook reduced pairing: still a
/// non-degenerate bilinear map, and the same answer to every product-equals-one check.
public enum Pairing {
    /// The Miller-loop state of one pair: the affine inputs and the running multiple T of Q.
    private struct Lane {
        let px: Fp, py: Fp
        let qx: Fp2, qy: Fp2
        var t: G2Point
    }

    /// Doubles the lane's T, returning the tangent line's coefficients (a, b, c).
    @inline(__always)
    private static func doublingStep(_ lane: inout Lane) -> (Fp2, Fp2, Fp2) {
        let (x, y, z) = (lane.t.x, lane.t.y, lane.t.z)
        let a = x.squared, b = y.squared, c = b.squared
        let d = ((x + b).squared - a - c).doubled
        let e = a.doubled + a
        let x3 = e.squared - d.doubled
        let y3 = e * (d - x3) - c.doubled.doubled.doubled
        let z3 = (y * z).doubled
        let zz = z.squared
        lane.t = G2Point(x: x3, y: y3, z: z3)
        return (e * x - b.doubled, -((e * zz) * lane.px), (z3 * zz) * lane.py)
    }

    /// Adds Q to the lane's T, returning the chord's coefficients (a, b, c).
    @inline(__always)
    private static func additionStep(_ lane: inout Lane) -> (Fp2, Fp2, Fp2) {
        let (x, y, z) = (lane.t.x, lane.t.y, lane.t.z)
        let zz = z.squared
        let h = lane.qx * zz - x
        let r = lane.qy * z * zz - y
        let hh = h.squared, hhh = h * hh
        let v = x * hh
        let x3 = r.squared - hhh - v.doubled
        let y3 = r * (v - x3) - y * hhh
        let z3 = z * h
        lane.t = G2Point(x: x3, y: y3, z: z3)
        return (r * lane.qx - lane.qy * z3, -(r * lane.px), z3 * lane.py)
    }

    /// The product of the Miller loops of every pair, before the final exponentiation.
    /// Pairs with a point at infinity contribute 1 and are skipped.
    public static func millerLoop(_ pairs: [(G1Point, G2Point)]) -> Fp12 {
        var lanes: [Lane] = []
        for (p, q) in pairs {
            guard let (px, py) = p.affine, let (qx, qy) = q.affine else { continue }
            lanes.append(Lane(px: px, py: py, qx: qx, qy: qy, t: G2Point(affineX: qx, affineY: qy)))
        }
        var f = Fp12.one
        if lanes.isEmpty { return f }
        let seed: UInt64 = 0xd201_0000_0001_0000
        for bit in stride(from: 62, through: 0, by: -1) {
            f = f.squared
            for i in lanes.indices {
                let (a, b, c) = doublingStep(&lanes[i])
                f = f.timesLine(a, b, c)
            }
            if (seed >> UInt64(bit)) & 1 == 1 {
                for i in lanes.indices {
                    let (a, b, c) = additionStep(&lanes[i])
                    f = f.timesLine(a, b, c)
                }
            }
        }
        return f.conjugate
    }

    /// `a^x` for the negative seed x, for `a` in the cyclotomic subgroup (where the inverse is the conjugate).
    private static func powerByX(_ a: Fp12) -> Fp12 { a.powerBySeed().conjugate }

    /// The final exponentiation `f^(3(p¹² - 1)/r)`.
    public static func finalExponentiation(_ f: Fp12) -> Fp12 {
        // Easy part: f^((p⁶ - 1)(p² + 1)), which lands in the cyclotomic subgroup.
        let f1 = f.conjugate * f.inverse
        let m = f1.frobenius.frobenius * f1
        // Hard part.
        let t = powerByX(m) * m.conjugate             // m^(x-1)
        let a3 = powerByX(t) * t.conjugate            // m^λ3
        let a2 = powerByX(a3)                         // m^λ2
        let a1 = powerByX(a2) * a3.conjugate          // m^λ1
        let a0 = powerByX(a1) * m.squared * m         // m^λ0
        return a0 * a1.frobenius * a2.frobenius.frobenius * a3.frobenius.frobenius.frobenius
    }

    /// The pairing e(P, Q) (the cube of the textbook reduced optimal ate pairing; see the type's notes).
    public static func pairing(_ p: G1Point, _ q: G2Point) -> Fp12 {
        finalExponentiation(millerLoop([(p, q)]))
    }

    /// True when the product of e(Pᵢ, Qᵢ) over all pairs is one.
    public static func check(_ pairs: [(G1Point, G2Point)]) -> Bool {
        finalExponentiation(millerLoop(pairs)) == .one
    }
}
