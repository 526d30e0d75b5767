import CLML
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// The phase-1 graph state (docs/PROTOCOL.md, "Graph state") against the known answers of the independent
/// Python implementation (Scripts/ml/graph_state.py → Fixtures/ml/graph-state-vectors.json), and the
/// native trace's own invariants.
@Suite struct GraphStateTests {
    static func vectors() throws -> [String: Any] {
        try #require(try Fixtures.json("ml/graph-state-vectors.json") as? [String: Any])
    }

    static func inputs(_ path: String) throws -> [Tensor] {
        var reader = ByteReader(Array(try Fixtures.data(path)))
        var out: [Tensor] = []
        while reader.remaining > 0 { out.append(try TensorCoding.decode(&reader)) }
        return out
    }

    static func hexes(_ entry: [String: Any], _ key: String) throws -> [String] {
        try #require(entry[key] as? [String], "missing \(key)")
    }

    @Test func blobKeysMatchThePythonVectors() throws {
        let blobs = try #require(try Self.vectors()["blobs"] as? [[String: Any]])
        #expect(blobs.count >= 7)
        for vector in blobs {
            let length = try #require(vector["length"] as? Int)
            let expected = try #require(vector["key"] as? String)
            let blob = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            #expect(GraphState.blobKey(blob).hex == expected, "length \(length)")
            #expect(GraphHashing.blobKey(blob).hex == expected, "parallel, length \(length)")
            #expect(GuestChunking.indexed(blob).indexKey.hex == expected, "the guest's chunking, length \(length)")
        }
    }

