// The ML engine as an FPVM guest: runs a whole model or one node, reading the model, its constants and
// the input tensors through the preimage oracle; or, in node mode, one node of a graph state (NodeMode.swift).
// Built by Scripts/ml/build-ml-guest together with the engine's kernel sources (Sources/CLML/Kernels) and
// Keccak-256 from CLPrimitives, as one Embedded Swift module. Request layout: docs/PROTOCOL.md, "ML guest request".

/// Exit codes of the ML guest.
enum GuestStatus: Int32 {
    case success = 0
    case badRequest = 2
    case modelRejected = 3
    case inputRejected = 4
    case evaluationFailed = 5
    /// Node mode: the graph state does not decode (record, tree node, empty operand slot, filled output slot).
    case stateRejected = 6
}

/// The parsed request from the input region.
struct GuestRequest {
    var singleNode: Bool
    var nodeIndex: Int
    var modelHash: [UInt8]
    var tensorHashes: [[UInt8]]
    /// Blob key → top index key, for blobs served as chunks (docs/PROTOCOL.md, "Large preimages").
    var directory: [(blobKey: [UInt8], indexKey: [UInt8])]

    static let magic: [UInt8] = [0x43, 0x4C, 0x4D, 0x49]  // "CLMI"

    init?(_ bytes: [UInt8]) {
        var reader = ByteReader(bytes)
        do throws(MLError) {
            if try reader.take(4) != GuestRequest.magic { return nil }
            let mode = try reader.u32()
            if mode > 1 { return nil }
            singleNode = mode == 1
            nodeIndex = Int(try reader.u32())
            modelHash = try reader.take(32)
            let count = Int(try reader.u32())
            if count > 1024 { return nil }
            var hashes: [[UInt8]] = []
            for _ in 0..<count { hashes.append(try reader.take(32)) }
            tensorHashes = hashes
            let entries = Int(try reader.u32())
            if entries > 4096 { return nil }
            var directory: [(blobKey: [UInt8], indexKey: [UInt8])] = []
            for _ in 0..<entries { directory.append((try reader.take(32), try reader.take(32))) }
            self.directory = directory
            if reader.remaining != 0 { return nil }
        } catch {
            return nil
        }
    }
}

/// Reads one oracle preimage (at most 4096 bytes when the host follows the chunk convention).
func fetchPreimage(_ key: [UInt8]) -> [UInt8] {
    key.withUnsafeBufferPointer { Guest.preimage(key: $0) }
}

/// Reads the blob named `key`: through its index when the request's directory lists it, else as one
/// preimage (which the FPVM serves only up to 4096 bytes: a larger one halts the VM with fault 7, so no
/// trace can route a large blob around the chunked path). A malformed index yields an empty blob, which
/// every decoder rejects.
func fetch(_ key: [UInt8], _ request: GuestRequest) -> [UInt8] {
    for entry in request.directory where entry.blobKey == key { return fetchIndexed(entry.indexKey) }
    return fetchPreimage(key)
}

/// Reads the blob whose top index is `indexKey`; empty when an index is malformed or the chunks fall short.
func fetchIndexed(_ indexKey: [UInt8]) -> [UInt8] {
    fetchIndexed(top: fetchPreimage(indexKey))
}

/// Reads the blob whose top index preimage `top` was already fetched.
func fetchIndexed(top: [UInt8]) -> [UInt8] {
    guard let header = IndexHeader(top) else { return [] }
    var complete = false
    let blob = [UInt8](unsafeUninitializedCapacity: header.length) { buffer, count in
        let written = fill(index: top, header: header, into: buffer.baseAddress!)
        complete = written == header.length
        count = complete ? header.length : 0
    }
    return complete ? blob : []
}

/// The header of an index preimage (docs/PROTOCOL.md, "Large preimages"): depth u8, 3 reserved zero
/// bytes, covered length u32, then 32-byte keys of chunks (depth 0) or of indexes one level down.
struct IndexHeader {
    var depth: UInt8
    var length: Int

    init?(_ index: [UInt8]) {
        if index.count <= 8 || (index.count - 8) % 32 != 0 || index.count > 4096 { return nil }
        if index[1] != 0 || index[2] != 0 || index[3] != 0 || index[0] > 3 { return nil }
        depth = index[0]
        length = Int(index[4]) | Int(index[5]) << 8 | Int(index[6]) << 16 | Int(index[7]) << 24
        if length == 0 || length > 1 << 28 { return nil }
    }
}

/// Writes the `header.length` bytes `index` covers at `destination`, reading chunks straight from the
/// oracle stream (no zero-fill, no copy); returns the bytes written, or -1 when an index below is
/// malformed, a depth does not decrease by one, or a part's length disagrees with its index.
func fill(index: [UInt8], header: IndexHeader, into destination: UnsafeMutableRawPointer) -> Int {
    var written = 0
    var offset = 8
    while offset < index.count {
        let key = Array(index[offset..<offset + 32])
        offset += 32
        if header.depth == 0 {
            let n = readChunk(key, into: destination + written, capacity: header.length - written)
            if n < 0 { return -1 }
            written += n
        } else {
            let child = fetchPreimage(key)
            guard let childHeader = IndexHeader(child), childHeader.depth == header.depth - 1,
                  childHeader.length <= header.length - written else { return -1 }
            let n = fill(index: child, header: childHeader, into: destination + written)
            if n != childHeader.length { return -1 }
            written += n
        }
    }
    return written
}

