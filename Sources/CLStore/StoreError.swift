import CLPrimitives

/// Why a content-addressed store operation failed. Every case names the key involved, so a service can log
/// which task's data it could not get and carry on with the others.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No source holds data under `key` (each source's answer in `attempts`, in the order they were asked).
    case missing(key: Bytes32, attempts: [String])
    /// A source answered with bytes whose hash is not the key asked for: the source is refused.
    case hashMismatch(source: String, key: Bytes32, actual: Bytes32)
    /// A key that is not 32 bytes of hex.
    case badKey(String)
    /// A store URL that is neither `http(s)://` nor a directory path.
    case badSource(String)
    /// A file system operation on the store's directory failed.
    case io(String)

    /// A sentence naming the failure.
    public var description: String {
        switch self {
        case .missing(let key, let attempts):
            "no store holds \(key.hex)" + (attempts.isEmpty ? " (no stores configured)" : ": " + attempts.joined(separator: "; "))
        case .hashMismatch(let source, let key, let actual):
            "\(source) served data for \(key.hex) that hashes to \(actual.hex): refused"
        case .badKey(let text): "not a 32-byte hex key: \(text)"
        case .badSource(let text): "not a store URL or directory: \(text)"
        case .io(let why): "store directory: \(why)"
        }
    }

    /// Whether the data is absent everywhere (as opposed to a malformed request or a broken directory).
    public var isMissing: Bool {
        if case .missing = self { return true }
        return false
    }
}

/// Parses a store key: 64 hex digits, with or without `0x`.
public func parseStoreKey(_ text: String) throws(StoreError) -> Bytes32 {
    let digits = text.hasPrefix("0x") ? String(text.dropFirst(2)) : text
    guard digits.count == 64, let bytes = try? Hex.decode(digits), let key = Bytes32(bytes: bytes) else {
        throw .badKey(text)
    }
    return key
}
