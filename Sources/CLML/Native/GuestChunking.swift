import CLFPVM
import CLPrimitives

/// How the host serves blobs larger than one oracle preimage to the ML guest (docs/PROTOCOL.md,
/// "Large preimages: chunks and indexes"). A blob of at most `maxPreimageSize` bytes is one preimage
/// under `keccak256(blob)`. A larger blob is cut into chunks of `maxPreimageSize` bytes (the last one
/// shorter), each its own preimage, listed by an index preimage; indexes of more than `maxKeysPerIndex`
/// keys are themselves listed by an index one level up. The guest request maps the blob's key to its
/// top index key (the request's directory).
public enum GuestChunking {
    /// The PreimageOracle contract's bound on one preimage (`MAX_PREIMAGE_SIZE`, `PreimageStore.maxPreimageSize`).
    public static let maxPreimageSize = PreimageStore.maxPreimageSize
    /// Bytes before the keys in an index preimage: depth u8, three reserved zero bytes, covered length u32.
    public static let indexHeaderSize = 8
    /// The most keys one index holds, so that an index is itself at most `maxPreimageSize` bytes.
    public static let maxKeysPerIndex = (maxPreimageSize - indexHeaderSize) / 32

    /// A blob as oracle preimages.
    public struct Split: Sendable {
        /// `keccak256(blob)`: the key the model or request names the blob by.
        public let blobKey: Bytes32
        /// The key of the top index, or nil when the blob is a single preimage.
        public let indexKey: Bytes32?
        /// Every preimage to serve (the blob itself when it fits; else chunks and indexes), each at most
        /// `maxPreimageSize` bytes.
        public let preimages: [[UInt8]]
    }

    /// Splits `blob` into the preimages the guest reads.
    public static func split(_ blob: [UInt8]) -> Split {
        let blobKey = Keccak256.hash(blob)
        if blob.count <= maxPreimageSize { return Split(blobKey: blobKey, indexKey: nil, preimages: [blob]) }
        let (indexKey, preimages) = indexed(blob)
        return Split(blobKey: blobKey, indexKey: indexKey, preimages: preimages)
    }

    /// `blob` as chunks under a top index, whatever its size (a blob of at most `maxPreimageSize` bytes is one
    /// chunk under a depth-0 index): the form the guest request itself is served in, named by the top index key
    /// in the FPVM input region (docs/PROTOCOL.md, "ML guest request"). Returns the top index key and every
    /// preimage (chunks, then indexes level by level).
    public static func indexed(_ blob: [UInt8]) -> (indexKey: Bytes32, preimages: [[UInt8]]) {
        var preimages: [[UInt8]] = []
        // Level entries: (key, bytes of the blob it covers).
        var level: [(key: Bytes32, covered: Int)] = []
        var start = 0
        repeat {
            let end = min(start + maxPreimageSize, blob.count)
            let chunk = Array(blob[start..<end])
            preimages.append(chunk)
            level.append((Keccak256.hash(chunk), chunk.count))
            start = end
        } while start < blob.count
        var depth: UInt8 = 0
        while true {
            var next: [(key: Bytes32, covered: Int)] = []
            var first = 0
            while first < level.count {
                let group = level[first..<min(first + maxKeysPerIndex, level.count)]
                let index = encodeIndex(depth: depth, entries: group)
                preimages.append(index)
                next.append((Keccak256.hash(index), group.reduce(0) { $0 + $1.covered }))
                first += maxKeysPerIndex
            }
            if next.count == 1 { return (next[0].key, preimages) }
            level = next
            depth += 1
        }
    }

    static func encodeIndex(depth: UInt8, entries: ArraySlice<(key: Bytes32, covered: Int)>) -> [UInt8] {
        var writer = ByteWriter()
        writer.u8(depth)
        writer.u8(0)
        writer.u16(0)
        writer.u32(UInt32(truncatingIfNeeded: entries.reduce(0) { $0 + $1.covered }))
        for entry in entries { writer.append(entry.key.bytes) }
        return writer.bytes
    }
}
