// Division of up to 512-bit dividends by `UInt256` divisors: Knuth's algorithm D (TAOCP vol. 2,
// §4.3.1) on 64-bit limbs, with each quotient digit computed exactly from the top three dividend
// limbs and the top two divisor limbs by division with a precomputed reciprocal (Möller and
// Granlund, "Improved division by invariant integers", IEEE Trans. Computers 60(2), 2011,
// algorithms 4 to 6). Only multiplications in the digit loop: the reciprocal costs one hardware
// division per call. A 64-bit divisor of a 256-bit dividend uses the hardware division directly.

/// The division routines behind `quotientAndRemainder`, `MOD`, `ADDMOD` and `MULMOD`.
@usableFromInline
enum LimbDivision {
    /// Divides `high·2^256 + low` by a non-zero `divisor`. The quotient is truncated to 256 bits
    /// (callers dividing a 512-bit value use only the remainder).
    @usableFromInline
    static func divide(high: UInt256, low: UInt256, by divisor: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        if (divisor.w1 | divisor.w2 | divisor.w3) == 0 { return divide(high: high, low: low, bySingleLimb: divisor.w0) }
        if high.isZero && (divisor.w2 | divisor.w3) == 0 { return divide(low, byTwoLimbs: divisor.w1, divisor.w0) }
        let n = divisor.w3 != 0 ? 4 : divisor.w2 != 0 ? 3 : 2
        var m = high.isZero ? (low.w3 != 0 ? 4 : low.w2 != 0 ? 3 : low.w1 != 0 ? 2 : 1) : 8
        if m == 8 { while m > 4 && high[limb: m - 5] == 0 { m -= 1 } }
        if m < n { return (.zero, low) }  // high is zero here: the dividend has fewer limbs than the divisor

        // Nine dividend limbs (one of headroom for normalisation), four divisor limbs, eight quotient limbs.
        var u: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
            = (low.w0, low.w1, low.w2, low.w3, high.w0, high.w1, high.w2, high.w3, 0)
        var d: (UInt64, UInt64, UInt64, UInt64) = (divisor.w0, divisor.w1, divisor.w2, divisor.w3)
        var q: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

        let remainder: UInt256 = withUnsafeMutableBytes(of: &u) { uBytes in
            withUnsafeMutableBytes(of: &d) { dBytes in
                withUnsafeMutableBytes(of: &q) { qBytes in
                    let u = uBytes.baseAddress!.assumingMemoryBound(to: UInt64.self)
                    let d = dBytes.baseAddress!.assumingMemoryBound(to: UInt64.self)
                    let q = qBytes.baseAddress!.assumingMemoryBound(to: UInt64.self)
                    let shift = d[n - 1].leadingZeroBitCount
                    shiftLeft(u, count: m + 1, by: shift)
                    shiftLeft(d, count: n, by: shift)
                    divideNormalised(u, limbs: m, by: d, limbs: n, quotient: q)
                    return shiftedRight(u, count: n, by: shift)
                }
            }
        }
        return (UInt256(w0: q.0, w1: q.1, w2: q.2, w3: q.3), remainder)
    }

    /// Shifts the `count` limbs at `x` left by `shift` < 64 bits in place. Bits leaving limb
    /// `count - 1` are lost: callers pass one spare zero limb for a dividend, none for a divisor
    /// (whose shift is its own leading-zero count).
    @inline(__always)
    static func shiftLeft(_ x: UnsafeMutablePointer<UInt64>, count: Int, by shift: Int) {
        guard shift != 0 else { return }
        let s = UInt64(shift)
        var i = count - 1
        while i > 0 {
            x[i] = x[i] &<< s | x[i - 1] &>> (64 &- s)
            i -= 1
        }
        x[0] = x[0] &<< s
    }

    /// The `count` low limbs of `x` shifted right by `shift` < 64 bits (limbs above are ignored).
    @inline(__always)
    static func shiftedRight(_ x: UnsafeMutablePointer<UInt64>, count: Int, by shift: Int) -> UInt256 {
        var r = UInt256()
        let s = UInt64(shift)
        for i in 0..<count {
            var limb = x[i] &>> s
            if shift != 0 && i + 1 < count { limb |= x[i + 1] &<< (64 &- s) }
            r[limb: i] = limb
        }
        return r
    }

