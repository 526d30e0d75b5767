/// How a parent refers to a child node in its encoding: nodes whose RLP is shorter than
/// 32 bytes are embedded as they are, longer ones by the Keccak-256 of their RLP.
enum TrieNodeReference: Sendable {
    /// The node's whole RLP encoding (under 32 bytes), embedded in the parent.
    case inline([UInt8])
    /// The Keccak-256 of the node's RLP encoding (32 bytes or more).
    case hash(Bytes32)

    /// The bytes this reference adds to the parent's list payload.
    var encodedLength: Int {
        switch self {
        case .inline(let encoding): encoding.count
        case .hash: 33
        }
    }

    /// Appends the reference as an item of the parent's list.
    func append(to out: inout [UInt8]) {
        switch self {
        case .inline(let encoding):
            out.append(contentsOf: encoding)
        case .hash(let digest):
            out.append(0xa0)
            digest.withUnsafeBytes { out.append(contentsOf: $0) }
        }
    }
}

/// One node of a Merkle-Patricia trie, mutable only while uniquely referenced.
///
/// A single class serves the three node kinds so that copy-on-write and cache handling
/// are one code path. Fields by kind:
/// - leaf: `path` (the rest of the key in nibbles) and `value`;
/// - extension: `path` (a shared run of nibbles) and `children[0]`, always a branch;
/// - branch: `children` (16 slots, one per nibble) and `value` (empty when no key ends here).
///
/// `reference` caches how the parent refers to this node; every mutation clears it.
///
/// Thread safety: a node is written only when `isKnownUniquelyReferenced` proves that the
/// writing trie holds the only reference (see `MerklePatriciaTrie.takeUnique`), so nodes
/// shared between copies of a trie are never written and may cross tasks.
final class TrieNode: @unchecked Sendable {
    /// The three kinds of node in the Ethereum trie.
    enum Kind { case leaf, `extension`, branch }

    var kind: Kind
    var path: [UInt8]
    var value: [UInt8]
    var children: [TrieNode?]
    var reference: TrieNodeReference?

    init(kind: Kind, path: [UInt8], value: [UInt8], children: [TrieNode?]) {
        self.kind = kind
        self.path = path
        self.value = value
        self.children = children
        self.reference = nil
    }

    /// A leaf holding `value` at the end of `path`.
    static func leaf(path: [UInt8], value: [UInt8]) -> TrieNode {
        TrieNode(kind: .leaf, path: path, value: value, children: [])
    }

    /// An extension that skips `path` and continues at `child` (a branch).
    static func `extension`(path: [UInt8], child: TrieNode) -> TrieNode {
        TrieNode(kind: .extension, path: path, value: [], children: [child])
    }

    /// A branch with no children and no value yet.
    static func branch() -> TrieNode {
        TrieNode(kind: .branch, path: [], value: [], children: [TrieNode?](repeating: nil, count: 16))
    }

    /// A shallow copy (children shared), for copy-on-write.
    func copy() -> TrieNode {
        let twin = TrieNode(kind: kind, path: path, value: value, children: children)
        twin.reference = reference
        return twin
    }

    /// Writes the node's RLP encoding into `out` (replacing its contents). Every child must
    /// already carry its cached `reference`.
    func encode(into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        switch kind {
        case .leaf, .extension:
            let compactLength = path.count / 2 + 1
            var payload = compactLength == 1 ? 1 : RLP.headerLength(payloadLength: compactLength) + compactLength
            if kind == .leaf {
                payload += RLP.encodedLength(ofBytes: value)
            } else {
                payload += children[0]!.reference!.encodedLength
            }
            RLP.appendListHeader(payloadLength: payload, to: &out)
            appendHexPrefix(compactLength: compactLength, to: &out)
            if kind == .leaf {
                RLP.appendBytes(value, to: &out)
            } else {
                children[0]!.reference!.append(to: &out)
            }
        case .branch:
            var payload = RLP.encodedLength(ofBytes: value)
            for child in children { payload += child?.reference!.encodedLength ?? 1 }
            RLP.appendListHeader(payloadLength: payload, to: &out)
            for child in children {
                if let child { child.reference!.append(to: &out) } else { out.append(0x80) }
            }
            RLP.appendBytes(value, to: &out)
        }
    }

    /// Appends `path` in hex-prefix (compact) form as an RLP string: the first nibble holds
    /// the flags (2 for a leaf, +1 for an odd length), padded with a zero nibble when the
    /// length is even. A one-byte result (paths of 0 or 1 nibble) is below `0x80` and so
    /// stands without a header.
    private func appendHexPrefix(compactLength: Int, to out: inout [UInt8]) {
        let odd = path.count % 2 == 1
        let flags: UInt8 = (kind == .leaf ? 2 : 0) + (odd ? 1 : 0)
        if compactLength > 1 { RLP.appendHeader(shortBase: 0x80, length: compactLength, to: &out) }
        var index = 0
        if odd {
            out.append(flags << 4 | path[0])
            index = 1
        } else {
            out.append(flags << 4)
        }
        while index < path.count {
            out.append(path[index] << 4 | path[index + 1])
            index += 2
        }
    }

    /// The key's bytes split into nibbles, high nibble first.
    static func nibbles(of key: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(key.count * 2)
        for byte in key {
            out.append(byte >> 4)
            out.append(byte & 0x0f)
        }
        return out
    }

    /// Packs an even number of nibbles back into bytes.
    static func bytes(ofNibbles nibbles: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(nibbles.count / 2)
        var index = 0
        while index + 1 < nibbles.count {
            out.append(nibbles[index] << 4 | nibbles[index + 1])
            index += 2
        }
        return out
    }
}
