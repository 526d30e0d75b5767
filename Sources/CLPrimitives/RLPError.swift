/// Why bytes are not one canonical RLP item, or why a decoded item is not the value a reader asked for.
///
/// Every `offset` is the byte position in the decoded input where the offending header starts,
/// so a failure can be pointed at in a hex dump.
public enum RLPError: Error, Equatable, Sendable {
    // MARK: Framing

    /// The input has no bytes at all; one item needs at least one.
    case emptyInput
    /// A long-form header announces `lengthOfLength` length bytes, but fewer remain.
    case truncatedHeader(offset: Int)
    /// The header announces a payload of `declared` bytes, but only `available` remain
    /// (in the input, or in the enclosing list's payload).
    case truncatedPayload(offset: Int, declared: Int, available: Int)
    /// The long-form length does not fit in a signed machine word (`Int`).
    case lengthOverflow(offset: Int)
    /// A complete item was decoded but `count` more bytes follow it.
    case trailingBytes(offset: Int, count: Int)

    // MARK: Canonical form

    /// A one-byte string below `0x80` was wrapped in a `0x81` header; it must stand alone.
    case singleByteNotCanonical(offset: Int)
    /// A long-form header (`0xb8…0xbf`, `0xf8…0xff`) carries a length below 56,
    /// which the short form must encode.
    case longFormForShortLength(offset: Int)
    /// The big-endian length in a long-form header starts with a zero byte.
    case leadingZeroInLength(offset: Int)
    /// Lists are nested deeper than the decoder's limit (protects the stack).
    case nestingTooDeep(offset: Int, limit: Int)

    // MARK: Reading decoded items

    /// A byte string was expected where a list was found.
    case expectedBytes
    /// A list was expected where a byte string was found.
    case expectedList
    /// A byte string of exactly `expected` bytes was required (an address, a hash).
    case wrongByteCount(expected: Int, actual: Int)
    /// A list of exactly `expected` items was required.
    case wrongItemCount(expected: Int, actual: Int)
    /// An unsigned integer was encoded with a leading zero byte (zero itself is the empty string).
    case integerLeadingZero
    /// An unsigned integer needs more than `bitWidth` bits.
    case integerOverflow(bitWidth: Int)
}

extension RLPError: CustomStringConvertible {
    /// A sentence naming the failure and where it happened.
    public var description: String {
        switch self {
        case .emptyInput: "RLP: empty input"
        case .truncatedHeader(let offset): "RLP: length bytes of the header at \(offset) run past the end"
        case .truncatedPayload(let offset, let declared, let available):
            "RLP: item at \(offset) declares \(declared) payload bytes, only \(available) remain"
        case .lengthOverflow(let offset): "RLP: length of the item at \(offset) overflows Int"
        case .trailingBytes(let offset, let count): "RLP: \(count) trailing bytes after the item, from \(offset)"
        case .singleByteNotCanonical(let offset): "RLP: single byte below 0x80 wrapped in a header at \(offset)"
        case .longFormForShortLength(let offset): "RLP: long-form length below 56 at \(offset)"
        case .leadingZeroInLength(let offset): "RLP: leading zero in the length at \(offset)"
        case .nestingTooDeep(let offset, let limit): "RLP: lists nested deeper than \(limit) at \(offset)"
        case .expectedBytes: "RLP: expected a byte string, found a list"
        case .expectedList: "RLP: expected a list, found a byte string"
        case .wrongByteCount(let expected, let actual): "RLP: expected \(expected) bytes, found \(actual)"
        case .wrongItemCount(let expected, let actual): "RLP: expected \(expected) list items, found \(actual)"
        case .integerLeadingZero: "RLP: integer with a leading zero byte"
        case .integerOverflow(let bitWidth): "RLP: integer does not fit in \(bitWidth) bits"
        }
    }
}
