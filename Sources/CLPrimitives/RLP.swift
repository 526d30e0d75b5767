/// One value of Ethereum's Recursive Length Prefix encoding: a byte string or a list of items.
///
/// Integers are byte strings holding the minimal big-endian bytes (zero is the empty string);
/// see `RLPItem.unsigned(_:)` and `asUnsigned(_:)`.
public enum RLPItem: Hashable, Sendable {
    /// A byte string (any length, possibly empty).
    case bytes([UInt8])
    /// A list of items (possibly empty).
    case list([RLPItem])
}

/// Encoding and decoding of `RLPItem`s, plus low-level writers for code that encodes
/// without building items (trie nodes, transactions).
///
/// Layout (first byte of an item):
/// - `0x00…0x7f`: a single byte string, the byte itself.
/// - `0x80…0xb7`: a string of `b - 0x80` (0…55) bytes follows.
/// - `0xb8…0xbf`: `b - 0xb7` big-endian length bytes follow (length ≥ 56), then the string.
/// - `0xc0…0xf7`: a list whose payload is `b - 0xc0` (0…55) bytes follows.
/// - `0xf8…0xff`: `b - 0xf7` big-endian length bytes follow (length ≥ 56), then the payload.
public enum RLP {
    /// The encoding of the empty byte string (`0x80`), e.g. the value of an empty trie.
    public static let emptyString: [UInt8] = [0x80]

    /// The encoding of the empty list (`0xc0`).
    public static let emptyList: [UInt8] = [0xc0]

    /// Encodes one item.
    public static func encode(_ item: RLPItem) -> [UInt8] {
        // First pass records each list's payload length in pre-order, so the
        // second pass writes headers before payloads without moving bytes.
        var payloadLengths: [Int] = []
        let total = measure(item, into: &payloadLengths)
        var out: [UInt8] = []
        out.reserveCapacity(total)
        var next = 0
        write(item, payloadLengths: payloadLengths, next: &next, to: &out)
        return out
    }

    /// Encodes a byte string.
    public static func encode(bytes: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encodedLength(ofBytes: bytes))
        appendBytes(bytes, to: &out)
        return out
    }

    /// Encodes an unsigned integer as its minimal big-endian bytes (zero is `0x80`).
    public static func encode<T: FixedWidthInteger & UnsignedInteger>(unsigned value: T) -> [UInt8] {
        encode(bytes: minimalBigEndian(value))
    }

    // MARK: Low-level writers

    /// Appends the encoding of a byte string to `out`.
    @inlinable
    public static func appendBytes(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        let count = bytes.count
        if count == 1, let only = bytes.first, only < 0x80 {
            out.append(only)
            return
        }
        appendHeader(shortBase: 0x80, length: count, to: &out)
        out.append(contentsOf: bytes)
    }

    /// Appends the header of a list whose items, already encoded, take `payloadLength` bytes.
    /// The caller appends the items' encodings right after.
    @inlinable
    public static func appendListHeader(payloadLength: Int, to out: inout [UInt8]) {
        appendHeader(shortBase: 0xc0, length: payloadLength, to: &out)
    }

    /// Appends an unsigned integer (minimal big-endian, zero as the empty string).
    @inlinable
    public static func appendUnsigned<T: FixedWidthInteger & UnsignedInteger>(_ value: T, to out: inout [UInt8]) {
        appendBytes(minimalBigEndian(value), to: &out)
    }

    /// The number of bytes `appendBytes` writes for `bytes`.
    @inlinable
    public static func encodedLength(ofBytes bytes: some Collection<UInt8>) -> Int {
        let count = bytes.count
        if count == 1, let only = bytes.first, only < 0x80 { return 1 }
        return headerLength(payloadLength: count) + count
    }

    /// The size of the header in front of a string or list payload of `payloadLength` bytes.
    @inlinable
    public static func headerLength(payloadLength: Int) -> Int {
        payloadLength < 56 ? 1 : 1 + byteCount(of: UInt64(payloadLength))
    }

    /// The minimal big-endian bytes of an unsigned integer (empty for zero).
    @inlinable
    public static func minimalBigEndian<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> [UInt8] {
        let significant = (T.bitWidth - value.leadingZeroBitCount + 7) / 8
        var out = [UInt8](repeating: 0, count: significant)
        var rest = value
        var index = significant - 1
        while index >= 0 {
            out[index] = UInt8(truncatingIfNeeded: rest)
            rest >>= 8
            index -= 1
        }
        return out
    }

    /// Writes a short header (`shortBase + length`) or a long one (`shortBase + 55 + n`, then `n` length bytes).
    @inlinable
    static func appendHeader(shortBase: UInt8, length: Int, to out: inout [UInt8]) {
        precondition(length >= 0, "RLP length must not be negative")
        if length < 56 {
            out.append(shortBase + UInt8(length))
            return
        }
        let size = byteCount(of: UInt64(length))
        out.append(shortBase + 55 + UInt8(size))
        var shift = (size - 1) * 8
        while shift >= 0 {
            out.append(UInt8(truncatingIfNeeded: UInt64(length) >> UInt64(shift)))
            shift -= 8
        }
    }

    /// Bytes needed for `value` in minimal big-endian form (at least 1).
    @inlinable
    static func byteCount(of value: UInt64) -> Int {
        max(1, (64 - value.leadingZeroBitCount + 7) / 8)
    }

    // MARK: Item encoding passes

    /// Returns the encoded size of `item`, appending each list's payload length in pre-order.
    private static func measure(_ item: RLPItem, into lengths: inout [Int]) -> Int {
        switch item {
        case .bytes(let bytes):
            return encodedLength(ofBytes: bytes)
        case .list(let items):
            let slot = lengths.count
            lengths.append(0)
            var payload = 0
            for child in items { payload += measure(child, into: &lengths) }
            lengths[slot] = payload
            return headerLength(payloadLength: payload) + payload
        }
    }

    private static func write(_ item: RLPItem, payloadLengths: [Int], next: inout Int, to out: inout [UInt8]) {
        switch item {
        case .bytes(let bytes):
            appendBytes(bytes, to: &out)
        case .list(let items):
            appendListHeader(payloadLength: payloadLengths[next], to: &out)
            next += 1
            for child in items { write(child, payloadLengths: payloadLengths, next: &next, to: &out) }
        }
    }
}

extension RLPItem {
    /// An unsigned integer as a byte string of its minimal big-endian bytes (zero is empty).
    public static func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> RLPItem {
        .bytes(RLP.minimalBigEndian(value))
    }

    /// An arbitrary-size unsigned integer given as big-endian bytes; leading zero bytes are dropped.
    public static func unsigned(bigEndian bytes: some Collection<UInt8>) -> RLPItem {
        .bytes(Array(bytes.drop(while: { $0 == 0 })))
    }

    /// A UTF-8 string as a byte string.
    public static func string(_ text: String) -> RLPItem {
        .bytes(Array(text.utf8))
    }

    /// The encoding of this item (same as `RLP.encode(self)`).
    public var encoded: [UInt8] { RLP.encode(self) }
}