    @Test func modelCommitmentsAndInitialStatesMatchThePythonVectors() throws {
        let models = try #require(try Self.vectors()["models"] as? [[String: Any]])
        #expect(models.count == 5)
        for entry in models {
            let name = try #require(entry["name"] as? String)
            let model = try ModelFormat.decode(Array(try Fixtures.data(try #require(entry["model"] as? String))))
            let inputs = try Self.inputs(try #require(entry["input"] as? String))
            let commitment = GraphModelCommitment(model: model)
            #expect(Keccak256.hash(commitment.descriptor).hex == entry["model_hash"] as? String, "\(name)")
            #expect(commitment.descriptorKey.hex == entry["descriptor_key"] as? String, "\(name)")
            #expect((0..<commitment.constants.count).map { commitment.constants.leaf($0).hex }
                    == (try Self.hexes(entry, "constant_keys")), "\(name)")
            #expect(commitment.constants.root.hex == entry["constants_root"] as? String, "\(name)")
            #expect(commitment.commitment.hex == entry["model_commitment"] as? String, "\(name)")
            #expect(inputs.map { GraphState.blobKey(TensorCoding.encode($0)).hex } == (try Self.hexes(entry, "input_keys")))
            let roots = try Self.hexes(entry, "roots")
            let leaves = inputs.map { GraphState.blobKey(TensorCoding.encode($0)) }
                + [Bytes32](repeating: .zero, count: model.nodes.count)
            let initial = GraphState.stateRoot(index: 0, model: commitment.commitment, values: GraphState.treeRoot(leaves))
            #expect(initial.hex == roots[0], "S_0 of \(name)")
        }
    }

    /// The synthetic model's whole trace: every output key, value root, state root and node task.
    @Test func nativeTraceMatchesThePythonTrace() throws {
        let models = try #require(try Self.vectors()["models"] as? [[String: Any]])
        let entry = try #require(models.first { $0["name"] as? String == "graph-state-model" })
        let model = try ModelFormat.decode(Array(try Fixtures.data("ml/graph-state-model.clml")))
        let trace = try GraphTrace(model: model, inputs: try Self.inputs("ml/graph-state-input.clt"))
        let roots = try Self.hexes(entry, "roots")
        #expect(roots.count == model.nodes.count + 1)
        #expect((0...model.nodes.count).map { trace.root(after: $0).hex } == roots)
        #expect(trace.steps.map { $0.outputKey.hex } == (try Self.hexes(entry, "output_keys")))
        let valueRoots = try Self.hexes(entry, "value_roots")
        for index in 0...model.nodes.count {
            #expect(GraphState.treeRoot(trace.valueLeaves(after: index)).hex == valueRoots[index], "T_\(index)")
        }
        let tasks = try Self.hexes(entry, "tasks")
        for position in 1...model.nodes.count {
            let task = GraphState.task(previous: trace.root(after: position - 1), position: position)
            #expect(Keccak256.hash(task).hex == tasks[position - 1], "task \(position)")
            #expect(GraphState.decodeTask(task)?.position == position)
        }
    }

    @Test func treePathsRecomputeTheRoot() throws {
        var state: UInt64 = 7
        for count in 1...11 {
            let leaves = (0..<count).map { _ -> Bytes32 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Keccak256.hash(Array(String(state).utf8))
            }
            var tree = GraphTree(leaves: leaves)
            #expect(tree.root == GraphState.treeRoot(leaves))
            #expect(tree.depth == GraphState.depth(leaves: count))
            for slot in 0..<count {
                #expect(GraphState.root(leaf: leaves[slot], slot: slot, siblings: tree.siblings(slot)) == tree.root)
            }
            var changed = leaves
            changed[count - 1] = .zero
            tree.update(count - 1, to: .zero)
            #expect(tree.root == GraphState.treeRoot(changed))
        }
        #expect(GraphState.treeRoot([]) == .zero)
        #expect(GraphTree(leaves: []).root == .zero)
    }

    @Test func recordsDecodeAndRejectMalformedBytes() throws {
        let model = Keccak256.hash([1]), values = Keccak256.hash([2])
        let record = GraphState.record(index: 9, model: model, values: values)
        #expect(record.count == GraphState.recordSize)
        #expect(GraphState.Record(record) == GraphState.Record(record))
        #expect(GraphState.Record(record)?.index == 9)
        #expect(GraphState.Record(record)?.model == model)
        #expect(GraphState.Record(Array(record.dropLast())) == nil)
        var wrongMagic = record
        wrongMagic[0] ^= 1
        #expect(GraphState.Record(wrongMagic) == nil)
        #expect(GraphState.decodeTask(Array(record.prefix(40))) == nil)
        var huge = GraphState.task(previous: model, position: 1)
        huge[36] = 0x80
        #expect(GraphState.decodeTask(huge) == nil, "positions of 2^31 or more do not decode (the guest's Int is 32-bit)")
        var hugeRecord = record
        hugeRecord[4] = 0xFF
        #expect(GraphState.Record(hugeRecord) == nil)
    }

    /// Each shipped model's trace ends with the model's output, one root per node, all distinct.
    @Test(arguments: [("ml/fashion-cnn.clml", "ml/fashion-sample.clt"), ("ml/fashion-mlp.clml", "ml/fashion-sample.clt"),
                      ("ml/attention-block.clml", "ml/attention-input.clt")])
    func shippedModelTracesEndAtTheModelOutput(model path: String, input: String) throws {
        let model = try ModelFormat.decode(Array(try Fixtures.data(path)))
        let inputs = try Self.inputs(input)
        let trace = try GraphTrace(model: model, inputs: inputs)
        var session = Session(model: model)
        let outputs = try session.run(inputs)
        #expect(trace.outputs == outputs)
        #expect(trace.steps.count == model.nodes.count)
        let roots = Set((0...model.nodes.count).map { trace.root(after: $0) })
        #expect(roots.count == model.nodes.count + 1)
        let last = trace.steps.last!
        #expect(last.outputKey == GraphState.blobKey(TensorCoding.encode(outputs.last!)))
        let tree = GraphTree(leaves: trace.valueLeaves(after: model.nodes.count))
        #expect(last.root == GraphState.stateRoot(index: model.nodes.count, model: trace.modelCommitment.commitment,
                                                  values: tree.root))
    }
}
