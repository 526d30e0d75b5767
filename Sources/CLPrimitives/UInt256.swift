/// A 256-bit unsigned integer stored inline as four 64-bit limbs (`w0` least significant).
///
/// This is the EVM's word: arithmetic wraps modulo 2^256 (`&+`, `&-`, `&*`), and the
/// EVM's total operations (division by zero is zero, signed views, ...) live in
/// `UInt256+EVM.swift`. No operation allocates.
public struct UInt256: Hashable, Sendable {
    /// Limb 0 (bits 0–63).
    public var w0: UInt64
    /// Limb 1 (bits 64–127).
    public var w1: UInt64
    /// Limb 2 (bits 128–191).
    public var w2: UInt64
    /// Limb 3 (bits 192–255).
    public var w3: UInt64

    /// Creates a value from its four limbs, least significant first.
    @inlinable public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// Zero.
    @inlinable public init() { self.init(w0: 0, w1: 0, w2: 0, w3: 0) }

    /// Creates a value from a 64-bit integer.
    @inlinable public init(_ value: UInt64) { self.init(w0: value, w1: 0, w2: 0, w3: 0) }

    /// Creates a value from a non-negative `Int`.
    @inlinable public init(_ value: Int) {
        precondition(value >= 0, "UInt256 from a negative Int")
        self.init(UInt64(value))
    }

    // Computed rather than stored: a stored `static let` is reached through a lazy-initialisation
    // accessor from other modules, which the interpreter's hot loop should not pay for.

    /// 0.
    @inlinable public static var zero: UInt256 { UInt256() }
    /// 1.
    @inlinable public static var one: UInt256 { UInt256(w0: 1, w1: 0, w2: 0, w3: 0) }
    /// 2^256 − 1.
    @inlinable public static var max: UInt256 { UInt256(w0: .max, w1: .max, w2: .max, w3: .max) }

    /// Limb `i` (0 = least significant).
    @inlinable @inline(__always)
    public subscript(limb i: Int) -> UInt64 {
        get {
            switch i {
            case 0: return w0
            case 1: return w1
            case 2: return w2
            default: return w3
            }
        }
        set {
            switch i {
            case 0: w0 = newValue
            case 1: w1 = newValue
            case 2: w2 = newValue
            default: w3 = newValue
            }
        }
    }

    /// True when the value is zero.
    @inlinable public var isZero: Bool { (w0 | w1 | w2 | w3) == 0 }

    /// The number of significant bits (0 for zero).
    @inlinable public var bitWidth: Int {
        if w3 != 0 { return 256 - w3.leadingZeroBitCount }
        if w2 != 0 { return 192 - w2.leadingZeroBitCount }
        if w1 != 0 { return 128 - w1.leadingZeroBitCount }
        return 64 - w0.leadingZeroBitCount
    }

    /// The number of significant bytes (0 for zero).
    @inlinable public var byteWidth: Int { (bitWidth + 7) / 8 }

    /// The value as a `UInt64` when it fits, else nil.
    @inlinable public var uint64: UInt64? { (w1 | w2 | w3) == 0 ? w0 : nil }

    /// The value as an `Int` when it fits in `Int.max`, else nil.
    @inlinable public var int: Int? {
        guard (w1 | w2 | w3) == 0, w0 <= UInt64(Int.max) else { return nil }
        return Int(w0)
    }

    /// The value clamped to `Int.max` (useful for sizes and offsets that must fail when huge).
    @inlinable public var clampedInt: Int { int ?? Int.max }
}

// MARK: - Comparison

extension UInt256: Comparable {
    /// Unsigned comparison.
    @inlinable public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        if lhs.w3 != rhs.w3 { return lhs.w3 < rhs.w3 }
        if lhs.w2 != rhs.w2 { return lhs.w2 < rhs.w2 }
        if lhs.w1 != rhs.w1 { return lhs.w1 < rhs.w1 }
        return lhs.w0 < rhs.w0
    }
}

// MARK: - Bitwise operations and shifts

extension UInt256 {
    /// Bitwise AND.
    @inlinable public static func & (a: UInt256, b: UInt256) -> UInt256 {
        UInt256(w0: a.w0 & b.w0, w1: a.w1 & b.w1, w2: a.w2 & b.w2, w3: a.w3 & b.w3)
    }
    /// Bitwise OR.
    @inlinable public static func | (a: UInt256, b: UInt256) -> UInt256 {
        UInt256(w0: a.w0 | b.w0, w1: a.w1 | b.w1, w2: a.w2 | b.w2, w3: a.w3 | b.w3)
    }
    /// Bitwise XOR.
    @inlinable public static func ^ (a: UInt256, b: UInt256) -> UInt256 {
        UInt256(w0: a.w0 ^ b.w0, w1: a.w1 ^ b.w1, w2: a.w2 ^ b.w2, w3: a.w3 ^ b.w3)
    }
    /// Bitwise NOT.
    @inlinable public static prefix func ~ (a: UInt256) -> UInt256 {
        UInt256(w0: ~a.w0, w1: ~a.w1, w2: ~a.w2, w3: ~a.w3)
    }

    /// Logical left shift; shifts of 256 or more give zero (negative shifts leave the value as is).
    @inlinable public static func << (a: UInt256, shift: Int) -> UInt256 {
        guard shift > 0 else { return a }
        guard shift < 256 else { return .zero }
        var x: UInt256
        switch shift >> 6 {  // whole limbs first
        case 0: x = a
        case 1: x = UInt256(w0: 0, w1: a.w0, w2: a.w1, w3: a.w2)
        case 2: x = UInt256(w0: 0, w1: 0, w2: a.w0, w3: a.w1)
        default: x = UInt256(w0: 0, w1: 0, w2: 0, w3: a.w0)
        }
        let bits = UInt64(shift & 63)
        guard bits != 0 else { return x }
        let back = 64 &- bits
        return UInt256(w0: x.w0 &<< bits,
                       w1: x.w1 &<< bits | x.w0 &>> back,
                       w2: x.w2 &<< bits | x.w1 &>> back,
                       w3: x.w3 &<< bits | x.w2 &>> back)
    }

    /// Logical right shift; shifts of 256 or more give zero (negative shifts leave the value as is).
    @inlinable public static func >> (a: UInt256, shift: Int) -> UInt256 {
        guard shift > 0 else { return a }
        guard shift < 256 else { return .zero }
        var x: UInt256
        switch shift >> 6 {
        case 0: x = a
        case 1: x = UInt256(w0: a.w1, w1: a.w2, w2: a.w3, w3: 0)
        case 2: x = UInt256(w0: a.w2, w1: a.w3, w2: 0, w3: 0)
        default: x = UInt256(w0: a.w3, w1: 0, w2: 0, w3: 0)
        }
        let bits = UInt64(shift & 63)
        guard bits != 0 else { return x }
        let back = 64 &- bits
        return UInt256(w0: x.w0 &>> bits | x.w1 &<< back,
                       w1: x.w1 &>> bits | x.w2 &<< back,
                       w2: x.w2 &>> bits | x.w3 &<< back,
                       w3: x.w3 &>> bits)
    }
}
