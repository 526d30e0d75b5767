/// Insertion and deletion, keeping the trie canonical: a branch always holds at least two
/// entries (children or value), an extension always leads to a branch, and no extension
/// follows another. Canonical shape is what makes equal contents give equal roots.
extension MerklePatriciaTrie {
    /// Inserts (or replaces) `value` for the key whose nibbles are `key`, below `slot` at `depth`.
    static func insert(_ slot: inout TrieNode?, key: [UInt8], depth: Int, value: [UInt8]) {
        guard let node = takeUnique(&slot) else {
            slot = .leaf(path: Array(key[depth...]), value: value)
            return
        }
        node.reference = nil
        switch node.kind {
        case .leaf:
            let shared = commonPrefixLength(node.path, key, at: depth)
            if shared == node.path.count && depth + shared == key.count {
                node.value = value
                slot = node
                return
            }
            let branch = TrieNode.branch()
            // The old leaf moves under the branch: as its value, or shortened by the shared
            // nibbles and the one the branch consumes.
            if shared == node.path.count {
                branch.value = node.value
            } else {
                let slotIndex = Int(node.path[shared])
                node.path = Array(node.path[(shared + 1)...])
                branch.children[slotIndex] = node
            }
            place(value, key: key, at: depth + shared, in: branch)
            slot = wrap(branch, in: Array(key[depth..<(depth + shared)]))
        case .extension:
            let shared = commonPrefixLength(node.path, key, at: depth)
            if shared == node.path.count {
                insert(&node.children[0], key: key, depth: depth + shared, value: value)
                slot = node
                return
            }
            // Split the extension where the key leaves it.
            let branch = TrieNode.branch()
            let slotIndex = Int(node.path[shared])
            if shared + 1 == node.path.count {
                branch.children[slotIndex] = node.children[0]
            } else {
                node.path = Array(node.path[(shared + 1)...])
                branch.children[slotIndex] = node
            }
            place(value, key: key, at: depth + shared, in: branch)
            slot = wrap(branch, in: Array(key[depth..<(depth + shared)]))
        case .branch:
            if depth == key.count {
                node.value = value
            } else {
                insert(&node.children[Int(key[depth])], key: key, depth: depth + 1, value: value)
            }
            slot = node
        }
    }

    /// Puts a new key's value into a fresh branch that sits at `depth` of the key.
    private static func place(_ value: [UInt8], key: [UInt8], at depth: Int, in branch: TrieNode) {
        if depth == key.count {
            branch.value = value
        } else {
            branch.children[Int(key[depth])] = .leaf(path: Array(key[(depth + 1)...]), value: value)
        }
    }

    /// `branch` behind an extension over `path`, or the branch itself when `path` is empty.
    private static func wrap(_ branch: TrieNode, in path: [UInt8]) -> TrieNode {
        path.isEmpty ? branch : .extension(path: path, child: branch)
    }

    /// Deletes the key whose nibbles are `key`; the caller has checked that it is present.
    static func remove(_ slot: inout TrieNode?, key: [UInt8], depth: Int) {
        let node = takeUnique(&slot)!
        node.reference = nil
        switch node.kind {
        case .leaf:
            slot = nil
        case .extension:
            remove(&node.children[0], key: key, depth: depth + node.path.count)
            slot = absorb(node.children[0]!, behind: node.path, orKeep: node)
        case .branch:
            if depth == key.count {
                node.value = []
            } else {
                remove(&node.children[Int(key[depth])], key: key, depth: depth + 1)
            }
            slot = collapse(node)
        }
    }

    /// After a deletion below `node` (an extension over `path`), merges `child` into it when
    /// the child stopped being a branch.
    private static func absorb(_ child: TrieNode, behind path: [UInt8], orKeep node: TrieNode) -> TrieNode {
        switch child.kind {
        case .leaf: .leaf(path: path + child.path, value: child.value)
        case .extension: .extension(path: path + child.path, child: child.children[0]!)
        case .branch: node
        }
    }

    /// A branch left with a single entry turns into a leaf or an extension.
    private static func collapse(_ branch: TrieNode) -> TrieNode {
        var onlyChild = -1
        var entries = branch.value.isEmpty ? 0 : 1
        for index in 0..<16 where branch.children[index] != nil {
            entries += 1
            onlyChild = index
        }
        if entries >= 2 { return branch }
        precondition(entries == 1, "a canonical branch keeps an entry after one deletion")
        if onlyChild < 0 { return .leaf(path: [], value: branch.value) }
        let child = branch.children[onlyChild]!
        let nibble = [UInt8(onlyChild)]
        switch child.kind {
        case .leaf: return .leaf(path: nibble + child.path, value: child.value)
        case .extension: return .extension(path: nibble + child.path, child: child.children[0]!)
        case .branch: return .extension(path: nibble, child: child)
        }
    }
}
