import CLPrimitives

/// Roots of all-zero subtrees: `zeroHashes[h]` commits to 2^h zero leaves (`zeroHashes[0]` is the zero leaf).
public let zeroHashes: [Bytes32] = {
    var hashes = [Bytes32.zero]
    for _ in 0..<MemoryLayout32.treeDepth { hashes.append(Keccak256.hash(hashes[hashes.count - 1], hashes[hashes.count - 1])) }
    return hashes
}()

/// A Merkle proof of one 32-byte leaf: the leaf and its 27 siblings, bottom-up (896 bytes on the wire).
public struct MemoryProof: Equatable, Sendable {
    /// The 32 bytes of memory at `leafIndex * 32`.
    public var leaf: Bytes32
    /// `siblings[h]` is the sibling of the path node of height `h` (0 = the sibling leaf).
    public var siblings: [Bytes32]

    /// Bytes of the encoding.
    public static let encodedSize = 32 * (1 + MemoryLayout32.treeDepth)

    /// Creates a proof from its parts.
    public init(leaf: Bytes32, siblings: [Bytes32]) {
        self.leaf = leaf
        self.siblings = siblings
    }

    /// The proof for an all-zero memory.
    public static let empty = MemoryProof(leaf: .zero, siblings: Array(zeroHashes[0..<MemoryLayout32.treeDepth]))

    /// Leaf then siblings, 32 bytes each.
    public var encoded: [UInt8] {
        var out = leaf.bytes
        out.reserveCapacity(MemoryProof.encodedSize)
        for sibling in siblings { out += sibling.bytes }
        return out
    }

    /// The root this proof implies for leaf index `leafIndex` (the address >> 5).
    public func root(leafIndex: UInt32) -> Bytes32 {
        var node = leaf
        var index = leafIndex
        for sibling in siblings {
            node = (index & 1) == 0 ? Keccak256.hash(node, sibling) : Keccak256.hash(sibling, node)
            index >>= 1
        }
        return node
    }
}

extension Memory {
    /// The Merkle root of the whole memory, rehashing only what changed since the last call.
    public func root() -> Bytes32 {
        updateTree()
        return upperNode(height: MemoryLayout32.treeDepth, index: 0)
    }

    /// The proof of the leaf holding `address` against `root()`.
    public func proof(_ address: UInt32) -> MemoryProof {
        updateTree()
        let leafIndex = address >> 5
        let pageIndex = leafIndex >> 7
        var siblings: [Bytes32] = []
        siblings.reserveCapacity(MemoryLayout32.treeDepth)
        if let page = table[Int(pageIndex)] {
            let inPage = Int(leafIndex & 127)
            siblings.append(Bytes32(copying: UnsafeRawBufferPointer(start: page + (inPage ^ 1) * 32, count: 32)))
            var slot = (128 + inPage) >> 1
            while slot > 1 {
                siblings.append(nodeSlot(page, slot ^ 1))
                slot >>= 1
            }
        } else {
            siblings.append(contentsOf: zeroHashes[0..<MemoryLayout32.pageHeight])
        }
        var index = pageIndex
        for height in MemoryLayout32.pageHeight..<MemoryLayout32.treeDepth {
            siblings.append(upperNode(height: height, index: index ^ 1))
            index >>= 1
        }
        return MemoryProof(leaf: leaf(containing: address), siblings: siblings)
    }

    /// True when stores happened since the tree was last brought up to date.
    public var treeIsStale: Bool { !dirtyPages.isEmpty }

    // MARK: - Incremental rehashing

    func nodeSlot(_ page: UnsafeMutableRawPointer, _ slot: Int) -> Bytes32 {
        Bytes32(copying: UnsafeRawBufferPointer(start: page + PageRecord.nodes + slot * 32, count: 32))
    }

    func setNodeSlot(_ page: UnsafeMutableRawPointer, _ slot: Int, _ value: Bytes32) {
        value.withUnsafeBytes { (page + PageRecord.nodes + slot * 32).copyMemory(from: $0.baseAddress!, byteCount: 32) }
    }

