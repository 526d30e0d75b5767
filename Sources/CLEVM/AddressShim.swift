import CLPrimitives

/// Temporary 20-byte account address until the `encoding` branch's `Address` lands in CLPrimitives.
public struct Address: Hashable, Sendable {
    @usableFromInline var high: UInt32
    @usableFromInline var mid: UInt64
    @usableFromInline var low: UInt64

    /// Creates an address from exactly 20 bytes.
    @inlinable public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == 20 else { return nil }
        high = 0; mid = 0; low = 0
        var i = 0
        for b in bytes {
            if i < 4 { high = high << 8 | UInt32(b) } else if i < 12 { mid = mid << 8 | UInt64(b) } else { low = low << 8 | UInt64(b) }
            i += 1
        }
    }

    /// The 20 bytes, big-endian.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 20)
        for i in 0..<4 { out[i] = UInt8(truncatingIfNeeded: high >> UInt32(24 - 8 * i)) }
        for i in 0..<8 { out[4 + i] = UInt8(truncatingIfNeeded: mid >> UInt64(56 - 8 * i)) }
        for i in 0..<8 { out[12 + i] = UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * i)) }
        return out
    }
}
