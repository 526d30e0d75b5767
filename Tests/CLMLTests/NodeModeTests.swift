import CLFPVM
import CLML
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// The ML guest's node mode, the phase-2 program (docs/PROTOCOL.md, "Node mode"): from `(S_{k−1}, k)` alone
/// it reproduces the native trace's `S_k`, reading exactly node k's slots, paths and blobs.
@Suite struct NodeModeTests {
    static func elf() throws -> [UInt8] { Array(try Fixtures.data("ml/ml-guest.elf")) }

    static func trace(_ model: String, _ input: String) throws -> GraphTrace {
        let graph = try ModelFormat.decode(Array(try Fixtures.data(model)))
        return try GraphTrace(model: graph, inputs: try GraphStateTests.inputs(input))
    }

    static let models = [("ml/fashion-cnn.clml", "ml/fashion-sample.clt"), ("ml/fashion-cnn-tiled.clml", "ml/fashion-sample.clt"), ("ml/fashion-mlp.clml", "ml/fashion-sample.clt"),
                         ("ml/attention-block.clml", "ml/attention-input.clt"),
                         ("ml/graph-state-model.clml", "ml/graph-state-input.clt")]

    /// The keys an honest guest must read for position `k`: the task, the record, the model pair, the
    /// descriptor's chunks, the path of each operand slot and of the output slot, the path of each constant,
    /// and the chunks of those operands and constants; nothing else.
    static func expectedKeys(_ trace: GraphTrace, position: Int) -> Set<Bytes32> {
        let index = position - 1
        let model = trace.model, commitment = trace.modelCommitment
        func chunks(_ blob: [UInt8]) -> [Bytes32] { GuestChunking.indexed(blob).preimages.map { Keccak256.hash($0) } }
        func path(_ tree: GraphTree, _ slot: Int) -> [Bytes32] {
            tree.depth == 0 ? [] : (1...tree.depth).map { tree.levels[$0][slot >> $0] }
        }
        let values = GraphTree(leaves: trace.valueLeaves(after: index))
        var keys: Set<Bytes32> = [NodeModeRunner.inputKey(trace: trace, position: position), trace.root(after: index),
                                  commitment.commitment]
        keys.formUnion(chunks(commitment.descriptor))
        keys.formUnion(path(values, model.inputs.count + index))
        for reference in model.nodes[index].inputs {
            switch reference {
            case .input(let k):
                keys.formUnion(path(values, k))
                keys.formUnion(chunks(TensorCoding.encode(trace.inputs[k])))
            case .node(let k):
                keys.formUnion(path(values, model.inputs.count + k))
                keys.formUnion(chunks(TensorCoding.encode(trace.outputs[k])))
            case .constant(let k):
                keys.formUnion(path(commitment.constants, k))
                keys.formUnion(chunks(commitment.constantBlobs[k]))
            }
        }
        return keys
    }

    @Test(arguments: models)
    func everyNodeGivesTheNativeRoot(model: String, input: String) throws {
        let elf = try Self.elf()
        let trace = try Self.trace(model, input)
        for position in 1...trace.model.nodes.count {
            let run = try NodeModeRunner.run(elf: elf, trace: trace, position: position)
            #expect(run.root == trace.root(after: position), "\(model) node \(position - 1) (\(trace.model.nodes[position - 1].op))")
            #expect(run.output == trace.outputs[position - 1])
            #expect(Set(run.requestedKeys) == Self.expectedKeys(trace, position: position), "\(model) node \(position - 1)")
            #expect(Set(run.requestedKeys).count == run.requestedKeys.count)
        }
    }

