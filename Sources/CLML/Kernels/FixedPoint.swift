/// A requantisation step `x ↦ round(x · multiplier / 2^shift)`, the one rounding rule of the engine:
/// the product is formed in 64 bits and shifted right arithmetically after adding `2^(shift-1)`,
/// so exact halves round toward +∞ (docs/ARCHITECTURE.md, "ML engine").
/// `shift == 0` means the identity scale times `multiplier` (no rounding needed).
public struct Requantizer: Equatable, Sendable {
    /// The fixed-point multiplier, 0 ≤ multiplier < 2^31.
    public var multiplier: Int64
    /// The right shift, 0...62.
    public var shift: Int64

    /// A requantiser; callers validate the ranges with `isValid` first.
    @inlinable public init(multiplier: Int32, shift: Int32) {
        self.multiplier = Int64(multiplier)
        self.shift = Int64(shift)
    }

    /// Whether the multiplier and shift are in range.
    @inlinable public var isValid: Bool { multiplier >= 0 && shift >= 0 && shift <= 62 }

    /// Applies the scale with the engine's rounding rule. Products wrap rather than trap: the converter
    /// keeps `|x · multiplier| < 2^63`, and a hostile model gets a wrong number, never a crash.
    @inlinable public func apply(_ value: Int64) -> Int64 {
        let product = value &* multiplier
        if shift == 0 { return product }
        return (product &+ (Int64(1) &<< (shift &- 1))) &>> shift
    }
}

/// Integer helpers shared by the kernels: rounding shifts and divisions, square root, exp and sigmoid.
public enum FixedPoint {
    /// `round(value / 2^shift)` with halves toward +∞; `shift` in 0...62.
    @inlinable public static func roundingShift(_ value: Int64, _ shift: Int64) -> Int64 {
        if shift <= 0 { return value }
        return (value &+ (Int64(1) &<< (shift &- 1))) &>> shift
    }

    /// `round(numerator / denominator)` with halves toward +∞, for a positive denominator.
    @inlinable public static func roundingDivide(_ numerator: Int64, _ denominator: Int64) -> Int64 {
        floorDivide(numerator &* 2 &+ denominator, denominator &* 2)
    }

    /// `⌊numerator / denominator⌋` for a positive denominator.
    @inlinable public static func floorDivide(_ numerator: Int64, _ denominator: Int64) -> Int64 {
        let quotient = numerator / denominator
        return (numerator % denominator < 0) ? quotient - 1 : quotient
    }

    /// `⌊√value⌋`, bit by bit (no division).
    @inlinable public static func squareRoot(_ value: UInt64) -> UInt64 {
        var remainder = value
        var root: UInt64 = 0
        var bit: UInt64 = 1 << 62
        while bit > remainder { bit >>= 2 }
        while bit != 0 {
            if remainder >= root + bit {
                remainder -= root + bit
                root = (root >> 1) + bit
            } else {
                root >>= 1
            }
            bit >>= 2
        }
        return root
    }

    /// ln 2 in Q16.
    public static let ln2Q16: Int64 = 45_426
    /// One in Q30.
    public static let oneQ30: Int64 = 1 << 30

    /// `e^x` for `x ≤ 0` given in Q16, returned in Q30.
    ///
    /// `x = −k·ln2 + r` with `r ∈ (−ln2, 0]`; `e^r` is the degree-6 Taylor polynomial in Q30 by Horner's
    /// rule (truncation error below 2·10⁻⁵ relative), then shifted right by `k`. Inputs above zero are
    /// treated as zero.
    @inlinable public static func expQ30(negativeQ16 x: Int64) -> Int64 {
        if x >= 0 { return oneQ30 }
        if x <= -31 * ln2Q16 { return 0 }
        let k = (-x) / ln2Q16
        let r = (x + k * ln2Q16) << 14
        var poly = oneQ30
        var degree: Int64 = 6
        while degree >= 1 {
            poly = oneQ30 + roundingShift(r * poly, 30) / degree
            degree -= 1
        }
        return roundingShift(poly, k)
    }

    /// The logistic function `1 / (1 + e^−x)` for `x` in Q16, returned in Q16 (0...65536).
    @inlinable public static func sigmoidQ16(_ x: Int64) -> Int64 {
        let bounded = min(max(x, -(1 << 40)), 1 << 40)
        let magnitude = bounded < 0 ? -bounded : bounded
        let e = expQ30(negativeQ16: -magnitude)
        let positive = roundingDivide(oneQ30 << 16, oneQ30 + e)
        return bounded < 0 ? (1 << 16) - positive : positive
    }
}