    /// Short division by a one-limb divisor, limb by limb from the top. A dividend within 256 bits
    /// takes the hardware's 128-by-64-bit division (at most four, fewer for leading zero limbs, no
    /// normalisation); a longer one (MULMOD by a small modulus) normalises once and divides by the
    /// reciprocal, which costs a few multiplications per limb.
    @inline(__always)
    static func divide(high: UInt256, low: UInt256, bySingleLimb d: UInt64) -> (quotient: UInt256, remainder: UInt256) {
        if high.isZero {
            var r: UInt64 = 0, q3: UInt64 = 0, q2: UInt64 = 0, q1: UInt64 = 0, q0: UInt64
            if low.w3 != 0 { (q3, r) = (low.w3 / d, low.w3 % d) }
            if (low.w3 | low.w2) != 0 { (q2, r) = d.dividingFullWidth((r, low.w2)) }
            if (low.w3 | low.w2 | low.w1) != 0 { (q1, r) = d.dividingFullWidth((r, low.w1)) }
            (q0, r) = d.dividingFullWidth((r, low.w0))
            return (UInt256(w0: q0, w1: q1, w2: q2, w3: q3), UInt256(r))
        }
        let shift = UInt64(d.leadingZeroBitCount)
        let dn = d &<< shift
        let reciprocal = reciprocal2by1(dn)
        // Limbs from the top, each shifted left by `shift` with the bits of the limb below.
        var r: UInt64 = shift == 0 ? 0 : high.w3 &>> (64 &- shift)
        var q = UInt256()
        var previous = high.w3
        for index in stride(from: 6, through: -1, by: -1) {
            let next = index >= 4 ? high[limb: index - 4] : index >= 0 ? low[limb: index] : 0
            let normalised = shift == 0 ? previous : previous &<< shift | next &>> (64 &- shift)
            let digit: UInt64
            (digit, r) = divide2by1(high: r, low: normalised, by: dn, reciprocal: reciprocal)
            if index + 1 < 4 { q[limb: index + 1] = digit }
            previous = next
        }
        return (q, UInt256(r &>> shift))
    }

    /// A 256-bit dividend over a two-limb divisor (d1 ≠ 0): three digits of three-by-two division on
    /// locals, each exact, so no multiply-and-subtract and no add-back.
    @inline(__always)
    static func divide(_ a: UInt256, byTwoLimbs high: UInt64, _ low: UInt64) -> (quotient: UInt256, remainder: UInt256) {
        let shift = UInt64(high.leadingZeroBitCount)
        let back = 64 &- shift
        let spill: (UInt64) -> UInt64 = { shift == 0 ? 0 : $0 &>> back }
        let d1 = high &<< shift | spill(low), d0 = low &<< shift
        let u4 = spill(a.w3), u3 = a.w3 &<< shift | spill(a.w2), u2 = a.w2 &<< shift | spill(a.w1)
        let u1 = a.w1 &<< shift | spill(a.w0), u0 = a.w0 &<< shift
        let reciprocal = reciprocal3by2(high: d1, low: d0)
        let (q2, s1, s0) = divide3by2(u4, u3, u2, by: d1, d0, reciprocal: reciprocal)
        let (q1, t1, t0) = divide3by2(s1, s0, u1, by: d1, d0, reciprocal: reciprocal)
        let (q0, r1, r0) = divide3by2(t1, t0, u0, by: d1, d0, reciprocal: reciprocal)
        let remainder = UInt256(w0: r0 &>> shift | (shift == 0 ? 0 : r1 &<< back), w1: r1 &>> shift, w2: 0, w3: 0)
        return (UInt256(w0: q0, w1: q1, w2: q2, w3: 0), remainder)
    }

    /// Algorithm D on normalised operands: `m + 1` dividend limbs at `u` (the top one the bits the
    /// normalisation shifted out), `n` ≥ 2 divisor limbs at `d` with the top bit set. Leaves the
    /// normalised remainder in `u[0..<n]` and the quotient in `q[0...m-n]`.
    @inline(__always)
    static func divideNormalised(_ u: UnsafeMutablePointer<UInt64>, limbs m: Int,
                                 by d: UnsafeMutablePointer<UInt64>, limbs n: Int,
                                 quotient q: UnsafeMutablePointer<UInt64>) {
        let d1 = d[n - 1], d0 = d[n - 2]
        let reciprocal = reciprocal3by2(high: d1, low: d0)
        var j = m - n
        while j >= 0 {
            // The window u[j...j+n] is below d·2^64, so its quotient digit fits in one limb.
            let u2 = u[j + n], u1 = u[j + n - 1], u0 = u[j + n - 2]
            var digit: UInt64
            if u2 == d1 && u1 == d0 {
                // The three-by-two division would overflow; the digit is then exactly 2^64 − 1
                // (the window is at least d1·2^(64(n−1)), which exceeds (2^64 − 1)·d).
                digit = .max
                u[j + n] = u2 &- subtractMultiple(u + j, d, count: n, times: digit)
            } else {
                // The digit from the top limbs is exact for them, and at most one too large overall.
                let (estimate, r1, r0) = divide3by2(u2, u1, u0, by: d1, d0, reciprocal: reciprocal)
                digit = estimate
                let borrow = subtractMultiple(u + j, d, count: n - 2, times: digit)
                let (low, b0) = r0.subtractingReportingOverflow(borrow)
                let (high, b1) = r1.subtractingReportingOverflow(b0 ? 1 : 0)
                u[j + n - 2] = low
                u[j + n - 1] = high
                u[j + n] = 0
                if b1 {  // Add the divisor back: the digit was one too large.
                    digit &-= 1
                    addInPlace(u + j, d, count: n)
                }
            }
            q[j] = digit
            j -= 1
        }
    }

