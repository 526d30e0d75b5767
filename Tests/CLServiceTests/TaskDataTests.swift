import CLDispute
import CLML
import CLPrimitives
import CLService
import CLStore
import Foundation
import Testing
import TestSupport

/// A fresh store directory.
func freshStore(_ name: String) throws -> ContentStore {
    try ContentStore(path: NSTemporaryDirectory() + "clservice-\(name)-\(UUID().uuidString)")
}

/// A task view with the commitments of a published one-phase task (the fields the fetcher reads).
func taskView(programHash: Bytes32, modelHash: Bytes32, inputHash: Bytes32) -> TaskView {
    TaskView(requester: Address(truncating: Keccak256.hash([7])), modelHash: modelHash, inputHash: inputHash, programHash: programHash,
             initialStateHash: .zero, fee: .one, commitDeadline: .zero, revealDeadline: .zero, challengeDeadline: .zero,
             finalized: false, acceptedSubmission: .zero, output: .zero, maxSteps: UInt256(1 << 32 as UInt64),
             challengePeriod: .zero, submissionCount: .zero, settledCount: .zero)
}

@Suite("Task data from the stores")
struct TaskDataTests {
    static func spec() throws -> TaskSpec {
        let model = try ModelFormat.decode([UInt8](try Fixtures.data("ml/digits-mlp.clml")))
        let input = try TensorCoding.decode([UInt8](try Fixtures.data("ml/digits-sample.clt")))
        return TaskSpec.mlInference(name: "digits", guest: [UInt8](try Fixtures.data("ml/ml-guest.elf")), model: model, inputs: [input])
    }

    @Test("a published one-phase task is rebuilt from its three hashes alone, identical to the requester's")
    func roundTrip() async throws {
        let spec = try Self.spec()
        let store = try freshStore("roundtrip")
        let published = try TaskPublisher.publish(spec, into: store)
        #expect(published.programHash == (try spec.programHash()))
        #expect(published.inputHash == spec.inputHash && published.modelHash == spec.modelHash)
        let fetcher = TaskDataFetcher(stores: StoreClient(sources: [.directory(store)]))
        let rebuilt = try await fetcher.onePhaseSpec(taskId: 1, task: taskView(programHash: published.programHash, modelHash: published.modelHash,
                                                                               inputHash: published.inputHash))
        #expect(rebuilt.program == spec.program)
        #expect(rebuilt.inputHash == spec.inputHash)
        #expect(rebuilt.modelHash == spec.modelHash)
        #expect(Set(rebuilt.preimages.map { Keccak256.hash($0) }) == Set(spec.preimages.map { Keccak256.hash($0) }))
    }

    @Test("a missing preimage is TaskDataError.missing naming the piece")
    func missingPiece() async throws {
        let spec = try Self.spec()
        let store = try freshStore("missing")
        let published = try TaskPublisher.publish(spec, into: store)
        let task = taskView(programHash: published.programHash, modelHash: published.modelHash, inputHash: Keccak256.hash([0xEE]))
        let fetcher = TaskDataFetcher(stores: StoreClient(sources: [.directory(store)]))
        do {
            _ = try await fetcher.onePhaseSpec(taskId: 2, task: task)
            Issue.record("expected missing data")
        } catch {
            guard case .missing(let what, let cause) = error else { Issue.record("expected .missing, got \(error)"); return }
            #expect(what == "request index")
            #expect(cause.isMissing)
        }
    }

    @Test("a program stored under another program's hash is refused; the wrong bytes never reach the trace")
    func wrongProgram() async throws {
        let store = try freshStore("program")
        let key = Keccak256.hash([1, 2, 3])
        try store.put([UInt8](try Fixtures.data("ml/ml-guest.elf")), as: key)
        let fetcher = TaskDataFetcher(stores: StoreClient(sources: [.directory(store)]))
        await #expect(throws: TaskDataError.self) { try await fetcher.program(key) }
    }

