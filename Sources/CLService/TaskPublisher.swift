import CLDispute
import CLML
import CLPrimitives
import CLStore

/// What a requester publishes so that anyone can check its task (`chainlearn store publish-task`): every
/// piece the `TaskDataFetcher` reads, each under the key the chain names it by.
public enum TaskPublisher {
    /// The keys a published task is found by.
    public struct Published: Sendable, Equatable {
        /// The program hash (the key the program is stored under).
        public var programHash: Bytes32
        /// The task's model hash (one-phase: keccak256 of the descriptor; two-phase: `M`).
        public var modelHash: Bytes32
        /// The task's input commitment (one-phase: the request's top index key; two-phase: `T_0`).
        public var inputHash: Bytes32
        /// Entries written.
        public var entries: Int
    }

    /// Publishes a one-phase task: the program under its program hash and every preimage the guest reads
    /// (the request's chunks and index, the descriptor, constants and inputs, chunked where large), each under
    /// its keccak256.
    public static func publish(_ spec: TaskSpec, into store: ContentStore) throws(TaskPublishError) -> Published {
        let programHash: Bytes32
        do { programHash = try spec.programHash() } catch { throw .program("\(error)") }
        do {
            try store.put(spec.program, as: programHash)
            for preimage in spec.preimages { try store.add(preimage) }
        } catch {
            throw .store(error)
        }
        return Published(programHash: programHash, modelHash: spec.modelHash, inputHash: spec.inputHash, entries: spec.preimages.count + 1)
    }

    /// Publishes a two-phase task: the node program, `M`'s 64-byte preimage, the descriptor and the graph
    /// inputs as chunks under their blob keys, and the constants whole (by the descriptor's hashes) and
    /// chunked (by their blob keys, for the node runs' oracle).
    public static func publish(_ dispute: GraphDispute, into store: ContentStore) throws(TaskPublishError) -> Published {
        let model = dispute.graph.modelCommitment
        var entries = 0
        do {
            try store.put(dispute.nodeProgram, as: dispute.nodeProgramHash)
            let pair = model.descriptorKey.bytes + model.constants.root.bytes
            guard try store.add(pair) == model.commitment else { throw TaskPublishError.program("model commitment does not hash to M") }
            entries += 2
            var blobs = [model.descriptor]
            for constant in model.constantBlobs {
                try store.add(constant)
                entries += 1
                blobs.append(constant)
            }
            blobs += dispute.graph.inputs.map { TensorCoding.encode($0) }
            for blob in blobs {
                for preimage in GuestChunking.indexed(blob).preimages {
                    try store.add(preimage)
                    entries += 1
                }
            }
        } catch let error as TaskPublishError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .program("\(error)")
        }
        return Published(programHash: dispute.nodeProgramHash, modelHash: model.commitment, inputHash: dispute.initialValues,
                         entries: entries)
    }
}

/// Why a task could not be published.
public enum TaskPublishError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The program or model could not be prepared.
    case program(String)
    /// The store refused a write.
    case store(StoreError)

    /// A sentence naming the failure.
    public var description: String {
        switch self {
        case .program(let why): "cannot prepare the task: \(why)"
        case .store(let error): "\(error)"
        }
    }
}
