import CLABI
import CLDispute
import CLFPVM
import CLML
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// The phase-transition check (issue 12, deliverable 5): the ZK-stub verifier contract against its Swift
/// mirror and against the FPVM's real phase-2 start states of the Fashion CNN's node mode.
@Suite("Phase-transition verifier (ZK stub)", .serialized)
struct PhaseTransitionTests {
    @Test func theStubAcceptsExactlyTheNodeModeStartStateAndSaysItIsAStub() async throws {
        let bed = try await Testbed()
        let client = bed.client(1)
        let elf = Array(try Fixtures.data("ml/ml-guest.elf"))
        let program = TaskSpec(name: "ml guest, node mode", program: elf, input: [UInt8](repeating: 0, count: 32))
        let programHash = try await client.registerProgram(program)
        let base = try ProgramBase(program)
        #expect(base.programHash == programHash)
        let stub = ZKStubPhaseTransitionChecker(program: base)
        #expect(stub.isStub)

        let artifact = try ContractArtifact(
            text: String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Contracts/artifacts/ZKStubPhaseTransitionVerifier.json"),
                         encoding: .utf8),
            contractName: "ZKStubPhaseTransitionVerifier")
        let code = artifact.creationBytecode + (try artifact.abi.encodeConstructorArguments([.address(bed.deployment.market)]))
        let verifier = try #require(try await client.connection.send(nil, nil, [], rawData: code).contractAddress)
        let isStub = try await client.connection.call(verifier, artifact.function("isStub"), [])
        #expect(isStub.first == .bool(true))

        func onChain(_ root: Bytes32, _ k: UInt64, _ start: Bytes32, _ proof: [UInt8]) async throws -> Bool {
            let out = try await client.connection.call(verifier, artifact.function("verify"), [
                .fixedBytes(root.bytes), .uint(UInt256(k)), .fixedBytes(start.bytes), .bytes(proof)])
            return out.first == .bool(true)
        }

        let model = try ModelFormat.decode(Array(try Fixtures.data("ml/fashion-cnn.clml")))
        let sample = try TensorCoding.decode(Array(try Fixtures.data("ml/fashion-sample.clt")))
        let trace = try GraphTrace(model: model, inputs: [sample])
        let n = model.nodes.count
        for k in [1, n / 2, n] {
            // The start state the FPVM really begins phase 2 from: the ML guest with the node task's key as input.
            let input = NodeModeRunner.inputKey(trace: trace, position: k)
            let start = try GuestProgram(elf: elf).makeVM(input: input.bytes).stateHash
            let root = trace.root(after: k - 1)
            #expect(stub.expectedStartState(phase1Root: root, nodeIndex: UInt32(k)) == start)
            #expect(stub.verify(phase1Root: root, nodeIndex: UInt64(k), phase2StartStateHash: start, proof: programHash.bytes))
            #expect(try await onChain(root, UInt64(k), start, programHash.bytes))
            // Wrong start state, wrong position, wrong phase-1 root, malformed proof: both refuse.
            var wrong = start
            wrong[31] ^= 1
            let cases: [(Bytes32, UInt64, Bytes32, [UInt8])] = [
                (root, UInt64(k), wrong, programHash.bytes),
                (root, UInt64(k % n + 1), start, programHash.bytes),
                (trace.root(after: k), UInt64(k), start, programHash.bytes),
                (root, 0, start, programHash.bytes),
                (root, 1 << 32, start, programHash.bytes),
                (root, UInt64(k), start, Array(programHash.bytes.prefix(31))),
            ]
            for (badRoot, badK, badStart, badProof) in cases {
                #expect(!stub.verify(phase1Root: badRoot, nodeIndex: badK, phase2StartStateHash: badStart, proof: badProof))
                #expect(try await !onChain(badRoot, badK, badStart, badProof))
            }
        }
        // Each check is logged as the stub's, with its notice.
        let receipt = try await client.connection.send(verifier, artifact.function("verify"), [
            .fixedBytes(trace.root(after: 0).bytes), .uint(UInt256(1)),
            .fixedBytes(stub.expectedStartState(phase1Root: trace.root(after: 0), nodeIndex: 1).bytes), .bytes(programHash.bytes)])
        let logs = receipt.json["logs"]?.arrayValue ?? []
        #expect(logs.count == 1)
        #expect(logs.first?["data"]?.stringValue?.contains(Hex.encode(Array("ZK stub".utf8), prefix: false)) == true)
    }
}
