/// Six 64-bit limbs, least significant first: the storage of one base-field element.
public typealias Limbs6 = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

/// An element of the BLS12-381 base field Fp, p = 0x1a0111ea…aaab (381 bits).
///
/// Stored in Montgomery form (`a·R mod p`, R = 2^384) in six inline limbs, always reduced
/// below p, so equality is limb equality. Constants below were produced by
/// `Scripts/bls12381-constants.py`.
public struct Fp: Sendable {
    /// The Montgomery-form limbs, least significant first.
    public var limbs: Limbs6

    /// An element from Montgomery-form limbs (already reduced below p).
    @inlinable public init(limbs: Limbs6) { self.limbs = limbs }

    /// The modulus p, plain (not Montgomery) limbs.
    @inlinable static var modulus: Limbs6 {
        (0xb9fe_ffff_ffff_aaab, 0x1eab_fffe_b153_ffff, 0x6730_d2a0_f6b0_f624,
         0x6477_4b84_f385_12bf, 0x4b1b_a7b6_434b_acd7, 0x1a01_11ea_397f_e69a)
    }
    /// -p^-1 mod 2^64, the Montgomery reduction factor.
    @inlinable static var inv: UInt64 { 0x89f3_fffc_fffc_fffd }
    /// R^2 mod p, which takes a plain value into Montgomery form.
    @usableFromInline static let r2 = Fp(limbs: (
        0xf4df_1f34_1c34_1746, 0x0a76_e6a6_09d1_04f1, 0x8de5_476c_4c95_b6d5,
        0x67eb_88a9_939d_83c0, 0x9a79_3e85_b519_952d, 0x1198_8fe5_92ca_e3aa))

    /// Zero.
    public static let zero = Fp(limbs: (0, 0, 0, 0, 0, 0))
    /// One (R mod p).
    public static let one = Fp(limbs: (
        0x7609_0000_0002_fffd, 0xebf4_000b_c40c_0002, 0x5f48_9857_53c7_58ba,
        0x77ce_5853_7052_5745, 0x5c07_1a97_a256_ec6d, 0x15f6_5ec3_fa80_e493))

    /// The element equal to the small integer `value`.
    @inlinable public init(_ value: UInt64) {
        self = Fp(limbs: (value, 0, 0, 0, 0, 0)) * Fp.r2
    }

    /// True for zero.
    @inlinable public var isZero: Bool {
        (limbs.0 | limbs.1 | limbs.2 | limbs.3 | limbs.4 | limbs.5) == 0
    }

    // MARK: - Limb helpers

