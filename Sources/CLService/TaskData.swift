import CLABI
import CLDispute
import CLML
import CLPrimitives
import CLStore

/// What a service computed of a task, built from the stores by the hashes the task commits to.
public enum TaskComputation: Sendable {
    /// A one-phase task: the whole run of the guest in the FPVM.
    case onePhase(Trace)
    /// A two-phase task: the native graph trace, node runs on demand.
    case twoPhase(GraphDispute)

    /// The game answers an honest party gives.
    public var answers: any GameAnswers {
        switch self {
        case .onePhase(let trace): trace
        case .twoPhase(let dispute): dispute
        }
    }
}

/// Fetches the data of a task from the stores by the hashes the chain holds, and rebuilds the task as the
/// agents compute it (docs/ARCHITECTURE.md, "Services"):
/// - the program by `programHash`, accepted only when its ELF's FPVM base state hashes to it;
/// - one-phase: the request through the index under `inputHash`, then the model descriptor and constants and
///   the input tensors it names (through the request's directory when chunked), each checked by `keccak256`;
/// - two-phase: `M`'s 64-byte preimage under `modelHash`, the descriptor through its blob key, the constants by
///   the descriptor's hashes, the inputs through the blob keys of the task's `GraphTaskRequested` event.
/// What is fetched is only trusted because the agents then recompute every commitment (program, input, model,
/// S_0) and compare it with the task before they stake.
public struct TaskDataFetcher: Sendable {
    /// The stores.
    public let stores: StoreClient
    private let blobs: ChunkedBlobs

    /// A fetcher over `stores`.
    public init(stores: StoreClient) {
        self.stores = stores
        blobs = ChunkedBlobs(stores: stores)
    }

    /// The check of a program: the FPVM hash of its ELF's base state (zero for bytes that are not an ELF).
    public static let programCheck = ContentCheck(name: "program hash") { bytes in
        (try? TaskSpec(name: "program", program: bytes, input: [UInt8](repeating: 0, count: TaskSpec.inputSize)).programHash()) ?? .zero
    }

    /// The guest ELF whose program hash is `hash`.
    public func program(_ hash: Bytes32) async throws(TaskDataError) -> [UInt8] {
        do { return try await stores.fetch(hash, check: Self.programCheck) } catch { throw .missing(what: "program", error) }
    }

    /// The one-phase task `task` as a `TaskSpec` (ML guest, whole-graph request).
    public func onePhaseSpec(taskId: UInt64, task: TaskView) async throws(TaskDataError) -> TaskSpec {
        let program = try await program(task.programHash)
        let request = try await blobs.read(indexKey: task.inputHash, what: "request")
        let parsed = try RequestFields(request)
        let model = try await model(descriptorKey: parsed.modelHash, directory: parsed.directory)
        var inputs: [Tensor] = []
        for (position, hash) in parsed.tensorHashes.enumerated() {
            let bytes = try await blob(hash, directory: parsed.directory, what: "input tensor \(position)")
            do { inputs.append(try TensorCoding.decode(bytes)) } catch {
                throw .malformed(what: "input tensor \(position)", reason: "\(error)")
            }
        }
        return TaskSpec.mlInference(name: "task \(taskId)", guest: program, model: model, inputs: inputs)
    }

    /// The two-phase task `task`, whose graph inputs have the blob keys `inputKeys` (its `GraphTaskRequested`
    /// event's: `graphInputKeys`), as a `GraphDispute` trusting `verifier` (the graph trace is computed here).
    public func twoPhaseDispute(taskId: UInt64, task: TaskView, inputKeys keys: [Bytes32], verifier: Address) async throws(TaskDataError) -> GraphDispute {
        let program = try await program(task.programHash)
        let pair = try await blobs.preimage(task.modelHash, what: "model commitment")
        guard pair.count == 64, let descriptorKey = Bytes32(bytes: pair[0..<32]) else {
            throw .malformed(what: "model commitment", reason: "\(pair.count) bytes, not a 64-byte (descriptor key ‖ constants root)")
        }
        let descriptor = try await blobs.read(indexKey: descriptorKey, what: "model descriptor")
        let model = try await assemble(descriptor: descriptor, directory: [:])
        var inputs: [Tensor] = []
        for (position, key) in keys.enumerated() {
            let bytes = try await blobs.read(indexKey: key, what: "graph input \(position)")
            do { inputs.append(try TensorCoding.decode(bytes)) } catch {
                throw .malformed(what: "graph input \(position)", reason: "\(error)")
            }
        }
        let graph: GraphTrace
        do { graph = try GraphTrace(model: model, inputs: inputs) } catch { throw .execution("graph trace: \(error)") }
        do {
            return try GraphDispute(name: "task \(taskId)", graph: graph, nodeProgram: program, verifier: verifier)
        } catch {
            throw .malformed(what: "node program", reason: "\(error)")
        }
    }

