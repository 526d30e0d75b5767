/// An exact dyadic rational `mantissa · 2^exponent`: every finite binary16 or binary32 value,
/// and every dequantized Q8_0/Q4_0/Q4_1/Q4_K/Q6_K weight, is one of these exactly. Integer arithmetic only.
public struct Dyadic: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The integer mantissa (signed).
    public let mantissa: Int64
    /// The power of two it is scaled by.
    public let exponent: Int

    /// `mantissa · 2^exponent`.
    @inlinable public init(mantissa: Int64, exponent: Int) {
        self.mantissa = mantissa
        self.exponent = exponent
    }

    public var description: String { "\(mantissa)*2^\(exponent)" }

    /// The exact value of binary16 bits `h`; nil for infinities and NaNs.
    /// Normal: (1024 + fraction) · 2^(e − 25); subnormal: fraction · 2^−24.
    @inlinable public init?(float16Bits h: UInt16) {
        let sign: Int64 = h & 0x8000 != 0 ? -1 : 1
        let e = Int((h >> 10) & 0x1F)
        let f = Int64(h & 0x3FF)
        if e == 0x1F { return nil }
        if e == 0 { self.init(mantissa: sign * f, exponent: -24) } else { self.init(mantissa: sign * (f | 0x400), exponent: e - 25) }
    }

    /// The exact value of binary32 bits `x`; nil for infinities and NaNs.
    /// Normal: (2^23 + fraction) · 2^(e − 150); subnormal: fraction · 2^−149.
    @inlinable public init?(float32Bits x: UInt32) {
        let sign: Int64 = x & 0x8000_0000 != 0 ? -1 : 1
        let e = Int((x >> 23) & 0xFF)
        let f = Int64(x & 0x7F_FFFF)
        if e == 0xFF { return nil }
        if e == 0 { self.init(mantissa: sign * f, exponent: -149) } else { self.init(mantissa: sign * (f | 0x80_0000), exponent: e - 150) }
    }

    /// This value times the integer `k` (exact: callers keep |mantissa · k| below 2^63).
    @inlinable public func scaled(by k: Int64) -> Dyadic { Dyadic(mantissa: mantissa * k, exponent: exponent) }

    /// The exact sum, at the smaller exponent. Exact for the dequantization formulas, whose operands are
    /// binary16 values times small integers (exponent gap ≤ 39, mantissas ≤ 2^21), so the result stays below 2^62.
    @inlinable public static func + (a: Dyadic, b: Dyadic) -> Dyadic {
        if a.mantissa == 0 { return b }
        if b.mantissa == 0 { return a }
        let e = min(a.exponent, b.exponent)
        return Dyadic(mantissa: (a.mantissa << (a.exponent - e)) + (b.mantissa << (b.exponent - e)), exponent: e)
    }

    /// The value rounded to a fixed-point integer with `fractionBits` fractional bits
    /// (value · 2^fractionBits), rounding half away from zero. Nil if it does not fit in an Int64.
    public func fixedPoint(fractionBits: Int) -> Int64? {
        let shift = exponent + fractionBits
        let magnitude = mantissa.magnitude
        let negative = mantissa < 0
        var r: UInt64
        if shift >= 0 {
            guard shift < 64, magnitude <= (UInt64(Int64.max) >> UInt64(shift)) else { return magnitude == 0 ? 0 : nil }
            r = magnitude << UInt64(shift)
        } else if -shift >= 64 {
            r = 0
        } else {
            let s = UInt64(-shift)
            r = magnitude >> s
            if (magnitude >> (s - 1)) & 1 == 1 { r += 1 }
        }
        guard r <= UInt64(Int64.max) else { return nil }
        return negative ? -Int64(r) : Int64(r)
    }
}
