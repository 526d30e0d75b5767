/// Ethereum's Merkle-Patricia trie over byte-string keys and values, as used for state,
/// storage, transaction and receipt roots (Yellow Paper, appendix D).
///
/// A value type with copy-on-write nodes: copying a trie is O(1), and a mutation copies only
/// the nodes on its path that another copy still shares. Node hashes are cached, so after a
/// batch of updates `rootHash()` re-hashes only the paths that changed.
///
/// Costs, for n keys of k nibbles: an update or lookup walks O(min(k, log₁₆ n)) nodes
/// (plus the key's length in nibbles to split it); building from n keys is O(n log n) and
/// the first `rootHash()` hashes each node once, O(n).
///
/// An empty value means "absent": `update([], forKey:)` deletes, as Ethereum clients do.
/// Keys are used as given; `SecureMerklePatriciaTrie` hashes them first.
public struct MerklePatriciaTrie: Sendable {
    var root: TrieNode?

    /// The root hash of the empty trie, `keccak256(rlp(""))` = `0x56e8…b421`.
    public static let emptyRootHash: Bytes32 = Keccak256.hash(RLP.emptyString)

    /// An empty trie.
    public init() { root = nil }

    /// A trie holding `pairs`; a later pair for the same key wins, empty values delete.
    public init(_ pairs: some Sequence<([UInt8], [UInt8])>) {
        self.init()
        for (key, value) in pairs { update(value, forKey: key) }
    }

    /// True when the trie holds no key.
    public var isEmpty: Bool { root == nil }

    /// The value stored under `key`; setting nil or an empty array deletes the key.
    public subscript(key: [UInt8]) -> [UInt8]? {
        get { value(forKey: key) }
        set { update(newValue ?? [], forKey: key) }
    }

    /// The value stored under `key`, or nil.
    public func value(forKey key: [UInt8]) -> [UInt8]? {
        let nibbles = TrieNode.nibbles(of: key)
        var node = root
        var depth = 0
        while let current = node {
            switch current.kind {
            case .leaf:
                return nibbles.count - depth == current.path.count
                    && nibbles[depth...].elementsEqual(current.path) ? current.value : nil
            case .extension:
                guard Self.startsWith(nibbles, at: depth, current.path) else { return nil }
                depth += current.path.count
                node = current.children[0]
            case .branch:
                if depth == nibbles.count { return current.value.isEmpty ? nil : current.value }
                node = current.children[Int(nibbles[depth])]
                depth += 1
            }
        }
        return nil
    }

    /// Stores `value` under `key`; an empty `value` deletes the key.
    public mutating func update(_ value: [UInt8], forKey key: [UInt8]) {
        if value.isEmpty {
            removeValue(forKey: key)
        } else {
            Self.insert(&root, key: TrieNode.nibbles(of: key), depth: 0, value: value)
        }
    }

    /// Deletes `key` if present; returns whether it was.
    @discardableResult
    public mutating func removeValue(forKey key: [UInt8]) -> Bool {
        // Checking first means an absent key copies no shared node.
        guard value(forKey: key) != nil else { return false }
        Self.remove(&root, key: TrieNode.nibbles(of: key), depth: 0)
        return true
    }

    /// The root hash: `keccak256` of the root node's RLP (`emptyRootHash` when empty).
    ///
    /// `mutating` because it caches node hashes in the trie (only in nodes this copy owns
    /// alone), so the next call re-hashes only what changed since.
    public mutating func rootHash() -> Bytes32 {
        guard root != nil else { return Self.emptyRootHash }
        var scratch: [UInt8] = []
        scratch.reserveCapacity(600)
        switch Self.reference(of: &root, scratch: &scratch) {
        case .inline(let encoding): return Keccak256.hash(encoding)
        case .hash(let digest): return digest
        }
    }

    /// The root hash of a trie holding `pairs` (see `init(_:)`).
    public static func rootHash(of pairs: some Sequence<([UInt8], [UInt8])>) -> Bytes32 {
        var trie = MerklePatriciaTrie(pairs)
        return trie.rootHash()
    }

    /// The root of a list as blocks commit to transactions, receipts and withdrawals:
    /// item `i` is stored under the key `rlp(i)`.
    public static func orderedRootHash(_ values: [[UInt8]]) -> Bytes32 {
        var trie = MerklePatriciaTrie()
        for (index, value) in values.enumerated() {
            trie.update(value, forKey: RLP.encode(unsigned: UInt64(index)))
        }
        return trie.rootHash()
    }

    // MARK: Copy-on-write

    /// Takes the node out of `slot`, copying it first if another trie shares it, so that the
    /// caller may mutate it and put it (or its replacement) back.
    static func takeUnique(_ slot: inout TrieNode?) -> TrieNode? {
        guard var node = slot else { return nil }
        slot = nil
        if !isKnownUniquelyReferenced(&node) { node = node.copy() }
        return node
    }

    /// True when `nibbles[depth...]` begins with `prefix`.
    static func startsWith(_ nibbles: [UInt8], at depth: Int, _ prefix: [UInt8]) -> Bool {
        guard nibbles.count - depth >= prefix.count else { return false }
        return nibbles[depth..<(depth + prefix.count)].elementsEqual(prefix)
    }

    /// The number of leading nibbles `path` shares with `nibbles[depth...]`.
    static func commonPrefixLength(_ path: [UInt8], _ nibbles: [UInt8], at depth: Int) -> Int {
        let limit = min(path.count, nibbles.count - depth)
        var length = 0
        while length < limit && path[length] == nibbles[depth + length] { length += 1 }
        return length
    }

    // MARK: Hashing

    /// The reference to the node in `slot` (non-nil), computing and caching it where missing.
    /// Children are done first, so `scratch` is free again when this node is encoded into it.
    static func reference(of slot: inout TrieNode?, scratch: inout [UInt8]) -> TrieNodeReference {
        if let cached = slot!.reference { return cached }
        let node = takeUnique(&slot)!
        switch node.kind {
        case .leaf:
            break
        case .extension:
            _ = reference(of: &node.children[0], scratch: &scratch)
        case .branch:
            for index in 0..<16 where node.children[index] != nil {
                _ = reference(of: &node.children[index], scratch: &scratch)
            }
        }
        node.encode(into: &scratch)
        let reference: TrieNodeReference = scratch.count < 32 ? .inline(scratch) : .hash(Keccak256.hash(scratch))
        node.reference = reference
        slot = node
        return reference
    }
}
