/// The field operations the simplified SWU map and the isogeny evaluation need (RFC 9380 §6.6.2, §6.6.3):
/// one generic map serves map_fp_to_g1 (over Fp) and map_fp2_to_g2 (over Fp2).
protocol SWUField: Equatable {
    static var zero: Self { get }
    static var one: Self { get }
    static func + (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    var isZero: Bool { get }
    var squared: Self { get }
    var inverse: Self { get }
    var squareRoot: Self? { get }
    /// sgn0 of RFC 9380.
    var sgn0: Bool { get }
}

extension Fp: SWUField {
    /// sgn0 of RFC 9380: the parity of the plain value.
    var sgn0: Bool { plain.0 & 1 == 1 }
}

extension Fp2: SWUField {
    /// sgn0 of RFC 9380 for Fp2: c0's parity, or c1's when c0 is zero.
    var sgn0: Bool { c0.sgn0 || (c0.isZero && c1.sgn0) }
}

/// The simplified SWU map onto an isogenous curve y² = x³ + A·x + B, and polynomial evaluation for the isogeny.
enum SimplifiedSWU {
    /// `coefficients[0] + coefficients[1]·x + …` by Horner's rule.
    static func evaluate<F: SWUField>(_ coefficients: [F], at x: F) -> F {
        var acc = F.zero
        for k in coefficients.reversed() { acc = acc * x + k }
        return acc
    }

    /// The point (affine) that `u` maps to on y² = x³ + a·x + b, with `z` the curve's non-square Z.
    static func map<F: SWUField>(_ u: F, z: F, a: F, b: F) -> (x: F, y: F) {
        let zu2 = z * u.squared
        let tv = zu2.squared + zu2
        let x1: F
        if tv.isZero {
            x1 = b * (z * a).inverse
        } else {
            x1 = -b * a.inverse * (F.one + tv.inverse)
        }
        let gx1 = x1.squared * x1 + a * x1 + b
        var x = x1, y: F
        if let root = gx1.squareRoot {
            y = root
        } else {
            // gx2 = Z³u⁶·gx1 is then a square, since Z is not.
            x = zu2 * x1
            y = (x.squared * x + a * x + b).squareRoot ?? .zero
        }
        if u.sgn0 != y.sgn0 { y = -y }
        return (x, y)
    }
}
