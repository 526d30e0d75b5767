/// Typed access to decoded items: each reader checks the shape and canonical form it needs.
extension RLPItem {
    /// The bytes of a byte string; throws `.expectedBytes` for a list.
    public func asBytes() throws(RLPError) -> [UInt8] {
        guard case .bytes(let bytes) = self else { throw .expectedBytes }
        return bytes
    }

    /// The bytes of a byte string that must hold exactly `count` bytes.
    public func asBytes(count: Int) throws(RLPError) -> [UInt8] {
        let bytes = try asBytes()
        guard bytes.count == count else { throw .wrongByteCount(expected: count, actual: bytes.count) }
        return bytes
    }

    /// A 32-byte string (a hash, a storage key) as `Bytes32`.
    public func asBytes32() throws(RLPError) -> Bytes32 {
        let bytes = try asBytes(count: 32)
        return Bytes32(bytes: bytes)!
    }

    /// The items of a list; throws `.expectedList` for a byte string.
    public func asList() throws(RLPError) -> [RLPItem] {
        guard case .list(let items) = self else { throw .expectedList }
        return items
    }

    /// The items of a list that must hold exactly `count` items.
    public func asList(count: Int) throws(RLPError) -> [RLPItem] {
        let items = try asList()
        guard items.count == count else { throw .wrongItemCount(expected: count, actual: items.count) }
        return items
    }

    /// The big-endian bytes of a canonical unsigned integer of any size (empty for zero).
    /// Throws `.integerLeadingZero` when the first byte is zero.
    public func asUnsignedBigEndian() throws(RLPError) -> [UInt8] {
        let bytes = try asBytes()
        if let first = bytes.first, first == 0 { throw .integerLeadingZero }
        return bytes
    }

    /// A canonical unsigned integer that must fit in `T`.
    public func asUnsigned<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type = T.self) throws(RLPError) -> T {
        let bytes = try asUnsignedBigEndian()
        guard bytes.count * 8 <= T.bitWidth else { throw .integerOverflow(bitWidth: T.bitWidth) }
        var value: T = 0
        for byte in bytes { value = value << 8 | T(byte) }
        return value
    }
}