    /// A chunk of an operand altered by the host cannot be served under its key: the oracle (a keccak256
    /// store, on-chain as off-chain) holds it under another key, and the run stops at the read.
    @Test func aTamperedOperandChunkIsRefusedByTheOracle() throws {
        let trace = try Self.trace("ml/graph-state-model.clml", "ml/graph-state-input.clt")
        let position = 2  // add(relu(x), y): operand x's output has two chunks
        let operand = GuestChunking.indexed(TensorCoding.encode(trace.outputs[0])).preimages
        let original = operand[1]
        var tampered = original
        tampered[10] ^= 0x40
        let available = NodeModeRunner.preimages(trace: trace, position: position).map { $0 == original ? tampered : $0 }
        #expect(throws: GuestRunError.host(.missingPreimage(key: Keccak256.hash(original)))) {
            _ = try NodeModeRunner.run(elf: try Self.elf(), input: NodeModeRunner.inputKey(trace: trace, position: position),
                                       available: available)
        }
    }

    /// A state whose operand slot names a blob that is not a tensor: status 4. A task whose position does not
    /// follow the record's index: status 6. A position past the graph: status 2.
    @Test func malformedStatesAndTasksExitWithTheirStatus() throws {
        let elf = try Self.elf()
        let trace = try Self.trace("ml/graph-state-model.clml", "ml/graph-state-input.clt")
        let model = trace.model
        // Node 1 reads node 0's slot; put a garbage blob there.
        let garbage: [UInt8] = [9, 9, 9, 9, 9]
        var leaves = trace.valueLeaves(after: 1)
        leaves[model.inputs.count] = GraphState.blobKey(garbage)
        let tree = GraphTree(leaves: leaves)
        let record = GraphState.record(index: 1, model: trace.modelCommitment.commitment, values: tree.root)
        let task = GraphState.task(previous: Keccak256.hash(record), position: 2)
        let available = NodeModeRunner.preimages(trace: trace, position: 2) + [task, record] + tree.innerPreimages()
            + GuestChunking.indexed(garbage).preimages
        #expect(throws: GuestRunError.guestStatus(4)) {
            _ = try NodeModeRunner.run(elf: elf, input: Keccak256.hash(task), available: available)
        }
        // S_1 with position 3: the record says one node ran, the task says two.
        let skipping = GraphState.task(previous: trace.root(after: 1), position: 3)
        #expect(throws: GuestRunError.guestStatus(6)) {
            _ = try NodeModeRunner.run(elf: elf, input: Keccak256.hash(skipping),
                                       available: NodeModeRunner.preimages(trace: trace, position: 2) + [skipping])
        }
        // A "root" whose preimage is not a state record (the model commitment's pair): status 6.
        let notARecord = GraphState.task(previous: trace.modelCommitment.commitment, position: 1)
        #expect(throws: GuestRunError.guestStatus(6)) {
            _ = try NodeModeRunner.run(elf: elf, input: Keccak256.hash(notARecord),
                                       available: NodeModeRunner.preimages(trace: trace, position: 1) + [notARecord])
        }
        // A record whose value root's preimage is not a pair of children: status 6.
        let initialRecord = GraphState.record(
            index: 0, model: trace.modelCommitment.commitment, values: GraphState.treeRoot(trace.valueLeaves(after: 0)))
        let badTree = GraphState.record(index: 0, model: trace.modelCommitment.commitment, values: Keccak256.hash(initialRecord))
        let badTreeTask = GraphState.task(previous: Keccak256.hash(badTree), position: 1)
        #expect(throws: GuestRunError.guestStatus(6)) {
            _ = try NodeModeRunner.run(elf: elf, input: Keccak256.hash(badTreeTask),
                                       available: NodeModeRunner.preimages(trace: trace, position: 1) + [badTree, badTreeTask])
        }
        // S_N with position N + 1: no such node.
        let count = model.nodes.count
        let past = GraphState.task(previous: trace.root(after: count), position: count + 1)
        let last = NodeModeRunner.preimages(trace: trace, position: count)
            + [past, GraphState.record(index: count, model: trace.modelCommitment.commitment,
                                       values: GraphState.treeRoot(trace.valueLeaves(after: count)))]
        #expect(throws: GuestRunError.guestStatus(2)) {
            _ = try NodeModeRunner.run(elf: elf, input: Keccak256.hash(past), available: last)
        }
    }

    /// Phase 2's S0 is the program's base state (input region zero, `a1 = 32`) with one leaf changed: the
    /// input leaf at `0x7100_0000` set to `keccak256(task)`, a Merkle update an on-chain check can redo.
    @Test func phase2StartStateIsTheBaseStateWithTheInputLeafSet() throws {
        let trace = try Self.trace("ml/fashion-cnn.clml", "ml/fashion-sample.clt")
        let program = try GuestProgram(elf: try Self.elf())
        let base = try program.makeVM(input: [UInt8](repeating: 0, count: 32)).state
        let key = NodeModeRunner.inputKey(trace: trace, position: 3)
        let start = try program.makeVM(input: key.bytes).state
        var proof = try program.makeVM(input: [UInt8](repeating: 0, count: 32)).memory.proof(MemoryMap.inputBase)
        #expect(proof.leaf == .zero)
        #expect(proof.root(leafIndex: MemoryMap.inputBase >> 5) == base.memRoot)
        proof.leaf = key
        #expect(proof.root(leafIndex: MemoryMap.inputBase >> 5) == start.memRoot)
        var expected = base
        expected.memRoot = start.memRoot
        #expect(start == expected)
    }

    /// Whole-graph requests still run as before next to node tasks.
    @Test func wholeGraphModeIsUnchanged() throws {
        let model = try ModelFormat.decode(Array(try Fixtures.data("ml/graph-state-model.clml")))
        let inputs = try GraphStateTests.inputs("ml/graph-state-input.clt")
        var session = Session(model: model)
        let expected = try session.run(inputs).last!
        #expect(try GuestRunner.run(elf: try Self.elf(), model: model, inputs: inputs).output == expected)
    }
}
