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

    /// Applies the scale with the engine's rounding rule, exactly for every `|value| < 2^62` when
    /// `shift ≥ 31` (the product is then split in two halves of 31 bits), and for `|value| < 2^32` below
    /// that. Outside those ranges the product wraps rather than traps: a hostile model gets a wrong
    /// number, never a crash.
    @inlinable public func apply(_ value: Int64) -> Int64 {
        if shift == 0 { return value &* multiplier }
        if (value >= -(1 << 32) && value < (1 << 32)) || shift < 31 {
            return (value &* multiplier &+ (Int64(1) &<< (shift &- 1))) &>> shift
        }
        let high = value &>> 31
        let low = value & 0x7FFF_FFFF
        let lowPart = low &* multiplier &+ (Int64(1) &<< (shift &- 1))
        return (high &* multiplier &+ (lowPart &>> 31)) &>> (shift &- 31)
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
    /// ln 2 in Q30 (`round(ln 2 · 2^30)`).
    public static let ln2Q30: Int64 = 744_261_118
    /// One in Q30.
    public static let oneQ30: Int64 = 1 << 30

    /// `e^x` for `x ≤ 0` given in Q16, returned in Q30.
    ///
    /// In Q30, `x = −k·ln2 + r` with `r ∈ (−ln2, 0]`; `e^r` is the degree-7 Taylor polynomial by Horner's
    /// rule (truncation error below 1.5·10⁻⁶ relative), then shifted right by `k` with rounding. Inputs
    /// above zero are treated as zero; below −31·ln2 the result is 0.
    @inlinable public static func expQ30(negativeQ16 x: Int64) -> Int64 {
        if x >= 0 { return oneQ30 }
        if x <= -31 * ln2Q16 { return 0 }
        let x30 = x << 14
        let k = (-x30) / ln2Q30
        let r = x30 + k * ln2Q30
        var poly = oneQ30
        var degree: Int64 = 7
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
