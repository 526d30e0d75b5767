extension MerklePatriciaTrie {
    /// The Merkle proof of `key` (EIP-1186, as geth's `Trie.Prove` builds it): the RLP encoding of
    /// each node on the path from the root towards `key`, root first. Nodes of under 32 bytes are
    /// embedded in their parent's encoding and so are not listed on their own (the root always is).
    /// For an absent key the path ends where the key leaves the trie, proving absence. Empty for
    /// the empty trie. Computes the root hash first, so node references are cached.
    public mutating func proof(forKey key: [UInt8]) -> [[UInt8]] {
        _ = rootHash()
        let nibbles = TrieNode.nibbles(of: key)
        var proof: [[UInt8]] = []
        var node = root
        var depth = 0
        var isRoot = true
        var scratch: [UInt8] = []
        while let current = node {
            current.encode(into: &scratch)
            if isRoot || scratch.count >= 32 { proof.append(scratch) }
            isRoot = false
            switch current.kind {
            case .leaf:
                node = nil
            case .extension:
                guard Self.startsWith(nibbles, at: depth, current.path) else { node = nil; break }
                depth += current.path.count
                node = current.children[0]
            case .branch:
                guard depth < nibbles.count else { node = nil; break }
                node = current.children[Int(nibbles[depth])]
                depth += 1
            }
        }
        return proof
    }
}

extension SecureMerklePatriciaTrie {
    /// The Merkle proof of `key` in the hashed trie (see `MerklePatriciaTrie.proof(forKey:)`).
    /// Works on a copy: cheap once the root hash is computed (every node's reference is cached,
    /// so nothing is copied), else the copy hashes the changed paths itself.
    public func proof(forKey key: [UInt8]) -> [[UInt8]] {
        var trie = hashedTrie
        return trie.proof(forKey: Keccak256.hash(key).bytes)
    }
}
