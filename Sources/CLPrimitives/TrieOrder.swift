/// Ordered access: keys compare as byte strings (a proper prefix sorts first), which is the
/// order of a depth-first walk that visits a branch's value before its children 0…15.
extension MerklePatriciaTrie {
    /// Every key and value, in key order.
    public var entries: [(key: [UInt8], value: [UInt8])] {
        var out: [(key: [UInt8], value: [UInt8])] = []
        var prefix: [UInt8] = []
        Self.collect(root, prefix: &prefix, into: &out)
        return out
    }

    /// The smallest key strictly greater than `key`, or nil.
    public func key(after key: [UInt8]) -> [UInt8]? {
        var prefix: [UInt8] = []
        return Self.next(root, target: TrieNode.nibbles(of: key), depth: 0, prefix: &prefix)
            .map(TrieNode.bytes(ofNibbles:))
    }

    /// The greatest key strictly smaller than `key`, or nil.
    public func key(before key: [UInt8]) -> [UInt8]? {
        var prefix: [UInt8] = []
        return Self.previous(root, target: TrieNode.nibbles(of: key), depth: 0, prefix: &prefix)
            .map(TrieNode.bytes(ofNibbles:))
    }

    private static func collect(_ node: TrieNode?, prefix: inout [UInt8], into out: inout [(key: [UInt8], value: [UInt8])]) {
        guard let node else { return }
        let mark = prefix.count
        defer { prefix.removeSubrange(mark...) }
        switch node.kind {
        case .leaf:
            out.append((TrieNode.bytes(ofNibbles: prefix + node.path), node.value))
        case .extension:
            prefix += node.path
            collect(node.children[0], prefix: &prefix, into: &out)
        case .branch:
            if !node.value.isEmpty { out.append((TrieNode.bytes(ofNibbles: prefix), node.value)) }
            for index in 0..<16 {
                prefix.append(UInt8(index))
                collect(node.children[index], prefix: &prefix, into: &out)
                prefix.removeLast()
            }
        }
    }

    /// Compares `path` with `target[depth...]` over the length of `path`:
    /// negative when `path` sorts first, zero when `target` continues `path`, positive otherwise
    /// (also when `target` ends inside `path`, because a proper prefix sorts first).
    private static func compare(_ path: [UInt8], _ target: [UInt8], at depth: Int) -> Int {
        for (offset, nibble) in path.enumerated() {
            guard depth + offset < target.count else { return 1 }
            let other = target[depth + offset]
            if nibble != other { return nibble < other ? -1 : 1 }
        }
        return 0
    }

    /// The smallest key (as nibbles) below `node`, whose position is `prefix`.
    private static func first(_ node: TrieNode, prefix: inout [UInt8]) -> [UInt8] {
        switch node.kind {
        case .leaf:
            return prefix + node.path
        case .extension:
            prefix += node.path
            return first(node.children[0]!, prefix: &prefix)
        case .branch:
            if !node.value.isEmpty { return prefix }
            let index = node.children.firstIndex { $0 != nil }!
            prefix.append(UInt8(index))
            return first(node.children[index]!, prefix: &prefix)
        }
    }

    /// The greatest key (as nibbles) below `node`, whose position is `prefix`.
    private static func last(_ node: TrieNode, prefix: inout [UInt8]) -> [UInt8] {
        switch node.kind {
        case .leaf:
            return prefix + node.path
        case .extension:
            prefix += node.path
            return last(node.children[0]!, prefix: &prefix)
        case .branch:
            guard let index = node.children.lastIndex(where: { $0 != nil }) else { return prefix }
            prefix.append(UInt8(index))
            return last(node.children[index]!, prefix: &prefix)
        }
    }

    private static func next(_ node: TrieNode?, target: [UInt8], depth: Int, prefix: inout [UInt8]) -> [UInt8]? {
        guard let node else { return nil }
        switch node.kind {
        case .leaf:
            // Equal over the path means the leaf's key is the target or a prefix of it: not greater.
            return compare(node.path, target, at: depth) > 0 ? prefix + node.path : nil
        case .extension:
            let order = compare(node.path, target, at: depth)
            if order < 0 { return nil }
            let mark = prefix.count
            prefix += node.path
            if order > 0 { return first(node.children[0]!, prefix: &prefix) }
            let found = next(node.children[0], target: target, depth: depth + node.path.count, prefix: &prefix)
            prefix.removeSubrange(mark...)
            return found
        case .branch:
            let start: Int
            if depth == target.count {
                start = 0
            } else {
                let nibble = Int(target[depth])
                prefix.append(UInt8(nibble))
                if let found = next(node.children[nibble], target: target, depth: depth + 1, prefix: &prefix) {
                    return found
                }
                prefix.removeLast()
                start = nibble + 1
            }
            for index in start..<16 {
                guard let child = node.children[index] else { continue }
                prefix.append(UInt8(index))
                return first(child, prefix: &prefix)
            }
            return nil
        }
    }

    private static func previous(_ node: TrieNode?, target: [UInt8], depth: Int, prefix: inout [UInt8]) -> [UInt8]? {
        guard let node else { return nil }
        switch node.kind {
        case .leaf:
            let order = compare(node.path, target, at: depth)
            // Equal over the path and the target longer: the leaf's key is a proper prefix, so smaller.
            if order < 0 || (order == 0 && depth + node.path.count < target.count) {
                return prefix + node.path
            }
            return nil
        case .extension:
            let order = compare(node.path, target, at: depth)
            if order > 0 { return nil }
            let mark = prefix.count
            prefix += node.path
            if order < 0 { return last(node.children[0]!, prefix: &prefix) }
            let found = previous(node.children[0], target: target, depth: depth + node.path.count, prefix: &prefix)
            prefix.removeSubrange(mark...)
            return found
        case .branch:
            // The branch's own key equals the target (depth == count) or is a proper prefix of it.
            guard depth < target.count else { return nil }
            let nibble = Int(target[depth])
            let mark = prefix.count
            prefix.append(UInt8(nibble))
            if let found = previous(node.children[nibble], target: target, depth: depth + 1, prefix: &prefix) {
                return found
            }
            prefix.removeSubrange(mark...)
            for index in stride(from: nibble - 1, through: 0, by: -1) {
                guard let child = node.children[index] else { continue }
                prefix.append(UInt8(index))
                return last(child, prefix: &prefix)
            }
            return node.value.isEmpty ? nil : prefix
        }
    }
}
