// Wrapping arithmetic, full-width multiplication and division of `UInt256`.

extension UInt256 {
    /// Addition with the carry out of bit 255.
    @inlinable public func addingReportingOverflow(_ b: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, c0) = w0.addingReportingOverflow(b.w0)
        let (t1, c1a) = w1.addingReportingOverflow(b.w1)
        let (r1, c1b) = t1.addingReportingOverflow(c0 ? 1 : 0)
        let (t2, c2a) = w2.addingReportingOverflow(b.w2)
        let (r2, c2b) = t2.addingReportingOverflow((c1a || c1b) ? 1 : 0)
        let (t3, c3a) = w3.addingReportingOverflow(b.w3)
        let (r3, c3b) = t3.addingReportingOverflow((c2a || c2b) ? 1 : 0)
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), c3a || c3b)
    }

    /// Subtraction with the borrow out of bit 255.
    @inlinable public func subtractingReportingOverflow(_ b: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, b0) = w0.subtractingReportingOverflow(b.w0)
        let (t1, b1a) = w1.subtractingReportingOverflow(b.w1)
        let (r1, b1b) = t1.subtractingReportingOverflow(b0 ? 1 : 0)
        let (t2, b2a) = w2.subtractingReportingOverflow(b.w2)
        let (r2, b2b) = t2.subtractingReportingOverflow((b1a || b1b) ? 1 : 0)
        let (t3, b3a) = w3.subtractingReportingOverflow(b.w3)
        let (r3, b3b) = t3.subtractingReportingOverflow((b2a || b2b) ? 1 : 0)
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), b3a || b3b)
    }

    /// Addition modulo 2^256.
    @inlinable public static func &+ (a: UInt256, b: UInt256) -> UInt256 { a.addingReportingOverflow(b).partialValue }

    /// Subtraction modulo 2^256.
    @inlinable public static func &- (a: UInt256, b: UInt256) -> UInt256 { a.subtractingReportingOverflow(b).partialValue }

    /// Multiplication modulo 2^256 (only the partial products below 2^256 are formed).
    @inlinable public static func &* (a: UInt256, b: UInt256) -> UInt256 {
        var r = UInt256()
        for i in 0..<4 {
            let ai = a[limb: i]
            if ai == 0 { continue }
            var carry: UInt64 = 0
            for j in 0..<(4 - i) {
                let (hi, lo) = ai.multipliedFullWidth(by: b[limb: j])
                let (s1, o1) = lo.addingReportingOverflow(r[limb: i + j])
                let (s2, o2) = s1.addingReportingOverflow(carry)
                r[limb: i + j] = s2
                carry = hi &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
            }
        }
        return r
    }

    /// The full 512-bit product as (high, low) halves.
    @inlinable public func multipliedFullWidth(by b: UInt256) -> (high: UInt256, low: UInt256) {
        var limbs = UInt512Limbs()
        for i in 0..<4 {
            let ai = self[limb: i]
            if ai == 0 { continue }
            var carry: UInt64 = 0
            for j in 0..<4 {
                let (hi, lo) = ai.multipliedFullWidth(by: b[limb: j])
                let (s1, o1) = lo.addingReportingOverflow(limbs[i + j])
                let (s2, o2) = s1.addingReportingOverflow(carry)
                limbs[i + j] = s2
                carry = hi &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
            }
            limbs[i + 4] = carry
        }
        return (UInt256(w0: limbs[4], w1: limbs[5], w2: limbs[6], w3: limbs[7]),
                UInt256(w0: limbs[0], w1: limbs[1], w2: limbs[2], w3: limbs[3]))
    }

    /// Quotient and remainder; the divisor must not be zero (the EVM operations handle zero).
    @inlinable public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!divisor.isZero, "UInt256 division by zero")
        if self < divisor { return (.zero, self) }
        if let d = divisor.uint64, (w1 | w2 | w3) == 0 { return (UInt256(w0 / d), UInt256(w0 % d)) }
        var dividend = UInt512Limbs()
        dividend[0] = w0; dividend[1] = w1; dividend[2] = w2; dividend[3] = w3
        return LimbDivision.divide(dividend, dividendLimbs: 4, by: divisor)
    }

    /// Integer division; traps on a zero divisor.
    @inlinable public static func / (a: UInt256, b: UInt256) -> UInt256 { a.quotientAndRemainder(dividingBy: b).quotient }

    /// Remainder; traps on a zero divisor.
    @inlinable public static func % (a: UInt256, b: UInt256) -> UInt256 { a.quotientAndRemainder(dividingBy: b).remainder }

    /// `(high·2^256 + low) mod m`, for a non-zero `m`.
    @inlinable public static func remainder(high: UInt256, low: UInt256, modulo m: UInt256) -> UInt256 {
        precondition(!m.isZero, "UInt256 modulo zero")
        if high.isZero { return low.quotientAndRemainder(dividingBy: m).remainder }
        var dividend = UInt512Limbs()
        for i in 0..<4 { dividend[i] = low[limb: i]; dividend[i + 4] = high[limb: i] }
        return LimbDivision.divide(dividend, dividendLimbs: 8, by: m).remainder
    }
}