    /// `a - b` over six limbs, with the final borrow.
    @inlinable @inline(__always)
    static func subtract(_ a: Limbs6, _ b: Limbs6) -> (Limbs6, Bool) {
        var borrow = false
        @inline(__always) func sub(_ x: UInt64, _ y: UInt64) -> UInt64 {
            let (d1, o1) = x.subtractingReportingOverflow(y)
            let (d2, o2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
            borrow = o1 || o2
            return d2
        }
        let r = (sub(a.0, b.0), sub(a.1, b.1), sub(a.2, b.2), sub(a.3, b.3), sub(a.4, b.4), sub(a.5, b.5))
        return (r, borrow)
    }

    /// `a + b` over six limbs (no overflow: both are below p < 2^382).
    @inlinable @inline(__always)
    static func addLimbs(_ a: Limbs6, _ b: Limbs6) -> Limbs6 {
        var carry = false
        @inline(__always) func add(_ x: UInt64, _ y: UInt64) -> UInt64 {
            let (s1, o1) = x.addingReportingOverflow(y)
            let (s2, o2) = s1.addingReportingOverflow(carry ? 1 : 0)
            carry = o1 || o2
            return s2
        }
        return (add(a.0, b.0), add(a.1, b.1), add(a.2, b.2), add(a.3, b.3), add(a.4, b.4), add(a.5, b.5))
    }

    /// Subtracts p once when `a` is at least p.
    @inlinable @inline(__always)
    static func reduceOnce(_ a: Limbs6) -> Limbs6 {
        let (d, borrow) = subtract(a, modulus)
        return select(borrow, a, d)
    }

    /// `condition ? a : b` without a branch (the condition is data, so a branch would mispredict).
    @inlinable @inline(__always)
    static func select(_ condition: Bool, _ a: Limbs6, _ b: Limbs6) -> Limbs6 {
        let m = 0 &- UInt64(condition ? 1 : 0)
        return ((a.0 & m) | (b.0 & ~m), (a.1 & m) | (b.1 & ~m), (a.2 & m) | (b.2 & ~m),
                (a.3 & m) | (b.3 & ~m), (a.4 & m) | (b.4 & ~m), (a.5 & m) | (b.5 & ~m))
    }

    // MARK: - Arithmetic

    /// Sum mod p.
    @inlinable public static func + (a: Fp, b: Fp) -> Fp {
        Fp(limbs: reduceOnce(addLimbs(a.limbs, b.limbs)))
    }

    /// Difference mod p.
    @inlinable public static func - (a: Fp, b: Fp) -> Fp {
        let (d, borrow) = subtract(a.limbs, b.limbs)
        let m = 0 &- UInt64(borrow ? 1 : 0), p = modulus
        return Fp(limbs: addLimbs(d, (p.0 & m, p.1 & m, p.2 & m, p.3 & m, p.4 & m, p.5 & m)))
    }

    /// Negation mod p.
    @inlinable public static prefix func - (a: Fp) -> Fp {
        a.isZero ? a : Fp(limbs: subtract(modulus, a.limbs).0)
    }

    /// Twice the element.
    @inlinable public var doubled: Fp { self + self }

    /// `t + a·b + carry`: returns the low word and leaves the high word in `carry` (never overflows).
    @inlinable @inline(__always)
    static func mac(_ t: UInt64, _ a: UInt64, _ b: UInt64, _ carry: inout UInt64) -> UInt64 {
        let (hi, lo) = a.multipliedFullWidth(by: b)
        let (s1, o1) = lo.addingReportingOverflow(t)
        let (s2, o2) = s1.addingReportingOverflow(carry)
        carry = hi &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
        return s2
    }

    /// One round of Montgomery multiplication: `t = (t + a·bᵢ + k·p) / 2^64` with k chosen to clear
    /// the low word. p's top limb is below 2^62, so t stays below 2p and needs no seventh word.
    @inlinable @inline(__always)
    static func round(_ t: inout Limbs6, _ a: Limbs6, _ bi: UInt64) {
        let m = modulus
        var c: UInt64 = 0
        t.0 = mac(t.0, a.0, bi, &c); t.1 = mac(t.1, a.1, bi, &c); t.2 = mac(t.2, a.2, bi, &c)
        t.3 = mac(t.3, a.3, bi, &c); t.4 = mac(t.4, a.4, bi, &c); t.5 = mac(t.5, a.5, bi, &c)
        let top = c
        let k = t.0 &* inv
        var d: UInt64 = 0
        _ = mac(t.0, k, m.0, &d)
        t.0 = mac(t.1, k, m.1, &d); t.1 = mac(t.2, k, m.2, &d); t.2 = mac(t.3, k, m.3, &d)
        t.3 = mac(t.4, k, m.4, &d); t.4 = mac(t.5, k, m.5, &d)
        t.5 = top &+ d
    }

    /// Montgomery product `a·b·R^-1 mod p` (operand scanning, six unrolled rounds in registers).
    @inlinable public static func * (a: Fp, b: Fp) -> Fp {
        var t: Limbs6 = (0, 0, 0, 0, 0, 0)
        let x = a.limbs, y = b.limbs
        round(&t, x, y.0); round(&t, x, y.1); round(&t, x, y.2)
        round(&t, x, y.3); round(&t, x, y.4); round(&t, x, y.5)
        return Fp(limbs: reduceOnce(t))
    }

    /// The square.
    @inlinable public var squared: Fp { self * self }

    /// `self^e` for an exponent given as six plain limbs, least significant first.
    @inlinable public func power(_ e: Limbs6) -> Fp {
        var result = Fp.one
        withUnsafeBytes(of: e) { er in
            let w = er.assumingMemoryBound(to: UInt64.self)
            for i in stride(from: 5, through: 0, by: -1) {
                for bit in stride(from: 63, through: 0, by: -1) {
                    result = result.squared
                    if (w[i] >> UInt64(bit)) & 1 == 1 { result = result * self }
                }
            }
        }
        return result
    }

    /// The multiplicative inverse (`self^(p-2)`); zero maps to zero.
    public var inverse: Fp {
        power((0xb9fe_ffff_ffff_aaa9, 0x1eab_fffe_b153_ffff, 0x6730_d2a0_f6b0_f624,
               0x6477_4b84_f385_12bf, 0x4b1b_a7b6_434b_acd7, 0x1a01_11ea_397f_e69a))
    }

    /// A square root when one exists (`self^((p+1)/4)`, p ≡ 3 mod 4), else nil.
    public var squareRoot: Fp? {
        let root = power((0xee7f_bfff_ffff_eaab, 0x07aa_ffff_ac54_ffff, 0xd9cc_34a8_3dac_3d89,
                          0xd91d_d2e1_3ce1_44af, 0x92c6_e9ed_90d2_eb35, 0x0680_447a_8e5f_f9a6))
        return root.squared == self ? root : nil
    }

    /// The value out of Montgomery form, as plain limbs.
    @inlinable public var plain: Limbs6 { (self * Fp(limbs: (1, 0, 0, 0, 0, 0))).limbs }

    /// True when the plain value exceeds (p-1)/2 (the "lexicographically largest" root of the encodings).
    public var isLexicographicallyLargest: Bool {
        let half: Limbs6 = (0xdcff_7fff_ffff_d555, 0x0f55_ffff_58a9_ffff, 0xb398_6950_7b58_7b12,
                            0xb23b_a5c2_79c2_895f, 0x258d_d3db_21a5_d66b, 0x0d00_88f5_1cbf_f34d)
        let (_, borrow) = Fp.subtract(half, plain)
        return borrow
    }

    /// The element whose plain value is the 48-byte big-endian `bytes[offset..<offset+48]`, or nil when it is not below p.
    public init?(bytes: [UInt8], offset: Int = 0) {
        guard offset >= 0, bytes.count >= offset + 48 else { return nil }
        var w: [UInt64] = [0, 0, 0, 0, 0, 0]
        for i in 0..<48 { w[5 - i / 8] = w[5 - i / 8] << 8 | UInt64(bytes[offset + i]) }
        let value: Limbs6 = (w[0], w[1], w[2], w[3], w[4], w[5])
        guard Fp.subtract(value, Fp.modulus).1 else { return nil }
        self = Fp(limbs: value) * Fp.r2
    }

    /// The 48-byte big-endian encoding of the plain value.
    public var bytes: [UInt8] {
        let p = plain
        var out = [UInt8](repeating: 0, count: 48)
        withUnsafeBytes(of: p) { pr in
            let w = pr.assumingMemoryBound(to: UInt64.self)
            for i in 0..<48 { out[i] = UInt8(truncatingIfNeeded: w[5 - i / 8] >> UInt64(56 - 8 * (i % 8))) }
        }
        return out
    }
}

extension Fp: Equatable {
    /// Limb equality (both sides are reduced).
    @inlinable public static func == (a: Fp, b: Fp) -> Bool {
        a.limbs.0 == b.limbs.0 && a.limbs.1 == b.limbs.1 && a.limbs.2 == b.limbs.2
            && a.limbs.3 == b.limbs.3 && a.limbs.4 == b.limbs.4 && a.limbs.5 == b.limbs.5
    }
}
