#if !CHAINLEARN_GUEST
import CLPrimitives  // the guest build compiles Keccak256.swift and Bytes32.swift into its own module
#endif

/// The phase-1 state of a graph run (docs/PROTOCOL.md, "Graph state"), shared by the native trace and the
/// node-mode guest.
///
/// The state after `i` nodes is `S_i = keccak256(record)`, the record being `"CLGS" ‖ u32_be(i) ‖ M ‖ T_i`:
/// `M` commits to the model (descriptor and constants), `T_i` is a binary Merkle root over the model's
/// `I + N` value slots (the graph inputs, then one slot per node, zero until the node has run). Every
/// value is named by its **blob key**, the top index key of its bytes served in 4096-byte chunks
/// (`blobKey`), so whoever holds a key can read the value through the preimage oracle without re-hashing it.
/// Every Merkle node is `keccak256(left ‖ right)`, so a path is read top-down through the oracle too.
public enum GraphState {
    /// `CLGS`: the first four bytes of a state record.
    public static let recordMagic: [UInt8] = [0x43, 0x4C, 0x47, 0x53]
    /// `CLMN`: the first four bytes of a node task (the phase-2 program's input).
    public static let taskMagic: [UInt8] = [0x43, 0x4C, 0x4D, 0x4E]
    /// Bytes of a state record: magic, index, model commitment, value root.
    public static let recordSize = 72
    /// Bytes of a node task: magic, previous state root, node position.
    public static let taskSize = 40
    /// Bytes of one chunk (the oracle's largest preimage).
    public static let chunkSize = 4096
    /// Keys per index preimage (8 header bytes + 127 · 32 ≤ 4096).
    public static let keysPerIndex = 127

    /// The depth of a Merkle tree over `count` leaves: the least `d` with `2^d ≥ count` (0 for one leaf).
    public static func depth(leaves count: Int) -> Int {
        var depth = 0
        while (1 << depth) < count { depth += 1 }
        return depth
    }

    /// The root over `leaves`, padded with zero leaves to a power of two; zero for no leaves.
    public static func treeRoot(_ leaves: [Bytes32]) -> Bytes32 {
        if leaves.isEmpty { return .zero }
        var level = leaves
        let width = 1 << depth(leaves: leaves.count)
        while level.count < width { level.append(.zero) }
        while level.count > 1 {
            var next: [Bytes32] = []
            next.reserveCapacity(level.count / 2)
            var at = 0
            while at < level.count {
                next.append(Keccak256.hash(level[at], level[at + 1]))
                at += 2
            }
            level = next
        }
        return level[0]
    }

    /// The root obtained from `leaf` at `slot` and its siblings from the bottom (`siblings[0]` is the
    /// neighbouring leaf): at height `h` the path node is the left child when bit `h` of `slot` is 0.
    public static func root(leaf: Bytes32, slot: Int, siblings: [Bytes32]) -> Bytes32 {
        var node = leaf
        for height in 0..<siblings.count {
            node = (slot >> height) & 1 == 0 ? Keccak256.hash(node, siblings[height]) : Keccak256.hash(siblings[height], node)
        }
        return node
    }

    /// The model commitment `M = keccak256(descriptorKey ‖ constantsRoot)`.
    public static func modelCommitment(descriptorKey: Bytes32, constantsRoot: Bytes32) -> Bytes32 {
        Keccak256.hash(descriptorKey, constantsRoot)
    }

