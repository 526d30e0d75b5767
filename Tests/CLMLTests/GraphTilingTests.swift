import CLML
import Testing
import TestSupport

/// Graph tiling (docs/PROTOCOL.md, "Graph tiling"): a tiled model computes the original's outputs bit for bit,
/// through conv tiles that take the direct (unfold-free) kernel path, and the committed tiled CNN is current.
@Suite struct GraphTilingTests {
    static func model(_ name: String) throws -> Model { try ModelFormat.decode(Array(try Fixtures.data(name))) }

    @Test func theCommittedTiledCNNIsTheRuleAppliedToTheCNN() throws {
        let tiled = try GraphTiling.tile(try Self.model("ml/fashion-cnn.clml"), rule: .init(rowsPerTile: 1, minimumMACs: 20_000))
        #expect(ModelFormat.encode(tiled) == Array(try Fixtures.data("ml/fashion-cnn-tiled.clml")),
                "regenerate with: chainlearn ml tile Fixtures/ml/fashion-cnn.clml -o Fixtures/ml/fashion-cnn-tiled.clml")
        // reshape, 8 conv tiles, 8 pool tiles, concat, 16 conv tiles, 16 pool tiles, concat, flatten, linear.
        #expect(tiled.nodes.count == 53)
        #expect(tiled.nodes.filter { $0.op == .concat }.count == 2)
        for index in 0..<tiled.nodes.count where tiled.nodes[index].op == .conv2d {
            #expect(tiled.nodeShapes[index][0] == 1, "node \(index) is a one-channel tile")
        }
    }

    @Test func theTiledCNNGivesTheCNNsOutputsOnTheTestSet() throws {
        let original = try Self.model("ml/fashion-cnn.clml")
        let tiled = try Self.model("ml/fashion-cnn-tiled.clml")
        let data = try Dataset(decoding: Array(try Fixtures.data("ml/fashion-test.cld")))
        var whole = Session(model: original), split = Session(model: tiled)
        for index in 0..<300 {
            let sample = data.sample(index)
            #expect(try split.run([sample]).last == whole.run([sample]).last, "sample \(index)")
        }
    }

    @Test(arguments: [("ml/fashion-mlp.clml", "ml/fashion-sample.clt", 7), ("ml/attention-block.clml", "ml/attention-input.clt", 5)])
    func linearTilesJoinAlongTheLastAxis(model name: String, input: String, rows: Int) throws {
        let original = try Self.model(name)
        let tiled = try GraphTiling.tile(original, rule: .init(rowsPerTile: rows, minimumMACs: 0))
        #expect(tiled.nodes.count > original.nodes.count)
        let inputs = try GraphStateTests.inputs(input)
        var whole = Session(model: original), split = Session(model: tiled)
        #expect(try split.run(inputs).last == whole.run(inputs).last)
    }

    /// A conv with stride 2, padding 2 and 5 output channels, on int8 (16-bit products) and on int16 inputs
    /// (32-bit products), whole (unfolded rows) against one- and two-channel tiles (the direct kernel).
    @Test(arguments: [DType.int8, DType.int16])
    func directConvolutionTilesMatchTheUnfoldedKernel(inputType: DType) throws {
        var generator = SplitMix(seed: 7)
        let (channels, height, width, outChannels) = (3, 9, 11, 5)
        let range = inputType == .int8 ? Int32(-128)...Int32(127) : Int32(-2000)...Int32(2000)
        let weights = Tensor(dtype: .int8, shape: [outChannels, channels, 3, 3],
                             values: (0..<(outChannels * channels * 9)).map { _ in generator.next(in: -128...127) })
        let bias = Tensor(dtype: .int32, shape: [outChannels], values: (0..<outChannels).map { _ in generator.next(in: -5000...5000) })
        let conv = Node(op: .conv2d, dtype: .int16, inputs: [.input(0), .constant(0), .constant(1)],
                        attributes: [2, 2, 2, 2, 3, -4, 1_518_500_250, 38, 1], quantization: .identity)
        let original = try Model(inputs: [ValueInfo(dtype: inputType, shape: [channels, height, width], quantization: .identity)],
                                 constants: [weights, bias], constantQuantization: [.identity, .identity], nodes: [conv])
        let input = Tensor(dtype: inputType, shape: [channels, height, width],
                           values: (0..<(channels * height * width)).map { _ in generator.next(in: range) })
        var whole = Session(model: original)
        let expected = try whole.run([input]).last
        for rows in [1, 2] {
            let tiled = try GraphTiling.tile(original, rule: .init(rowsPerTile: rows, minimumMACs: 0))
            var split = Session(model: tiled)
            #expect(try split.run([input]).last == expected, "\(rows) channels per tile")
        }
    }

    @Test func concatRejectsMismatchedOperands() throws {
        let input = ValueInfo(dtype: .int8, shape: [2, 3], quantization: .identity)
        let other = ValueInfo(dtype: .int8, shape: [2, 4], quantization: .identity)
        func build(_ inputs: [ValueInfo], _ references: [ValueReference], axis: Int32) throws -> Model {
            try Model(inputs: inputs, constants: [], constantQuantization: [],
                      nodes: [Node(op: .concat, dtype: .int8, inputs: references, attributes: [axis], quantization: .identity)])
        }
        #expect(try build([input, other], [.input(0), .input(1)], axis: 1).nodeShapes[0] == [2, 7])
        #expect(throws: MLError.shapeMismatch(node: 0)) { try build([input, other], [.input(0), .input(1)], axis: 0) }
        #expect(throws: MLError.badAttribute(node: 0, index: 0)) { try build([input], [.input(0)], axis: 2) }
        #expect(throws: MLError.wrongInputCount(node: 0, expected: 1, actual: 0)) { try build([input], [], axis: 0) }
    }
}

/// A small deterministic generator for test data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(in range: ClosedRange<Int32>) -> Int32 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let width = UInt64(Int64(range.upperBound) - Int64(range.lowerBound) + 1)
        return Int32(Int64(range.lowerBound) + Int64(z % width))
    }
}
