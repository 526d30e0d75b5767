import CLML
import CLPrimitives
import CLStore

/// Reads blobs the way the ML guest does (docs/PROTOCOL.md, "Large preimages: chunks and indexes"): from the
/// key of a top index, through its chunk and index preimages, each fetched by its `keccak256` and checked by
/// the `StoreClient`. The structure is checked as the guest checks it (depths decreasing by one, 1 … 127 keys,
/// zero reserved bytes, covered lengths that add up), so a malformed index is a typed error, never a crash.
struct ChunkedBlobs: Sendable {
    /// Where the preimages come from.
    let stores: StoreClient
    /// The most bytes one blob may assemble to (the format's largest tensor is 2^26 × 4 bytes).
    var maxBlobSize = 1 << 28

    /// The blob under the top index `key`; `what` names it in errors.
    func read(indexKey key: Bytes32, what: String) async throws(TaskDataError) -> [UInt8] {
        var out: [UInt8] = []
        let covered = try await append(key, depth: nil, what: what, into: &out)
        guard covered == out.count else { throw .malformed(what: what, reason: "index covers \(covered) bytes, chunks hold \(out.count)") }
        return out
    }

    /// One preimage by its keccak256.
    func preimage(_ key: Bytes32, what: String) async throws(TaskDataError) -> [UInt8] {
        do { return try await stores.fetch(key) } catch { throw .missing(what: what, error) }
    }

    /// Appends what the index under `key` covers; returns its covered length. `depth` is the depth the
    /// parent expects (nil for the top).
    private func append(_ key: Bytes32, depth expected: UInt8?, what: String, into out: inout [UInt8]) async throws(TaskDataError) -> Int {
        let index = try await preimage(key, what: "\(what) index")
        let header = GuestChunking.indexHeaderSize
        guard index.count >= header + 32, (index.count - header) % 32 == 0, index.count - header <= 32 * GuestChunking.maxKeysPerIndex else {
            throw .malformed(what: "\(what) index", reason: "\(index.count) bytes is not a header and 1 … \(GuestChunking.maxKeysPerIndex) keys")
        }
        let depth = index[0]
        guard depth <= 3, index[1] == 0, index[2] == 0, index[3] == 0 else {
            throw .malformed(what: "\(what) index", reason: "depth \(depth) or non-zero reserved bytes")
        }
        if let expected, depth != expected { throw .malformed(what: "\(what) index", reason: "depth \(depth), expected \(expected)") }
        let covered = Int(index[4]) | Int(index[5]) << 8 | Int(index[6]) << 16 | Int(index[7]) << 24
        guard out.count + covered <= maxBlobSize else { throw .malformed(what: what, reason: "over \(maxBlobSize) bytes") }
        let start = out.count
        var offset = header
        while offset < index.count {
            guard let child = Bytes32(bytes: index[offset..<(offset + 32)]) else { break }
            offset += 32
            if depth == 0 {
                out += try await preimage(child, what: "\(what) chunk")
            } else {
                _ = try await append(child, depth: depth - 1, what: what, into: &out)
            }
            guard out.count - start <= covered else { throw .malformed(what: what, reason: "chunks exceed the covered \(covered) bytes") }
        }
        guard out.count - start == covered else {
            throw .malformed(what: what, reason: "index covers \(covered) bytes, its chunks hold \(out.count - start)")
        }
        return covered
    }
}