    /// `x[0..<count] −= digit · d[0..<count]`; returns the limb still to subtract above them.
    @inline(__always)
    static func subtractMultiple(_ x: UnsafeMutablePointer<UInt64>, _ d: UnsafeMutablePointer<UInt64>,
                                 count: Int, times digit: UInt64) -> UInt64 {
        var carry: UInt64 = 0
        for i in 0..<count {
            let (high, low) = UInt256.multiplyAdd(digit, d[i], 0, carry)
            let (difference, borrow) = x[i].subtractingReportingOverflow(low)
            x[i] = difference
            carry = high &+ (borrow ? 1 : 0)
        }
        return carry
    }

    /// `x[0..<count] += d[0..<count]`, dropping the carry out (it cancels an earlier borrow).
    @inline(__always)
    static func addInPlace(_ x: UnsafeMutablePointer<UInt64>, _ d: UnsafeMutablePointer<UInt64>, count: Int) {
        var carry = false
        for i in 0..<count {
            let (s1, o1) = x[i].addingReportingOverflow(d[i])
            let (s2, o2) = s1.addingReportingOverflow(carry ? 1 : 0)
            x[i] = s2
            carry = o1 || o2
        }
    }

    /// ⌊(2^128 − 1) / d⌋ − 2^64 for a normalised `d` (top bit set).
    @inline(__always)
    static func reciprocal2by1(_ d: UInt64) -> UInt64 {
        d.dividingFullWidth((~d, .max)).quotient
    }

    /// ⌊(2^192 − 1) / (high·2^64 + low)⌋ − 2^64 for a normalised two-limb divisor (algorithm 6).
    @inline(__always)
    static func reciprocal3by2(high d1: UInt64, low d0: UInt64) -> UInt64 {
        var v = reciprocal2by1(d1)
        var p = d1 &* v
        p &+= d0
        if p < d0 {  // carry: the reciprocal of d1 alone was too large
            v &-= 1
            if p >= d1 {
                v &-= 1
                p &-= d1
            }
            p &-= d1
        }
        let (t1, t0) = v.multipliedFullWidth(by: d0)
        p &+= t1
        if p < t1 {
            v &-= 1
            if p > d1 || (p == d1 && t0 >= d0) { v &-= 1 }
        }
        return v
    }

    /// (high·2^64 + low) / d for a normalised `d` and `high < d`, by its reciprocal (algorithm 4).
    @inline(__always)
    static func divide2by1(high u1: UInt64, low u0: UInt64, by d: UInt64, reciprocal v: UInt64)
        -> (quotient: UInt64, remainder: UInt64) {
        let (ph, pl) = v.multipliedFullWidth(by: u1)
        let (q0, carry) = pl.addingReportingOverflow(u0)
        var q1 = ph &+ u1 &+ 1 &+ (carry ? 1 : 0)
        var r = u0 &- q1 &* d
        if r > q0 {
            q1 &-= 1
            r &+= d
        }
        if r >= d {  // rare
            q1 &+= 1
            r &-= d
        }
        return (q1, r)
    }

    /// (u2·2^128 + u1·2^64 + u0) / (d1·2^64 + d0) for a normalised divisor and (u2, u1) < (d1, d0),
    /// by the divisor's reciprocal (algorithm 5): the one-limb quotient and the two-limb remainder.
    @inline(__always)
    static func divide3by2(_ u2: UInt64, _ u1: UInt64, _ u0: UInt64, by d1: UInt64, _ d0: UInt64,
                           reciprocal v: UInt64) -> (quotient: UInt64, high: UInt64, low: UInt64) {
        let (ph, pl) = v.multipliedFullWidth(by: u2)
        let (q0, carry) = pl.addingReportingOverflow(u1)
        var q1 = ph &+ u2 &+ (carry ? 1 : 0)
        var r1 = u1 &- q1 &* d1
        let (t1, t0) = d0.multipliedFullWidth(by: q1)
        // (r1, r0) = (r1, u0) − (t1, t0) − (d1, d0), modulo 2^128.
        var (r0, b0) = u0.subtractingReportingOverflow(t0)
        r1 = r1 &- t1 &- (b0 ? 1 : 0)
        (r0, b0) = r0.subtractingReportingOverflow(d0)
        r1 = r1 &- d1 &- (b0 ? 1 : 0)
        q1 &+= 1
        if r1 >= q0 {
            q1 &-= 1
            let (s0, c0) = r0.addingReportingOverflow(d0)
            r0 = s0
            r1 = r1 &+ d1 &+ (c0 ? 1 : 0)
        }
        if r1 > d1 || (r1 == d1 && r0 >= d0) {  // rare
            q1 &+= 1
            let (s0, b) = r0.subtractingReportingOverflow(d0)
            r0 = s0
            r1 = r1 &- d1 &- (b ? 1 : 0)
        }
        return (q1, r1, r0)
    }
}
