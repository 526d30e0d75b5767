// Wrapping arithmetic, full-width multiplication and division of `UInt256`.

extension UInt256 {
    /// Addition with the carry out of bit 255.
    @inlinable public func addingReportingOverflow(_ b: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, c0) = UInt256.addWithCarry(w0, b.w0, 0)
        let (r1, c1) = UInt256.addWithCarry(w1, b.w1, c0)
        let (r2, c2) = UInt256.addWithCarry(w2, b.w2, c1)
        let (r3, c3) = UInt256.addWithCarry(w3, b.w3, c2)
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), c3 != 0)
    }

    /// Subtraction with the borrow out of bit 255.
    @inlinable public func subtractingReportingOverflow(_ b: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, b0) = UInt256.subtractWithBorrow(w0, b.w0, 0)
        let (r1, b1) = UInt256.subtractWithBorrow(w1, b.w1, b0)
        let (r2, b2) = UInt256.subtractWithBorrow(w2, b.w2, b1)
        let (r3, b3) = UInt256.subtractWithBorrow(w3, b.w3, b2)
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), b3 != 0)
    }

    /// `a + b + carry` (carry 0 or 1) and the carry out. Written with comparisons, which the
    /// compiler turns into an add-with-carry chain (Bool overflow flags gave branches).
    @inlinable @inline(__always)
    static func addWithCarry(_ a: UInt64, _ b: UInt64, _ carry: UInt64) -> (sum: UInt64, carry: UInt64) {
        let partial = a &+ b
        let sum = partial &+ carry
        return (sum, (partial < a ? 1 : 0) | (sum < partial ? 1 : 0))
    }

    /// `a − b − borrow` (borrow 0 or 1) and the borrow out, as a subtract-with-borrow chain.
    @inlinable @inline(__always)
    static func subtractWithBorrow(_ a: UInt64, _ b: UInt64, _ borrow: UInt64) -> (difference: UInt64, borrow: UInt64) {
        let partial = a &- b
        return (partial &- borrow, (a < b ? 1 : 0) | (partial < borrow ? 1 : 0))
    }

    /// Addition modulo 2^256.
    @inlinable public static func &+ (a: UInt256, b: UInt256) -> UInt256 { a.addingReportingOverflow(b).partialValue }

    /// Subtraction modulo 2^256.
    @inlinable public static func &- (a: UInt256, b: UInt256) -> UInt256 { a.subtractingReportingOverflow(b).partialValue }

    /// Multiplication modulo 2^256: the ten partial products below 2^256, unrolled.
    @inlinable public static func &* (a: UInt256, b: UInt256) -> UInt256 {
        let (c0, r0) = multiplyAdd(a.w0, b.w0, 0, 0)
        var c = c0, r1: UInt64, r2: UInt64, r3: UInt64
        (c, r1) = multiplyAdd(a.w0, b.w1, 0, c)
        (c, r2) = multiplyAdd(a.w0, b.w2, 0, c)
        r3 = a.w0 &* b.w3 &+ c
        (c, r1) = multiplyAdd(a.w1, b.w0, r1, 0)
        (c, r2) = multiplyAdd(a.w1, b.w1, r2, c)
        r3 = r3 &+ a.w1 &* b.w2 &+ c
        (c, r2) = multiplyAdd(a.w2, b.w0, r2, 0)
        r3 = r3 &+ a.w2 &* b.w1 &+ c
        r3 = r3 &+ a.w3 &* b.w0
        return UInt256(w0: r0, w1: r1, w2: r2, w3: r3)
    }

    /// The full 512-bit product as (high, low) halves: sixteen partial products, unrolled.
    @inlinable public func multipliedFullWidth(by b: UInt256) -> (high: UInt256, low: UInt256) {
        let a = self
        var c: UInt64, r0: UInt64, r1: UInt64, r2: UInt64, r3: UInt64, r4: UInt64, r5: UInt64, r6: UInt64
        (c, r0) = UInt256.multiplyAdd(a.w0, b.w0, 0, 0)
        (c, r1) = UInt256.multiplyAdd(a.w0, b.w1, 0, c)
        (c, r2) = UInt256.multiplyAdd(a.w0, b.w2, 0, c)
        (r4, r3) = UInt256.multiplyAdd(a.w0, b.w3, 0, c)
        (c, r1) = UInt256.multiplyAdd(a.w1, b.w0, r1, 0)
        (c, r2) = UInt256.multiplyAdd(a.w1, b.w1, r2, c)
        (c, r3) = UInt256.multiplyAdd(a.w1, b.w2, r3, c)
        (r5, r4) = UInt256.multiplyAdd(a.w1, b.w3, r4, c)
        (c, r2) = UInt256.multiplyAdd(a.w2, b.w0, r2, 0)
        (c, r3) = UInt256.multiplyAdd(a.w2, b.w1, r3, c)
        (c, r4) = UInt256.multiplyAdd(a.w2, b.w2, r4, c)
        (r6, r5) = UInt256.multiplyAdd(a.w2, b.w3, r5, c)
        (c, r3) = UInt256.multiplyAdd(a.w3, b.w0, r3, 0)
        (c, r4) = UInt256.multiplyAdd(a.w3, b.w1, r4, c)
        (c, r5) = UInt256.multiplyAdd(a.w3, b.w2, r5, c)
        let (r7, top6) = UInt256.multiplyAdd(a.w3, b.w3, r6, c)
        return (UInt256(w0: r4, w1: r5, w2: top6, w3: r7), UInt256(w0: r0, w1: r1, w2: r2, w3: r3))
    }

    /// `a·b + addend + carry` as (high, low); it cannot overflow 128 bits.
    @inlinable @inline(__always)
    static func multiplyAdd(_ a: UInt64, _ b: UInt64, _ addend: UInt64, _ carry: UInt64) -> (high: UInt64, low: UInt64) {
        let (high, low) = a.multipliedFullWidth(by: b)
        let (s1, o1) = low.addingReportingOverflow(addend)
        let (s2, o2) = s1.addingReportingOverflow(carry)
        return (high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0), s2)
    }

    /// Quotient and remainder; the divisor must not be zero (the EVM operations handle zero).
    @inlinable public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!divisor.isZero, "UInt256 division by zero")
        if (w1 | w2 | w3 | divisor.w1 | divisor.w2 | divisor.w3) == 0 {
            return (UInt256(w0 / divisor.w0), UInt256(w0 % divisor.w0))
        }
        if self < divisor { return (.zero, self) }
        return LimbDivision.divide(high: .zero, low: self, by: divisor)
    }

    /// Integer division; traps on a zero divisor.
    @inlinable public static func / (a: UInt256, b: UInt256) -> UInt256 { a.quotientAndRemainder(dividingBy: b).quotient }

    /// Remainder; traps on a zero divisor.
    @inlinable public static func % (a: UInt256, b: UInt256) -> UInt256 { a.quotientAndRemainder(dividingBy: b).remainder }

    /// `(high·2^256 + low) mod m`, for a non-zero `m`.
    @inlinable public static func remainder(high: UInt256, low: UInt256, modulo m: UInt256) -> UInt256 {
        precondition(!m.isZero, "UInt256 modulo zero")
        if high.isZero { return low.quotientAndRemainder(dividingBy: m).remainder }
        return LimbDivision.divide(high: high, low: low, by: m).remainder
    }
}