    /// The state record `"CLGS" ‖ u32_be(index) ‖ model ‖ values` (its keccak256 is the state root).
    public static func record(index: Int, model: Bytes32, values: Bytes32) -> [UInt8] {
        var bytes = recordMagic
        bytes.reserveCapacity(recordSize)
        appendBigEndian(UInt32(truncatingIfNeeded: index), to: &bytes)
        model.withUnsafeBytes { bytes.append(contentsOf: $0) }
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// The state root `S_index`.
    public static func stateRoot(index: Int, model: Bytes32, values: Bytes32) -> Bytes32 {
        Keccak256.hash(record(index: index, model: model, values: values))
    }

    /// A decoded state record.
    public struct Record: Equatable, Sendable {
        /// Nodes executed.
        public var index: Int
        /// The model commitment `M`.
        public var model: Bytes32
        /// The value root `T`.
        public var values: Bytes32

        /// Decodes the 72 record bytes; nil for any other length or magic, or an index of 2^31 or more.
        public init?(_ bytes: [UInt8]) {
            if bytes.count != GraphState.recordSize || Array(bytes[0..<4]) != GraphState.recordMagic { return nil }
            guard let index = GraphState.readIndex(bytes, at: 4) else { return nil }
            self.index = index
            guard let model = Bytes32(bytes: bytes[8..<40]), let values = Bytes32(bytes: bytes[40..<72]) else { return nil }
            self.model = model
            self.values = values
        }
    }

    /// The node task `"CLMN" ‖ S_{k−1} ‖ u32_be(k)`: run the `k`-th node (1-based, descriptor node `k − 1`)
    /// on the state `previous`. Its keccak256 is the 32-byte input of the phase-2 program.
    public static func task(previous: Bytes32, position: Int) -> [UInt8] {
        var bytes = taskMagic
        previous.withUnsafeBytes { bytes.append(contentsOf: $0) }
        appendBigEndian(UInt32(truncatingIfNeeded: position), to: &bytes)
        return bytes
    }

    /// Decodes a node task into (previous state root, position); nil unless it is 40 bytes with the magic and
    /// a position below 2^31.
    public static func decodeTask(_ bytes: [UInt8]) -> (previous: Bytes32, position: Int)? {
        if bytes.count != taskSize || Array(bytes[0..<4]) != taskMagic { return nil }
        guard let previous = Bytes32(bytes: bytes[4..<36]), let position = readIndex(bytes, at: 36) else { return nil }
        return (previous, position)
    }

    // MARK: - Blob keys

    /// The blob key of `blob`: the key of the top index of its chunks (docs/PROTOCOL.md, "Large preimages:
    /// chunks and indexes"); a blob of at most 4096 bytes is one chunk under a depth-0 index.
    public static func blobKey(_ blob: [UInt8]) -> Bytes32 {
        var keys: [Bytes32] = []
        blob.withUnsafeBytes { raw in
            var start = 0
            repeat {
                let end = min(start + chunkSize, raw.count)
                keys.append(Keccak256.hash(UnsafeRawBufferPointer(rebasing: raw[start..<end])))
                start = end
            } while start < raw.count
        }
        return indexKey(chunkKeys: keys, length: blob.count)
    }

    /// The top index key over the chunk keys of a blob of `length` bytes (every chunk 4096 bytes but the last).
    public static func indexKey(chunkKeys: [Bytes32], length: Int) -> Bytes32 {
        var level: [(key: Bytes32, covered: Int)] = []
        for index in 0..<chunkKeys.count {
            level.append((chunkKeys[index], min(chunkSize, length - index * chunkSize)))
        }
        var depth: UInt8 = 0
        while true {
            var next: [(key: Bytes32, covered: Int)] = []
            var first = 0
            while first < level.count {
                let last = min(first + keysPerIndex, level.count)
                let index = encodeIndex(depth: depth, level[first..<last])
                next.append((Keccak256.hash(index), level[first..<last].reduce(0) { $0 + $1.covered }))
                first = last
            }
            if next.count == 1 { return next[0].key }
            level = next
            depth += 1
        }
    }

    /// An index preimage: depth u8, three zero bytes, covered length u32 LE, then the keys.
    public static func encodeIndex(depth: UInt8, _ entries: ArraySlice<(key: Bytes32, covered: Int)>) -> [UInt8] {
        let covered = UInt32(truncatingIfNeeded: entries.reduce(0) { $0 + $1.covered })
        var bytes: [UInt8] = [depth, 0, 0, 0, UInt8(truncatingIfNeeded: covered), UInt8(truncatingIfNeeded: covered >> 8),
                              UInt8(truncatingIfNeeded: covered >> 16), UInt8(truncatingIfNeeded: covered >> 24)]
        bytes.reserveCapacity(8 + 32 * entries.count)
        for entry in entries { entry.key.withUnsafeBytes { bytes.append(contentsOf: $0) } }
        return bytes
    }

    static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// A u32 BE index; nil at or above 2^31, so that it is the same `Int` in the 32-bit guest and natively.
    static func readIndex(_ bytes: [UInt8], at offset: Int) -> Int? {
        if bytes[offset] >= 0x80 { return nil }
        return Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
    }
}
