#if !CHAINLEARN_GUEST
import CLPrimitives  // the guest build compiles Bytes32.swift into its own module
#endif

/// Reads little-endian fields from a byte array, reporting a typed error instead of running past its end.
public struct ByteReader {
    /// The bytes being read.
    public let bytes: [UInt8]
    /// The offset of the next unread byte.
    public private(set) var offset: Int

    /// A reader positioned at `offset`.
    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Bytes left to read.
    @inlinable public var remaining: Int { bytes.count - offset }

    /// Fails unless `count` more bytes are available.
    public func require(_ count: Int) throws(MLError) {
        if count < 0 || count > remaining { throw MLError.truncated(offset: offset, needed: count) }
    }

    /// Reads one byte.
    public mutating func u8() throws(MLError) -> UInt8 {
        try require(1)
        let value = bytes.withUnsafeBufferPointer { $0[offset] }
        offset += 1
        return value
    }

    /// Reads a little-endian `UInt16`.
    public mutating func u16() throws(MLError) -> UInt16 {
        try require(2)
        let at = offset
        let value = bytes.withUnsafeBufferPointer { UInt16($0[at]) | UInt16($0[at &+ 1]) << 8 }
        offset += 2
        return value
    }

    /// Reads a little-endian `UInt32`.
    public mutating func u32() throws(MLError) -> UInt32 {
        try require(4)
        // In range after `require`: the buffer reads skip the array's own bounds checks (hot in the guest).
        let at = offset
        let value = bytes.withUnsafeBufferPointer {
            UInt32($0[at]) | UInt32($0[at &+ 1]) << 8 | UInt32($0[at &+ 2]) << 16 | UInt32($0[at &+ 3]) << 24
        }
        offset += 4
        return value
    }

    /// Reads a little-endian `Int32`.
    public mutating func i32() throws(MLError) -> Int32 {
        Int32(bitPattern: try u32())
    }

    /// Reads 32 raw bytes as a word, without an intermediate array.
    public mutating func bytes32() throws(MLError) -> Bytes32 {
        try require(32)
        let at = offset
        let value = bytes.withUnsafeBytes { Bytes32(copying: UnsafeRawBufferPointer(rebasing: $0[at..<(at + 32)])) }
        offset += 32
        return value
    }

    /// Reads `count` raw bytes.
    public mutating func take(_ count: Int) throws(MLError) -> [UInt8] {
        try require(count)
        let slice = Array(bytes[offset..<(offset + count)])
        offset += count
        return slice
    }

    /// Skips `count` bytes.
    public mutating func skip(_ count: Int) throws(MLError) {
        try require(count)
        offset += count
    }
}

/// Appends little-endian fields to a byte array.
public struct ByteWriter {
    /// The bytes written so far.
    public var bytes: [UInt8] = []

    /// An empty writer.
    public init() {}

    /// Appends one byte.
    public mutating func u8(_ value: UInt8) { bytes.append(value) }

    /// Appends a little-endian `UInt16`.
    public mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    /// Appends a little-endian `UInt32`.
    public mutating func u32(_ value: UInt32) {
        for index in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(8 * index))) }
    }

    /// Appends a little-endian `Int32`.
    public mutating func i32(_ value: Int32) { u32(UInt32(bitPattern: value)) }

    /// Appends raw bytes.
    public mutating func append(_ more: [UInt8]) { bytes.append(contentsOf: more) }
}