    /// The blob keys of a graph task's inputs, from its `GraphTaskRequested` event.
    public func graphInputKeys(taskId: UInt64, client: MarketClient) async throws(TaskDataError) -> [Bytes32] {
        let logs: [ChainLog]
        do {
            let latest = try await client.connection.blockNumber()
            logs = try await client.connection.logs(client.deployment.market, from: 0, to: latest)
        } catch {
            throw .missing(what: "graph inputs", .missing(key: .zero, attempts: ["GraphTaskRequested log: \(error)"]))
        }
        for log in logs {
            guard let event = try? client.contracts.market.abi.decodeLog(topics: log.topics, data: log.data),
                  event.event.name == "GraphTaskRequested",
                  case .value(.uint(let id))? = event.argument(named: "taskId"), id == UInt256(taskId),
                  case .value(.array(let items))? = event.argument(named: "inputKeys") else { continue }
            return items.compactMap { item in
                if case .fixedBytes(let bytes) = item { return Bytes32(bytes: bytes) }
                return nil
            }
        }
        throw .missing(what: "graph inputs", .missing(key: .zero, attempts: ["no GraphTaskRequested event for task \(taskId)"]))
    }

    /// A blob named by its keccak256: through its top index when the directory lists it, else one preimage;
    /// the assembled bytes must hash to the key.
    private func blob(_ key: Bytes32, directory: [Bytes32: Bytes32], what: String) async throws(TaskDataError) -> [UInt8] {
        guard let index = directory[key] else { return try await blobs.preimage(key, what: what) }
        let bytes = try await blobs.read(indexKey: index, what: what)
        let actual = Keccak256.hash(bytes)
        guard actual == key else { throw .malformed(what: what, reason: "its chunks hash to \(actual.hex), not \(key.hex)") }
        return bytes
    }

    /// The model whose descriptor hashes to `descriptorKey`.
    private func model(descriptorKey: Bytes32, directory: [Bytes32: Bytes32]) async throws(TaskDataError) -> Model {
        let descriptor = try await blob(descriptorKey, directory: directory, what: "model descriptor")
        return try await assemble(descriptor: descriptor, directory: directory)
    }

    /// The model file (descriptor ‖ length-prefixed constants) decoded by the engine, which checks each
    /// constant against the descriptor's hash and validates the graph.
    private func assemble(descriptor: [UInt8], directory: [Bytes32: Bytes32]) async throws(TaskDataError) -> Model {
        var reader = ByteReader(descriptor)
        let decoded: ModelFormat.Descriptor
        do { decoded = try ModelFormat.decodeDescriptor(&reader) } catch {
            throw .malformed(what: "model descriptor", reason: "\(error)")
        }
        var file = descriptor
        for (position, hash) in decoded.constantHashes.enumerated() {
            let bytes = try await blob(hash, directory: directory, what: "model constant \(position)")
            let length = UInt32(bytes.count)
            file += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
            file += bytes
        }
        do { return try ModelFormat.decode(file) } catch { throw .malformed(what: "model", reason: "\(error)") }
    }
}

/// The fields of an ML guest request (docs/PROTOCOL.md, "ML guest request") a service needs: a whole-graph
/// request's model hash, input tensor hashes and directory.
struct RequestFields {
    /// The model hash (keccak256 of the descriptor).
    var modelHash: Bytes32
    /// The input tensors' hashes.
    var tensorHashes: [Bytes32]
    /// Blob key → top index key, for chunked blobs.
    var directory: [Bytes32: Bytes32]

    /// Parses a request; only whole-graph requests (mode 0) are tasks.
    init(_ bytes: [UInt8]) throws(TaskDataError) {
        var reader = ByteReader(bytes)
        func fail(_ reason: String) -> TaskDataError { .malformed(what: "request", reason: reason) }
        do {
            guard try reader.u32() == 0x494D_4C43 else { throw fail("magic is not CLMI") }
            guard try reader.u32() == 0 else { throw fail("not a whole-graph request (mode 0)") }
            _ = try reader.u32()
            modelHash = try reader.bytes32()
            let count = Int(try reader.u32())
            guard count <= 1024 else { throw fail("\(count) tensors, over 1024") }
            tensorHashes = []
            for _ in 0..<count { tensorHashes.append(try reader.bytes32()) }
            let entries = Int(try reader.u32())
            guard entries <= 4096 else { throw fail("\(entries) directory entries, over 4096") }
            directory = [:]
            for _ in 0..<entries {
                let blob = try reader.bytes32()
                directory[blob] = try reader.bytes32()
            }
            guard reader.remaining == 0 else { throw fail("\(reader.remaining) trailing bytes") }
        } catch let error as TaskDataError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }
}