    @Test("a request that is not one is malformed, not a crash", arguments: [[UInt8](repeating: 0, count: 40), Array("CLMI".utf8)])
    func malformedRequest(bytes: [UInt8]) async throws {
        let spec = try Self.spec()
        let store = try freshStore("malformed")
        let published = try TaskPublisher.publish(spec, into: store)
        let served = GuestChunking.indexed(bytes)
        for preimage in served.preimages { try store.add(preimage) }
        let fetcher = TaskDataFetcher(stores: StoreClient(sources: [.directory(store)]))
        do {
            _ = try await fetcher.onePhaseSpec(taskId: 3, task: taskView(programHash: published.programHash, modelHash: published.modelHash,
                                                                         inputHash: served.indexKey))
            Issue.record("expected a malformed request")
        } catch {
            guard case .malformed(let what, _) = error else { Issue.record("expected .malformed, got \(error)"); return }
            #expect(what == "request")
        }
    }

    @Test("an index whose chunks do not add up to its covered length is malformed")
    func badIndex() async throws {
        let spec = try Self.spec()
        let store = try freshStore("index")
        let published = try TaskPublisher.publish(spec, into: store)
        let chunk = try store.add([1, 2, 3])
        let key = try store.add([0, 0, 0, 0, 9, 0, 0, 0] + chunk.bytes)
        let fetcher = TaskDataFetcher(stores: StoreClient(sources: [.directory(store)]))
        do {
            _ = try await fetcher.onePhaseSpec(taskId: 4, task: taskView(programHash: published.programHash, modelHash: published.modelHash,
                                                                         inputHash: key))
            Issue.record("expected a malformed index")
        } catch {
            guard case .malformed(let what, let reason) = error else { Issue.record("expected .malformed, got \(error)"); return }
            #expect(what == "request")
            #expect(reason.contains("covers 9 bytes"))
        }
    }
}

@Suite("Two-phase task data from the stores")
struct TwoPhaseTaskDataTests {
    @Test("a published graph task is rebuilt from M, T_0 and its input keys: the same model commitment, inputs and S_0")
    func roundTrip() async throws {
        let model = try ModelFormat.decode([UInt8](try Fixtures.data("ml/graph-state-model.clml")))
        var reader = ByteReader([UInt8](try Fixtures.data("ml/graph-state-input.clt")))
        var inputs: [Tensor] = []
        while reader.remaining > 0 { inputs.append(try TensorCoding.decode(&reader)) }
        let graph = try GraphTrace(model: model, inputs: inputs)
        let elf = [UInt8](try Fixtures.data("ml/ml-guest.elf"))
        let original = try GraphDispute(name: "graph", graph: graph, nodeProgram: elf, verifier: .zero)
        let store = try freshStore("graph")
        let published = try TaskPublisher.publish(original, into: store)
        #expect(published.modelHash == graph.modelCommitment.commitment)
        #expect(published.inputHash == original.initialValues)

        let fetcher = TaskDataFetcher(stores: StoreClient(sources: [.directory(store)]))
        let task = taskView(programHash: published.programHash, modelHash: published.modelHash, inputHash: published.inputHash)
        let verifier = Address(truncating: Keccak256.hash([5]))
        let rebuilt = try await fetcher.twoPhaseDispute(taskId: 9, task: task, inputKeys: graph.inputKeys, verifier: verifier)
        #expect(rebuilt.graph.modelCommitment.commitment == graph.modelCommitment.commitment)
        #expect(rebuilt.graph.initialRoot == graph.initialRoot)
        #expect(rebuilt.graph.root(after: graph.steps.count) == graph.root(after: graph.steps.count))
        #expect(rebuilt.nodeProgramHash == original.nodeProgramHash)
        #expect(rebuilt.trustedVerifier == verifier)

        // A wrong input key: the data is not there.
        await #expect(throws: TaskDataError.self) {
            try await fetcher.twoPhaseDispute(taskId: 9, task: task, inputKeys: [Keccak256.hash([1])], verifier: verifier)
        }
    }
}