/// Eight 64-bit limbs inline, least significant first: the scratch space of 512-bit arithmetic.
@usableFromInline
struct UInt512Limbs {
    @usableFromInline var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0)

    @inlinable init() {}

    /// Limb `i`, 0...8 (limb 8 is headroom for normalisation).
    @inlinable subscript(i: Int) -> UInt64 {
        @inline(__always) get { withUnsafeBytes(of: storage) { $0.load(fromByteOffset: i &* 8, as: UInt64.self) } }
        @inline(__always) set {
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: newValue, toByteOffset: i &* 8, as: UInt64.self) }
        }
    }
}

/// Knuth's algorithm D (TAOCP vol. 2, §4.3.1) on 64-bit limbs, for up to 8 dividend and 4 divisor limbs.
@usableFromInline
enum LimbDivision {
    /// Divides `dividend` (its low `dividendLimbs` limbs) by a non-zero `divisor`.
    /// The quotient is truncated to 256 bits: callers that divide a 512-bit value use only the remainder.
    @inlinable
    static func divide(_ dividend: UInt512Limbs, dividendLimbs: Int, by divisor: UInt256)
        -> (quotient: UInt256, remainder: UInt256) {
        var m = dividendLimbs
        while m > 0 && dividend[m - 1] == 0 { m -= 1 }
        var n = 4
        while divisor[limb: n - 1] == 0 { n -= 1 }
        if m < n { // dividend < divisor
            return (.zero, UInt256(w0: dividend[0], w1: dividend[1], w2: dividend[2], w3: dividend[3]))
        }
        if n == 1 { return divideBySingleLimb(dividend, limbs: m, by: divisor.w0) }

        // Normalise so the divisor's top limb has its top bit set.
        let shift = UInt64(divisor[limb: n - 1].leadingZeroBitCount)
        var v = UInt256()
        var u = UInt512Limbs()
        for i in stride(from: n - 1, through: 0, by: -1) {
            var x = divisor[limb: i] &<< shift
            if shift != 0 && i > 0 { x |= divisor[limb: i - 1] &>> (64 - shift) }
            v[limb: i] = x
        }
        u[m] = shift == 0 ? 0 : dividend[m - 1] &>> (64 - shift)
        for i in stride(from: m - 1, through: 0, by: -1) {
            var x = dividend[i] &<< shift
            if shift != 0 && i > 0 { x |= dividend[i - 1] &>> (64 - shift) }
            u[i] = x
        }

        let vTop = v[limb: n - 1], vNext = v[limb: n - 2]
        var q = UInt512Limbs()
        for j in stride(from: m - n, through: 0, by: -1) {
            // Estimate the quotient digit from the top two dividend limbs.
            var qhat: UInt64, rhat: UInt64
            var rhatOverflow = false
            if u[j + n] >= vTop {
                qhat = .max
                (rhat, rhatOverflow) = u[j + n - 1].addingReportingOverflow(vTop)
            } else {
                (qhat, rhat) = vTop.dividingFullWidth((u[j + n], u[j + n - 1]))
            }
            while !rhatOverflow {
                let (ph, pl) = qhat.multipliedFullWidth(by: vNext)
                guard ph > rhat || (ph == rhat && pl > u[j + n - 2]) else { break }
                qhat &-= 1
                (rhat, rhatOverflow) = rhat.addingReportingOverflow(vTop)
            }
            // Multiply and subtract qhat·v from u[j ..< j+n+1].
            var carry: UInt64 = 0, borrow: UInt64 = 0
            for i in 0..<n {
                let (hi, lo) = qhat.multipliedFullWidth(by: v[limb: i])
                let (plo, c) = lo.addingReportingOverflow(carry)
                carry = hi &+ (c ? 1 : 0)
                let (s1, b1) = u[i + j].subtractingReportingOverflow(plo)
                let (s2, b2) = s1.subtractingReportingOverflow(borrow)
                u[i + j] = s2
                borrow = (b1 || b2) ? 1 : 0
            }
            let (t1, b1) = u[j + n].subtractingReportingOverflow(carry)
            let (t2, b2) = t1.subtractingReportingOverflow(borrow)
            u[j + n] = t2
            if b1 || b2 { // qhat was one too large: add the divisor back.
                qhat &-= 1
                var c: UInt64 = 0
                for i in 0..<n {
                    let (a1, o1) = u[i + j].addingReportingOverflow(v[limb: i])
                    let (a2, o2) = a1.addingReportingOverflow(c)
                    u[i + j] = a2
                    c = (o1 || o2) ? 1 : 0
                }
                u[j + n] &+= c
            }
            q[j] = qhat
        }
        // Denormalise the remainder.
        var r = UInt256()
        for i in 0..<n {
            var x = u[i] &>> shift
            if shift != 0 { x |= u[i + 1] &<< (64 - shift) }
            r[limb: i] = x
        }
        return (UInt256(w0: q[0], w1: q[1], w2: q[2], w3: q[3]), r)
    }

    /// Short division by one limb.
    @inlinable
    static func divideBySingleLimb(_ dividend: UInt512Limbs, limbs m: Int, by d: UInt64)
        -> (quotient: UInt256, remainder: UInt256) {
        var q = UInt512Limbs()
        var rem: UInt64 = 0
        for i in stride(from: m - 1, through: 0, by: -1) {
            (q[i], rem) = d.dividingFullWidth((rem, dividend[i]))
        }
        return (UInt256(w0: q[0], w1: q[1], w2: q[2], w3: q[3]), UInt256(rem))
    }
}
