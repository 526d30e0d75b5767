import CLPrimitives

/// Strict parsing of JSON-RPC hex values, with geth's rules and geth's messages (its `hexutil`
/// package): a quantity is `0x` (or `0X`) followed by at least one hex digit and no leading zero
/// (`0x0` is zero, `0x00` is refused); data is `0x` followed by an even number of hex digits.
/// Nothing here can trap: every width is checked before a value is built.
public enum RPCHex {
    /// Why a hex string was refused, worded as geth words it.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// `""`.
        case empty
        /// No `0x` or `0X` in front.
        case missingPrefix
        /// `0x` alone where a number is expected.
        case emptyNumber
        /// `0x0…` with more digits after the zero.
        case leadingZero
        /// A character that is not a hex digit.
        case syntax
        /// Data with an odd number of digits.
        case oddLength
        /// A number wider than `bits`.
        case tooWide(bits: Int)

        /// geth's message.
        public var description: String {
            switch self {
            case .empty: "empty hex string"
            case .missingPrefix: "hex string without 0x prefix"
            case .emptyNumber: #"hex string "0x""#
            case .leadingZero: "hex number with leading zero digits"
            case .syntax: "invalid hex string"
            case .oddLength: "hex string of odd length"
            case .tooWide(let bits): "hex number > \(bits) bits"
            }
        }
    }

    /// The value of one hex digit, or nil.
    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// True when `text` starts with `0x` or `0X`.
    static func hasPrefix(_ text: Substring.UTF8View) -> Bool {
        text.count >= 2 && text.first == UInt8(ascii: "0")
            && (text[text.index(after: text.startIndex)] == UInt8(ascii: "x") || text[text.index(after: text.startIndex)] == UInt8(ascii: "X"))
    }

    /// A quantity of at most `bits` bits (64 or 256).
    public static func quantity(_ text: String, bits: Int) -> Result<UInt256, Failure> {
        let utf8 = Substring(text).utf8
        guard !utf8.isEmpty else { return .failure(.empty) }
        guard hasPrefix(utf8) else { return .failure(.missingPrefix) }
        let digits = utf8.dropFirst(2)
        guard let first = digits.first else { return .failure(.emptyNumber) }
        // geth's order: leading zero, then width, then the digits themselves.
        if first == UInt8(ascii: "0") && digits.count > 1 { return .failure(.leadingZero) }
        guard digits.count * 4 <= bits else { return .failure(.tooWide(bits: bits)) }
        var value = UInt256.zero
        for c in digits {
            guard let nibble = nibble(c) else { return .failure(.syntax) }
            value = (value << 4) | UInt256(UInt64(nibble))
        }
        return .success(value)
    }

    /// Data bytes: `0x` and an even number of hex digits (`0x` alone is no bytes).
    public static func data(_ text: String) -> Result<[UInt8], Failure> {
        let utf8 = Substring(text).utf8
        guard !utf8.isEmpty else { return .failure(.empty) }
        guard hasPrefix(utf8) else { return .failure(.missingPrefix) }
        let digits = utf8.dropFirst(2)
        guard digits.count % 2 == 0 else { return .failure(.oddLength) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var high: UInt8? = nil
        for c in digits {
            guard let nibble = nibble(c) else { return .failure(.syntax) }
            if let h = high { bytes.append(h << 4 | nibble); high = nil } else { high = nibble }
        }
        return .success(bytes)
    }

    /// A storage key as geth's `eth_getStorageAt` reads one: hex with an optional prefix, any
    /// number of digits up to 64 (leading zeros allowed, an odd count padded), left-padded to 32 bytes.
    public static func storageKey(_ text: String) -> Result<Bytes32, Failure> {
        var utf8 = Substring(text).utf8
        if hasPrefix(utf8) { utf8 = utf8.dropFirst(2) }
        guard utf8.count <= 64 else { return .failure(.tooWide(bits: 256)) }
        var value = UInt256.zero
        for c in utf8 {
            guard let nibble = nibble(c) else { return .failure(.syntax) }
            value = (value << 4) | UInt256(UInt64(nibble))
        }
        return .success(value.bytes32)
    }
}
