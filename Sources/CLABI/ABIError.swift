// Typed errors of ABI type parsing, encoding and decoding.

/// Why an ABI type string, value or encoding was rejected.
public enum ABIError: Error, Equatable, Sendable {
    /// A type string is malformed; `reason` says how, `text` is the offending input.
    case invalidType(text: String, reason: String)
    /// A value does not have the shape of its type (a string where a uint is expected, ...).
    case typeMismatch(expected: String, found: String)
    /// An integer does not fit its type (`uint8` = 300, `int8` = -129).
    case valueOutOfRange(type: String)
    /// A `bytesN` value does not have exactly N bytes.
    case wrongByteCount(type: String, expected: Int, found: Int)
    /// A `T[k]` value or a tuple has the wrong number of elements.
    case wrongElementCount(type: String, expected: Int, found: Int)
    /// The encoding ends before a value does: `needed` bytes at `offset`, only `available` present.
    case truncated(offset: Int, needed: Int, available: Int)
    /// An offset word points outside the data (or does not fit an `Int`).
    case offsetOutOfRange(at: Int)
    /// A length word is larger than the data that remains (never allocated).
    case lengthOutOfRange(at: Int)
    /// A word has bits set that its type forbids (high bits of uintN/intN/address/bool, low bytes of bytesN,
    /// or padding after `bytes`/`string`).
    case dirtyBits(type: String, at: Int)
    /// A `string` is not valid UTF-8.
    case invalidUTF8(at: Int)
    /// The encoding points at more values than its size can hold without aliasing (a decoding bomb).
    case decodingBudgetExceeded
    /// Calldata or return data does not start with the expected 4-byte selector.
    case selectorMismatch(expected: String, found: String)
    /// A packed encoding was asked of a type it does not define (nested arrays, tuples in arrays).
    case unsupportedPackedType(String)
    /// A text or JSON argument could not be read as a value of the type.
    case invalidArgument(type: String, text: String)
    /// A log does not match an event: wrong signature topic or wrong number of topics.
    case eventMismatch(String)
}

extension ABIError: CustomStringConvertible {
    /// A one-line explanation.
    public var description: String {
        switch self {
        case .invalidType(let text, let reason): return "invalid ABI type '\(text)': \(reason)"
        case .typeMismatch(let expected, let found): return "expected a value of type \(expected), found \(found)"
        case .valueOutOfRange(let type): return "value out of range for \(type)"
        case .wrongByteCount(let type, let expected, let found):
            return "\(type) needs \(expected) bytes, found \(found)"
        case .wrongElementCount(let type, let expected, let found):
            return "\(type) needs \(expected) elements, found \(found)"
        case .truncated(let offset, let needed, let available):
            return "data truncated: \(needed) bytes needed at offset \(offset), \(available) available"
        case .offsetOutOfRange(let at): return "offset out of range (word at \(at))"
        case .lengthOutOfRange(let at): return "length out of range (word at \(at))"
        case .dirtyBits(let type, let at): return "dirty bits in \(type) value at offset \(at)"
        case .invalidUTF8(let at): return "string at offset \(at) is not valid UTF-8"
        case .decodingBudgetExceeded: return "encoding references more values than its size allows"
        case .selectorMismatch(let expected, let found): return "selector \(found) does not match \(expected)"
        case .unsupportedPackedType(let type): return "packed encoding does not support \(type)"
        case .invalidArgument(let type, let text): return "cannot read '\(text)' as \(type)"
        case .eventMismatch(let reason): return "log does not match event: \(reason)"
        }
    }
}
