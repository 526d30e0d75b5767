/// A 32-byte value (hash, storage word, Merkle node) stored inline.
///
/// The four `UInt64` fields hold the bytes in memory order, so
/// `withUnsafeBytes` yields the 32 bytes exactly as they appear on the wire.
/// Equality and hashing compare the bytes; no heap allocation is ever made.
public struct Bytes32: Hashable, Sendable {
    @usableFromInline var a: UInt64
    @usableFromInline var b: UInt64
    @usableFromInline var c: UInt64
    @usableFromInline var d: UInt64

    /// All zero bytes.
    public static let zero = Bytes32()

    /// Creates the all-zero value.
    @inlinable public init() { a = 0; b = 0; c = 0; d = 0 }

    /// Creates a value from exactly 32 bytes; returns nil for any other count.
    @inlinable public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == 32 else { return nil }
        self.init()
        withUnsafeMutableBytes { dst in
            var i = 0
            for byte in bytes { dst[i] = byte; i += 1 }
        }
    }

    /// Creates a value by copying 32 bytes from raw memory.
    @inlinable public init(copying source: UnsafeRawBufferPointer) {
        precondition(source.count >= 32, "Bytes32 needs 32 source bytes")
        self.init()
        withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0..<32])) }
    }

    /// Calls `body` with the 32 bytes in order.
    @inlinable public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var copy = self
        return try Swift.withUnsafeBytes(of: &copy) { try body($0) }
    }

    /// Calls `body` with mutable access to the 32 bytes in order.
    @inlinable public mutating func withUnsafeMutableBytes<R>(
        _ body: (UnsafeMutableRawBufferPointer) throws -> R
    ) rethrows -> R {
        try Swift.withUnsafeMutableBytes(of: &self) { try body($0) }
    }

    /// The 32 bytes as an array.
    @inlinable public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Byte `index` (0 is the first byte on the wire).
    @inlinable public subscript(index: Int) -> UInt8 {
        get { withUnsafeBytes { $0[index] } }
        set { withUnsafeMutableBytes { $0[index] = newValue } }
    }

    /// True when every byte is zero.
    @inlinable public var isZero: Bool { (a | b | c | d) == 0 }

    /// Lower-case hex with a `0x` prefix.
    public var hex: String { Hex.encode(bytes, prefix: true) }
}

extension Bytes32: CustomStringConvertible {
    public var description: String { hex }
}
