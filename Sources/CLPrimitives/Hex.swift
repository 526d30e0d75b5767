/// Why a hex string could not be decoded.
public enum HexError: Error, Equatable, Sendable {
    /// A character outside `0-9a-fA-F` at this offset (after any `0x` prefix).
    case invalidCharacter(offset: Int)
    /// An odd number of hex digits where whole bytes were required.
    case oddLength
    /// The decoded value does not have the required byte count.
    case wrongLength(expected: Int, actual: Int)
}

/// Hex encoding and decoding (with or without a `0x` prefix).
public enum Hex {
    @usableFromInline static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Encodes bytes as lower-case hex, with `0x` when `prefix` is true.
    public static func encode<C: Collection>(_ bytes: C, prefix: Bool = true) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2 + 2)
        if prefix { out.append(UInt8(ascii: "0")); out.append(UInt8(ascii: "x")) }
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex with an optional `0x`/`0X` prefix. An empty string (or a bare `0x`) is no bytes.
    public static func decode(_ text: some StringProtocol) throws(HexError) -> [UInt8] {
        var utf8 = Array(text.utf8)
        if utf8.count >= 2, utf8[0] == UInt8(ascii: "0"), utf8[1] | 0x20 == UInt8(ascii: "x") {
            utf8.removeFirst(2)
        }
        guard utf8.count % 2 == 0 else { throw .oddLength }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]) else { throw .invalidCharacter(offset: i) }
            guard let lo = nibble(utf8[i + 1]) else { throw .invalidCharacter(offset: i + 1) }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// Decodes hex that must hold exactly `count` bytes.
    public static func decode(_ text: some StringProtocol, count: Int) throws(HexError) -> [UInt8] {
        let bytes = try decode(text)
        guard bytes.count == count else { throw .wrongLength(expected: count, actual: bytes.count) }
        return bytes
    }

    /// The value of one hex digit, or nil.
    @inlinable static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension Bytes32 {
    /// Parses exactly 32 bytes of hex (with or without `0x`).
    public init(hex: some StringProtocol) throws(HexError) {
        let bytes = try Hex.decode(hex, count: 32)
        self.init(bytes: bytes)!
    }
}