    /// A node of height >= 7 (a page root or above).
    func upperNode(height: Int, index: UInt32) -> Bytes32 {
        if height == MemoryLayout32.pageHeight {
            guard let page = table[Int(index)] else { return zeroHashes[height] }
            return nodeSlot(page, 1)
        }
        return upper[height - MemoryLayout32.pageHeight][index] ?? zeroHashes[height]
    }

    /// Rehashes the dirty leaves' paths inside each dirty page, then the paths above those pages.
    func updateTree() {
        if dirtyPages.isEmpty { return }
        var indices = dirtyPages
        dirtyPages.removeAll(keepingCapacity: true)
        for index in indices {
            let page = table[Int(index)]!
            rehashPage(page)
            let flags = page.load(fromByteOffset: PageRecord.listed, as: UInt32.self)
            page.storeBytes(of: flags & ~PageFlags.inDirtyList, toByteOffset: PageRecord.listed, as: UInt32.self)
        }
        indices.sort()
        for level in 1...(MemoryLayout32.treeDepth - MemoryLayout32.pageHeight) {
            var parents: [UInt32] = []
            parents.reserveCapacity(indices.count)
            for index in indices where parents.last != index >> 1 { parents.append(index >> 1) }
            let childHeight = MemoryLayout32.pageHeight + level - 1
            for parent in parents {
                let hash = Keccak256.hash(upperNode(height: childHeight, index: parent << 1),
                                          upperNode(height: childHeight, index: parent << 1 | 1))
                if hash == zeroHashes[childHeight + 1] {
                    upper[level].removeValue(forKey: parent)
                } else {
                    upper[level][parent] = hash
                }
            }
            indices = parents
        }
    }

    /// Recomputes the node slots of one page above its dirty leaves, then clears the masks.
    func rehashPage(_ page: UnsafeMutableRawPointer) {
        var low = page.load(fromByteOffset: PageRecord.dirtyMask, as: UInt64.self)
        var high = page.load(fromByteOffset: PageRecord.dirtyMask + 8, as: UInt64.self)
        page.storeBytes(of: 0, toByteOffset: PageRecord.dirtyMask, as: UInt64.self)
        page.storeBytes(of: 0, toByteOffset: PageRecord.dirtyMask + 8, as: UInt64.self)
        // Height 1: parents of leaf pairs, slots 64...127.
        var width = 64
        var next = (low: UInt64(0), high: UInt64(0))
        for position in 0..<128 {
            let dirty = position < 64 ? (low >> UInt64(position)) & 1 : (high >> UInt64(position - 64)) & 1
            if dirty == 0 { continue }
            let parent = position >> 1
            if parent < 64 { next.low |= 1 << UInt64(parent) } else { next.high |= 1 << UInt64(parent - 64) }
        }
        forEachBit(next.low, next.high, limit: width) { parent in
            let left = Bytes32(copying: UnsafeRawBufferPointer(start: page + parent * 64, count: 32))
            let right = Bytes32(copying: UnsafeRawBufferPointer(start: page + parent * 64 + 32, count: 32))
            setNodeSlot(page, width + parent, Keccak256.hash(left, right))
        }
        (low, high) = next
        // Heights 2...7: slots width...2*width-1 from the slots below.
        while width > 1 {
            var parentsMask: UInt64 = 0
            forEachBit(low, high, limit: width) { position in parentsMask |= 1 << UInt64(position >> 1) }
            width >>= 1
            forEachBit(parentsMask, 0, limit: width) { parent in
                let childSlot = 2 * (width + parent)
                setNodeSlot(page, width + parent, Keccak256.hash(nodeSlot(page, childSlot), nodeSlot(page, childSlot + 1)))
            }
            low = parentsMask
            high = 0
        }
    }

    private func forEachBit(_ low: UInt64, _ high: UInt64, limit: Int, _ body: (Int) -> Void) {
        var word = low
        while word != 0 {
            let bit = word.trailingZeroBitCount
            if bit < limit { body(bit) }
            word &= word &- 1
        }
        word = high
        while word != 0 {
            let bit = word.trailingZeroBitCount + 64
            if bit < limit { body(bit) }
            word &= word &- 1
        }
    }
}
