// The EVM's arithmetic on words: total operations (x / 0 = 0), the two's-complement signed view,
// and the bit/byte operations of the instruction set. Names follow the opcodes.

extension UInt256 {
    /// True when bit 255 is set (negative in the two's-complement view).
    @inlinable public var isNegative: Bool { w3 >> 63 == 1 }

    /// Two's-complement negation modulo 2^256.
    @inlinable public var negated: UInt256 { (~self) &+ .one }

    /// Absolute value in the signed view (2^255 maps to itself).
    @inlinable public var magnitude: UInt256 { isNegative ? negated : self }

    /// `DIV`: unsigned division, zero when dividing by zero.
    @inlinable public func div(_ b: UInt256) -> UInt256 { b.isZero ? .zero : self / b }

    /// `MOD`: unsigned remainder, zero when dividing by zero.
    @inlinable public func mod(_ b: UInt256) -> UInt256 { b.isZero ? .zero : self % b }

    /// `SDIV`: signed division truncated toward zero, zero for a zero divisor; −2^255 / −1 = −2^255.
    @inlinable public func sdiv(_ b: UInt256) -> UInt256 {
        if b.isZero { return .zero }
        let q = magnitude / b.magnitude
        return isNegative != b.isNegative ? q.negated : q
    }

    /// `SMOD`: signed remainder with the sign of the dividend, zero for a zero divisor.
    @inlinable public func smod(_ b: UInt256) -> UInt256 {
        if b.isZero { return .zero }
        let r = magnitude % b.magnitude
        return isNegative ? r.negated : r
    }

    /// `ADDMOD`: `(a + b) mod m` on the exact (257-bit) sum, zero for a zero modulus.
    @inlinable public func addmod(_ b: UInt256, _ m: UInt256) -> UInt256 {
        if m.isZero { return .zero }
        let (sum, carry) = addingReportingOverflow(b)
        return UInt256.remainder(high: carry ? .one : .zero, low: sum, modulo: m)
    }

    /// `MULMOD`: `(a · b) mod m` on the exact 512-bit product, zero for a zero modulus.
    @inlinable public func mulmod(_ b: UInt256, _ m: UInt256) -> UInt256 {
        if m.isZero { return .zero }
        let (high, low) = multipliedFullWidth(by: b)
        return UInt256.remainder(high: high, low: low, modulo: m)
    }

    /// `EXP`: `self ** exponent` modulo 2^256 (0^0 = 1). Powers of two become shifts; other bases
    /// square and multiply from the exponent's top bit down.
    public func exp(_ exponent: UInt256) -> UInt256 {
        if exponent.isZero { return .one }
        let bitsSet = w0.nonzeroBitCount &+ w1.nonzeroBitCount &+ w2.nonzeroBitCount &+ w3.nonzeroBitCount
        if bitsSet <= 1 {  // 0, or 2^k: the result is 2^(k·exponent), zero once that reaches 2^256
            if bitsSet == 0 { return .zero }
            let k = bitWidth - 1
            if k == 0 { return .one }
            guard let e = exponent.uint64, e < 256 else { return .zero }
            let product = UInt64(k) * e  // < 256 · 256
            return product < 256 ? .one << Int(product) : .zero
        }
        var result = self
        let top = exponent.bitWidth - 1  // the top bit is consumed by starting from `self`
        var limbIndex = top >> 6
        var bit = top & 63
        while limbIndex >= 0 {
            let limb = exponent[limb: limbIndex]
            while bit > 0 {
                bit -= 1
                result = result.squaredModulo2To256
                if (limb >> UInt64(bit)) & 1 == 1 { result = result &* self }
            }
            limbIndex -= 1
            bit = 64
        }
        return result
    }

    /// `self · self` modulo 2^256: six partial products instead of ten, the cross terms doubled.
    @inlinable var squaredModulo2To256: UInt256 {
        // Cross terms a0a1·2^64 + a0a2·2^128 + (a0a3 + a1a2)·2^192, modulo 2^256.
        let (h01, l01) = w0.multipliedFullWidth(by: w1)
        let (h02, l02) = w0.multipliedFullWidth(by: w2)
        let (c2, carry) = h01.addingReportingOverflow(l02)
        let c3 = h02 &+ w0 &* w3 &+ w1 &* w2 &+ (carry ? 1 : 0)
        // Squares a0²  + a1²·2^128.
        let (h00, l00) = w0.multipliedFullWidth(by: w0)
        let (h11, l11) = w1.multipliedFullWidth(by: w1)
        let doubled = UInt256(w0: 0, w1: l01 &<< 1, w2: c2 &<< 1 | l01 &>> 63, w3: c3 &<< 1 | c2 &>> 63)
        return UInt256(w0: l00, w1: h00, w2: l11, w3: h11) &+ doubled
    }

    /// `SHL`: `value << self`, zero for shifts of 256 or more.
    @inlinable public func shl(_ value: UInt256) -> UInt256 {
        guard let s = uint64, s < 256 else { return .zero }
        return value << Int(s)
    }

    /// `SHR`: logical `value >> self`, zero for shifts of 256 or more.
    @inlinable public func shr(_ value: UInt256) -> UInt256 {
        guard let s = uint64, s < 256 else { return .zero }
        return value >> Int(s)
    }

    /// `SAR`: arithmetic `value >> self`, filling with the sign bit.
    @inlinable public func sar(_ value: UInt256) -> UInt256 {
        guard let s = uint64, s < 256 else { return value.isNegative ? .max : .zero }
        if s == 0 { return value }
        let shifted = value >> Int(s)
        return value.isNegative ? shifted | ~(UInt256.max >> Int(s)) : shifted
    }

    /// `BYTE`: byte `self` of `value`, counting from the most significant (0) to the least (31).
    @inlinable public func byte(_ value: UInt256) -> UInt256 {
        guard let i = uint64, i < 32 else { return .zero }
        let limb = value[limb: 3 - Int(i / 8)]
        return UInt256((limb >> (56 - 8 * (i % 8))) & 0xff)
    }

    /// `SIGNEXTEND`: extends the sign of byte `self` (0 = least significant) of `value` to all 256 bits.
    @inlinable public func signextend(_ value: UInt256) -> UInt256 {
        guard let b = uint64, b < 31 else { return value }
        let bit = Int(b * 8 + 7)
        let mask = (UInt256.one << (bit + 1)) &- .one
        let negative = !((value >> bit) & .one).isZero
        return negative ? value | ~mask : value & mask
    }

    /// `SLT`: signed less-than.
    @inlinable public func signedLessThan(_ b: UInt256) -> Bool {
        if isNegative != b.isNegative { return isNegative }
        return self < b
    }

    /// `SGT`: signed greater-than.
    @inlinable public func signedGreaterThan(_ b: UInt256) -> Bool { b.signedLessThan(self) }
}