/// Reads the chunk `key` (at most 4096 bytes, and at most `capacity`) from the oracle stream straight
/// into `destination`; returns its length, or -1 when the stream is short or the chunk does not fit.
func readChunk(_ key: [UInt8], into destination: UnsafeMutableRawPointer, capacity: Int) -> Int {
    let keyBuffer = UnsafeMutableRawPointer.allocate(byteCount: 32, alignment: 32)
    defer { keyBuffer.deallocate() }
    key.withUnsafeBytes { raw in keyBuffer.copyMemory(from: raw.baseAddress!, byteCount: 32) }
    var written = 0
    while written < 32 {
        let n = cl_write(6, keyBuffer + written, 32 - written)
        if n <= 0 { return -1 }
        written += Int(n)
    }
    var prefix: UInt64 = 0
    let prefixBytes = withUnsafeMutableBytes(of: &prefix) { raw -> Int in
        var done = 0
        while done < 8 {
            let n = cl_read(5, raw.baseAddress! + done, 8 - done)
            if n <= 0 { break }
            done += Int(n)
        }
        return done
    }
    if prefixBytes != 8 { return -1 }
    var length = 0
    withUnsafeBytes(of: &prefix) { raw in for byte in raw { length = length << 8 | Int(byte) } }
    if length > 4096 || length > capacity { return -1 }
    var done = 0
    while done < length {
        let n = cl_read(5, destination + done, length - done)
        if n <= 0 { return -1 }
        done += Int(n)
    }
    return length
}

func runRequest() -> Int32 {
    // The input region holds only the request's top index key (the task's input commitment); the request
    // itself is read through the oracle like every other blob.
    let input = Guest.input
    if input.count != 32 { return GuestStatus.badRequest.rawValue }
    var requestKey = [UInt8](repeating: 0, count: 32)
    for index in 0..<32 { requestKey[index] = input[index] }
    // The input's preimage is either a node task (phase 2: run one node on a graph state, NodeMode.swift)
    // or the top index of a request.
    let top = fetchPreimage(requestKey)
    if top.count == GraphState.taskSize && Array(top[0..<4]) == GraphState.taskMagic { return runNodeTask(top) }
    guard let request = GuestRequest(fetchIndexed(top: top)) else { return GuestStatus.badRequest.rawValue }

    var descriptorReader = ByteReader(fetch(request.modelHash, request))
    let descriptor: ModelFormat.Descriptor
    do throws(MLError) {
        descriptor = try ModelFormat.decodeDescriptor(&descriptorReader)
    } catch {
        return GuestStatus.modelRejected.rawValue
    }

    var tensors: [Tensor] = []
    for hash in request.tensorHashes {
        do throws(MLError) {
            tensors.append(try TensorCoding.decode(fetch(hash, request)))
        } catch {
            return GuestStatus.inputRejected.rawValue
        }
    }

    let output: Tensor
    do throws(MLError) {
        if request.singleNode {
            if request.nodeIndex >= descriptor.nodes.count { return GuestStatus.badRequest.rawValue }
            var operands: [ValueInfo] = []
            for tensor in tensors {
                operands.append(ValueInfo(dtype: tensor.dtype, shape: tensor.shape, quantization: Quantization.identity))
            }
            let node = descriptor.nodes[request.nodeIndex]
            let model = try SingleNode.model(
                of: node, at: request.nodeIndex, operands: operands, constantHashes: descriptor.constantHashes.count
            ) { (k: Int) throws(MLError) -> (Tensor, Quantization) in
                (try TensorCoding.decode(fetch(descriptor.constantHashes[k].bytes, request)), descriptor.constantQuantization[k])
            }
            var session = Session(model: model)
            output = try session.run(tensors)[0]
        } else {
            var constants: [Tensor] = []
            for hash in descriptor.constantHashes { constants.append(try TensorCoding.decode(fetch(hash.bytes, request))) }
            let model = try Model(
                inputs: descriptor.inputs, constants: constants,
                constantQuantization: descriptor.constantQuantization, nodes: descriptor.nodes)
            var session = Session(model: model)
            let outputs = try session.run(tensors)
            output = outputs[outputs.count - 1]
        }
    } catch {
        return GuestStatus.evaluationFailed.rawValue
    }

    let encoded = TensorCoding.encode(output)
    let commitment = Keccak256.hash(encoded)
    let region = Guest.output
    commitment.withUnsafeBytes { raw in
        for index in 0..<32 { region[index] = raw[index] }
    }
    encoded.withUnsafeBufferPointer { Guest.write($0) }
    return GuestStatus.success.rawValue
}

@_cdecl("guest_main")
func guestMain() -> Int32 {
    runRequest()
}
