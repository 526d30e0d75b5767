/// Why text is not an address.
public enum AddressError: Error, Equatable, Sendable {
    /// An address needs exactly 40 hex digits (after an optional `0x`); `digits` were given.
    case wrongLength(digits: Int)
    /// A character outside `0-9a-fA-F` at this offset (counted after any `0x` prefix).
    case invalidCharacter(offset: Int)
    /// The digits mix upper and lower case but do not match the EIP-55 checksum.
    case invalidChecksum
}

extension AddressError: CustomStringConvertible {
    /// A sentence naming the failure.
    public var description: String {
        switch self {
        case .wrongLength(let digits): "address: expected 40 hex digits, found \(digits)"
        case .invalidCharacter(let offset): "address: invalid hex character at \(offset)"
        case .invalidChecksum: "address: mixed-case hex fails the EIP-55 checksum"
        }
    }
}

/// Hex text and the EIP-55 mixed-case checksum.
///
/// EIP-55: take the 40 lower-case hex digits, hash them as ASCII with Keccak-256, and write
/// letter `i` in upper case when nibble `i` of the hash is 8 or more.
extension Address {
    /// Parses 40 hex digits, with or without a `0x`/`0X` prefix.
    ///
    /// All-lower-case and all-upper-case digits are accepted as they are; digits that mix
    /// the two cases must carry a valid EIP-55 checksum, or `.invalidChecksum` is thrown.
    public init(hex text: some StringProtocol) throws(AddressError) {
        var digits = Array(text.utf8)
        if digits.count >= 2, digits[0] == UInt8(ascii: "0"), digits[1] | 0x20 == UInt8(ascii: "x") {
            digits.removeFirst(2)
        }
        guard digits.count == 2 * Address.byteCount else { throw .wrongLength(digits: digits.count) }
        var bytes = [UInt8](repeating: 0, count: Address.byteCount)
        var sawUpper = false
        var sawLower = false
        for (offset, digit) in digits.enumerated() {
            guard let value = Hex.nibble(digit) else { throw .invalidCharacter(offset: offset) }
            if digit >= UInt8(ascii: "a") { sawLower = true } else if digit >= UInt8(ascii: "A") { sawUpper = true }
            bytes[offset / 2] |= offset % 2 == 0 ? value << 4 : value
        }
        let address = Address(bytes: bytes)!
        if sawUpper && sawLower && address.checksumDigits() != digits {
            throw .invalidChecksum
        }
        self = address
    }

    /// Lower-case hex with a `0x` prefix.
    public var hex: String { Hex.encode(bytes, prefix: true) }

    /// The EIP-55 checksummed form with a `0x` prefix, e.g. `0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed`.
    public var checksummed: String {
        String(decoding: [UInt8(ascii: "0"), UInt8(ascii: "x")] + checksumDigits(), as: UTF8.self)
    }

    /// True when `text` is 40 hex digits (optional `0x`) in exactly the EIP-55 mixed case,
    /// the strict check for input that must be checksummed.
    public static func isChecksummed(_ text: some StringProtocol) -> Bool {
        guard let address = try? Address(hex: text) else { return false }
        return address.checksummed.utf8.dropFirst(2).elementsEqual(text.utf8.suffix(2 * byteCount))
    }

    /// The 40 hex digits in EIP-55 case, without a prefix.
    private func checksumDigits() -> [UInt8] {
        var digits = Array(Hex.encode(bytes, prefix: false).utf8)
        let hash = Keccak256.hash(digits)
        for index in 0..<digits.count where digits[index] >= UInt8(ascii: "a") {
            let hashByte = hash[index / 2]
            let nibble = index % 2 == 0 ? hashByte >> 4 : hashByte & 0x0f
            if nibble >= 8 { digits[index] -= 0x20 }
        }
        return digits
    }
}

extension Address: CustomStringConvertible {
    /// The EIP-55 checksummed form.
    public var description: String { checksummed }
}
