/// The "secure" Merkle-Patricia trie of the state and of account storage: every key is
/// replaced by its Keccak-256 before it enters the trie, which bounds the depth and spreads
/// keys evenly. Keys are therefore not ordered, and cannot be listed back.
public struct SecureMerklePatriciaTrie: Sendable {
    /// The plain trie over hashed keys.
    public private(set) var hashedTrie = MerklePatriciaTrie()

    /// An empty trie.
    public init() {}

    /// A trie holding `pairs`; a later pair for the same key wins, empty values delete.
    public init(_ pairs: some Sequence<([UInt8], [UInt8])>) {
        for (key, value) in pairs { update(value, forKey: key) }
    }

    /// True when the trie holds no key.
    public var isEmpty: Bool { hashedTrie.isEmpty }

    /// The value stored under `key`; setting nil or an empty array deletes the key.
    public subscript(key: [UInt8]) -> [UInt8]? {
        get { value(forKey: key) }
        set { update(newValue ?? [], forKey: key) }
    }

    /// The value stored under `key`, or nil.
    public func value(forKey key: [UInt8]) -> [UInt8]? {
        hashedTrie.value(forKey: Keccak256.hash(key).bytes)
    }

    /// Stores `value` under `key`; an empty `value` deletes the key.
    public mutating func update(_ value: [UInt8], forKey key: [UInt8]) {
        hashedTrie.update(value, forKey: Keccak256.hash(key).bytes)
    }

    /// Deletes `key` if present; returns whether it was.
    @discardableResult
    public mutating func removeValue(forKey key: [UInt8]) -> Bool {
        hashedTrie.removeValue(forKey: Keccak256.hash(key).bytes)
    }

    /// The root hash (see `MerklePatriciaTrie.rootHash()`).
    public mutating func rootHash() -> Bytes32 {
        hashedTrie.rootHash()
    }

    /// The root hash of a secure trie holding `pairs`.
    public static func rootHash(of pairs: some Sequence<([UInt8], [UInt8])>) -> Bytes32 {
        var trie = SecureMerklePatriciaTrie(pairs)
        return trie.rootHash()
    }
}
