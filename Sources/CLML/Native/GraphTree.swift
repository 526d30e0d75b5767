import CLPrimitives
import Dispatch

/// A complete binary Merkle tree kept in memory (native only): the value slots of a graph state or the
/// constant keys of a model (docs/PROTOCOL.md, "Graph state"). `levels[0]` are the leaves padded with zero
/// to a power of two, `levels[depth]` is the root; updating a leaf rehashes its path.
public struct GraphTree: Sendable {
    /// The nodes, level by level from the leaves.
    public private(set) var levels: [[Bytes32]]
    /// Leaves in use (the rest are zero padding).
    public let count: Int

    /// The tree over `leaves` (at least one).
    public init(leaves: [Bytes32]) {
        count = leaves.count
        var level = leaves
        let width = 1 << GraphState.depth(leaves: max(leaves.count, 1))
        while level.count < width { level.append(.zero) }
        var levels = [level]
        while level.count > 1 {
            var next: [Bytes32] = []
            next.reserveCapacity(level.count / 2)
            var at = 0
            while at < level.count {
                next.append(Keccak256.hash(level[at], level[at + 1]))
                at += 2
            }
            levels.append(next)
            level = next
        }
        self.levels = levels
    }

    /// The depth (0 for a single leaf).
    public var depth: Int { levels.count - 1 }

    /// The root (zero when the tree was built over no leaves).
    public var root: Bytes32 { count == 0 ? .zero : levels[depth][0] }

    /// The leaf at `slot`.
    public func leaf(_ slot: Int) -> Bytes32 { levels[0][slot] }

    /// Replaces the leaf at `slot` and rehashes its path.
    public mutating func update(_ slot: Int, to leaf: Bytes32) {
        levels[0][slot] = leaf
        var position = slot
        for height in 0..<depth {
            let left = levels[height][position & ~1], right = levels[height][position | 1]
            position >>= 1
            levels[height + 1][position] = Keccak256.hash(left, right)
        }
    }

    /// The siblings of `slot`'s path, from the bottom.
    public func siblings(_ slot: Int) -> [Bytes32] {
        var out: [Bytes32] = []
        for height in 0..<depth { out.append(levels[height][(slot >> height) ^ 1]) }
        return out
    }

    /// The 64-byte preimage (`left ‖ right`) of every inner node, so the oracle can serve any path top-down.
    public func innerPreimages() -> [[UInt8]] {
        var out: [[UInt8]] = []
        for height in 0..<depth {
            let level = levels[height]
            var at = 0
            while at < level.count {
                var pair: [UInt8] = []
                pair.reserveCapacity(64)
                level[at].withUnsafeBytes { pair.append(contentsOf: $0) }
                level[at + 1].withUnsafeBytes { pair.append(contentsOf: $0) }
                out.append(pair)
                at += 2
            }
        }
        return out
    }
}

/// Blob keys computed on the machine's cores (native only): chunk hashes are independent, so the chunks
/// of a large tensor are hashed in two halves concurrently, then indexed as `GraphState.indexKey` does.
public enum GraphHashing {
    /// Below this many chunks one core hashes them all.
    static let parallelChunks = 4

    /// `GraphState.blobKey(blob)`, hashing the chunks concurrently when there are enough of them.
    public static func blobKey(_ blob: [UInt8]) -> Bytes32 {
        let chunks = max(1, (blob.count + GraphState.chunkSize - 1) / GraphState.chunkSize)
        if chunks < parallelChunks { return GraphState.blobKey(blob) }
        var keys = [Bytes32](repeating: .zero, count: chunks)
        blob.withUnsafeBytes { raw in
            keys.withUnsafeMutableBufferPointer { out in
                let source = SendableRaw(raw), target = SendableKeys(out)
                let half = chunks / 2
                DispatchQueue.concurrentPerform(iterations: 2) { part in
                    for chunk in (part == 0 ? 0..<half : half..<chunks) {
                        let start = chunk * GraphState.chunkSize
                        let end = min(start + GraphState.chunkSize, source.raw.count)
                        target.keys[chunk] = Keccak256.hash(UnsafeRawBufferPointer(rebasing: source.raw[start..<end]))
                    }
                }
            }
        }
        return GraphState.indexKey(chunkKeys: keys, length: blob.count)
    }
}

/// Read-only bytes shared by the hashing threads.
private struct SendableRaw: @unchecked Sendable {
    let raw: UnsafeRawBufferPointer
    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }
}

/// Output slots each written by one hashing thread (disjoint chunks).
private struct SendableKeys: @unchecked Sendable {
    let keys: UnsafeMutableBufferPointer<Bytes32>
    init(_ keys: UnsafeMutableBufferPointer<Bytes32>) { self.keys = keys }
}
