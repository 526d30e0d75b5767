import CLML
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// The same kernel sources compiled for the FPVM guest give bit-identical results to the native build:
/// every operator on seeded random inputs, and every node of the shipped models.
@Suite struct GuestTests {
    static func elf() throws -> [UInt8] { Array(try Fixtures.data("ml/ml-guest.elf")) }

    @Test func committedGuestIsUpToDate() throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("ml-guest-\(getpid()).elf")
        defer { try? FileManager.default.removeItem(at: temp) }
        let process = Process()
        process.executableURL = Fixtures.repositoryRoot.appendingPathComponent("Scripts/ml/build-ml-guest")
        process.arguments = [temp.path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try Data(contentsOf: temp) == (try Fixtures.data("ml/ml-guest.elf")),
                "Fixtures/ml/ml-guest.elf is stale: run Scripts/ml/build-ml-guest")
    }

    @Test(arguments: OperatorTests.cases)
    func operatorIsBitIdenticalInTheGuest(_ operatorCase: OperatorCase) throws {
        let elf = try Self.elf()
        var native = Session(model: operatorCase.model)
        let expected = try native.run(operatorCase.inputs).last!
        let whole = try GuestRunner.run(elf: elf, model: operatorCase.model, inputs: operatorCase.inputs)
        #expect(whole.output == expected)
        #expect(whole.commitment == ModelFormat.commitment(expected))
        let single = try GuestRunner.run(elf: elf, model: operatorCase.model, inputs: operatorCase.inputs, node: 0)
        #expect(single.output == expected)
    }

    @Test(arguments: [("ml/digits-mlp", "ml/digits-sample.clt"), ("ml/fashion-cnn", "ml/fashion-sample.clt"),
                      ("ml/fashion-mlp", "ml/fashion-sample.clt")])
    func everyNodeIsBitIdenticalInTheGuest(model name: String, input: String) throws {
        let elf = try Self.elf()
        let model = try ModelFormat.decode(Array(try Fixtures.data(name + ".clml")))
        let sample = try TensorCoding.decode(Array(try Fixtures.data(input)))
        var native = Session(model: model)
        let outputs = try native.run([sample])
        let whole = try GuestRunner.run(elf: elf, model: model, inputs: [sample])
        #expect(whole.output == outputs.last!)
        for index in 0..<model.nodes.count {
            var operands: [Tensor] = []
            for reference in native.computedOperands(of: index) {
                switch reference {
                case .input(let k): operands.append([sample][k])
                case .node(let k): operands.append(outputs[k])
                case .constant: break
                }
            }
            let run = try GuestRunner.run(elf: elf, model: model, inputs: operands, node: index)
            #expect(run.output == outputs[index], "node \(index) (\(model.nodes[index].op))")
            #expect(run.commitment == ModelFormat.commitment(outputs[index]))
        }
    }

    @Test func attentionBlockIsBitIdenticalInTheGuest() throws {
        let model = try ModelFormat.decode(Array(try Fixtures.data("ml/attention-block.clml")))
        let input = try TensorCoding.decode(Array(try Fixtures.data("ml/attention-input.clt")))
        var native = Session(model: model)
        let expected = try native.run([input]).last!
        #expect(try GuestRunner.run(elf: try Self.elf(), model: model, inputs: [input]).output == expected)
    }

    /// An input tensor larger than one index covers (127 chunks) is served through a depth-1 index; the
    /// guest assembles it and computes the same relu as the independent reference.
    @Test func guestReadsATensorThroughANestedIndex() throws {
        let count = GuestChunking.maxKeysPerIndex * GuestChunking.maxPreimageSize + 10_000
        var state: UInt64 = 99
        let values = (0..<count).map { _ -> Int32 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int32(Int8(truncatingIfNeeded: state >> 40))
        }
        let input = Tensor(dtype: .int8, shape: [count], values: values)
        let model = try Model(
            inputs: [ValueInfo(dtype: .int8, shape: [count], quantization: Quantization.identity)], constants: [],
            constantQuantization: [],
            nodes: [Node(op: .relu, dtype: .int8, inputs: [.input(0)], attributes: [-20], quantization: Quantization.identity)])
        let setup = GuestRunner.setup(model: model, inputs: [input])
        #expect(setup.preimages.allSatisfy { $0.count <= GuestChunking.maxPreimageSize })
        let split = GuestChunking.split(TensorCoding.encode(input))
        #expect(split.preimages.last.map { Keccak256.hash($0) } == split.indexKey)
        #expect(split.preimages.last?.first == 1, "the top index has depth 1")
        let run = try GuestRunner.run(elf: try Self.elf(), model: model, inputs: [input])
        #expect(run.output.values == values.map { max($0, -20) })
        #expect(run.output.shape == [count])
    }

    @Test func guestRejectsATamperedRequest() throws {
        let model = try ModelFormat.decode(Array(try Fixtures.data("ml/digits-mlp.clml")))
        let sample = try TensorCoding.decode(Array(try Fixtures.data("ml/digits-sample.clt")))
        // A node index past the end: the guest exits with status 2 (bad request), no crash.
        #expect(throws: GuestRunError.guestStatus(2)) {
            _ = try GuestRunner.run(elf: try Self.elf(), model: model, inputs: [sample], node: 7)
        }
        // Operands that do not fit the node: status 5 (evaluation failed).
        let wrong = Tensor(dtype: .int8, shape: [3], values: [1, 2, 3])
        #expect(throws: GuestRunError.guestStatus(5)) {
            _ = try GuestRunner.run(elf: try Self.elf(), model: model, inputs: [wrong], node: 0)
        }
    }
}
