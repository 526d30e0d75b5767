/// A 20-byte Ethereum account address, stored inline.
///
/// The three fields hold the bytes in memory order (8 + 8 + 4), so `withUnsafeBytes`
/// yields the 20 bytes as they appear on the wire. Ordering compares the bytes
/// lexicographically, which is the numeric order of the address as an integer.
public struct Address: Hashable, Sendable {
    @usableFromInline var head: UInt64
    @usableFromInline var middle: UInt64
    @usableFromInline var tail: UInt32

    /// The number of bytes in an address.
    public static let byteCount = 20

    /// The all-zero address.
    public static let zero = Address()

    /// Creates the all-zero address.
    @inlinable public init() { head = 0; middle = 0; tail = 0 }

    /// Creates an address from exactly 20 bytes; returns nil for any other count.
    @inlinable public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == Address.byteCount else { return nil }
        self.init()
        withUnsafeMutableBytes { destination in
            var index = 0
            for byte in bytes { destination[index] = byte; index += 1 }
        }
    }

    /// Creates an address by copying the first 20 bytes of raw memory.
    @inlinable public init(copying source: UnsafeRawBufferPointer) {
        precondition(source.count >= Address.byteCount, "Address needs 20 source bytes")
        self.init()
        withUnsafeMutableBytes {
            $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0..<Address.byteCount]))
        }
    }

    /// The low 20 bytes of a 32-byte word (an address right-aligned in a word, as the EVM
    /// and the ABI store it); the top 12 bytes are ignored, as the EVM's truncation does.
    @inlinable public init(truncating word: Bytes32) {
        self = word.withUnsafeBytes { Address(copying: UnsafeRawBufferPointer(rebasing: $0[12..<32])) }
    }

    /// The low 20 bytes of a 32-byte word whose top 12 bytes must be zero; nil otherwise
    /// (strict decoding, e.g. of an ABI `address`).
    @inlinable public init?(exactly word: Bytes32) {
        let highBytesAreZero = word.withUnsafeBytes { $0[0..<12].allSatisfy { $0 == 0 } }
        guard highBytesAreZero else { return nil }
        self.init(truncating: word)
    }

    /// The address right-aligned in a 32-byte word, the top 12 bytes zero.
    @inlinable public var word: Bytes32 {
        var result = Bytes32.zero
        withUnsafeBytes { source in
            result.withUnsafeMutableBytes { destination in
                UnsafeMutableRawBufferPointer(rebasing: destination[12..<32]).copyMemory(from: source)
            }
        }
        return result
    }

    /// Calls `body` with the 20 bytes in order.
    @inlinable public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var copy = self
        return try Swift.withUnsafeBytes(of: &copy) {
            try body(UnsafeRawBufferPointer(rebasing: $0[0..<Address.byteCount]))
        }
    }

    /// Calls `body` with mutable access to the 20 bytes in order.
    @inlinable public mutating func withUnsafeMutableBytes<R>(
        _ body: (UnsafeMutableRawBufferPointer) throws -> R
    ) rethrows -> R {
        try Swift.withUnsafeMutableBytes(of: &self) {
            try body(UnsafeMutableRawBufferPointer(rebasing: $0[0..<Address.byteCount]))
        }
    }

    /// The 20 bytes as an array.
    @inlinable public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Byte `index` (0 is the first byte on the wire).
    @inlinable public subscript(index: Int) -> UInt8 {
        get {
            precondition(index >= 0 && index < Address.byteCount, "Address byte index out of range")
            return withUnsafeBytes { $0[index] }
        }
        set {
            precondition(index >= 0 && index < Address.byteCount, "Address byte index out of range")
            withUnsafeMutableBytes { $0[index] = newValue }
        }
    }

    /// True for the zero address.
    @inlinable public var isZero: Bool { (head | middle | UInt64(tail)) == 0 }
}

extension Address: Comparable {
    /// Byte-wise (numeric) order.
    @inlinable public static func < (lhs: Address, rhs: Address) -> Bool {
        // Fields hold bytes in memory order: reading them big-endian gives the numeric order.
        let left = (UInt64(bigEndian: lhs.head), UInt64(bigEndian: lhs.middle), UInt32(bigEndian: lhs.tail))
        let right = (UInt64(bigEndian: rhs.head), UInt64(bigEndian: rhs.middle), UInt32(bigEndian: rhs.tail))
        return left < right
    }
}

extension RLPItem {
    /// An address as a 20-byte string.
    public static func address(_ address: Address) -> RLPItem {
        .bytes(address.bytes)
    }

    /// A 20-byte string as an `Address`; other lengths throw `.wrongByteCount`.
    public func asAddress() throws(RLPError) -> Address {
        Address(bytes: try asBytes(count: Address.byteCount))!
    }
}
