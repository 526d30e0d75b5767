import CLML
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// Integer training (docs/TRAINING.md): the backward kernels checked against the forward ones by their adjoint
/// identities (exact, with no scaling), the loss gradient against float arithmetic, the iteration graph learning,
/// and every node of one iteration of each model re-run in the FPVM guest's node mode with the native `S_k`.
@Suite struct TrainingTests {
    static func random(_ generator: inout SplitMix64, _ count: Int, _ bound: Int64) -> [Int32] {
        (0..<count).map { _ in Int32(Int64(generator.next() % UInt64(2 * bound + 1)) - bound) }
    }

    static func dot(_ a: [Int32], _ b: [Int32]) -> Int64 {
        var total: Int64 = 0
        for index in 0..<a.count { total += Int64(a[index]) * Int64(b[index]) }
        return total
    }

    /// `⟨dense(x, W), g⟩ = ⟨x, dense_input_gradient(g, W)⟩ = ⟨W, dense_weight_gradient(g, x)⟩` with no shifts.
    @Test func denseGradientsAreTheAdjointsOfTheForwardMap() {
        var generator = SplitMix64(seed: 5)
        let rows = 3, depth = 7, width = 5
        let x = Self.random(&generator, rows * depth, 1000), w = Self.random(&generator, width * depth, 1000)
        let g = Self.random(&generator, rows * width, 1000)
        let y = TrainingKernels.dense(x, weights: w, bias: [Int32](repeating: 0, count: width), rows: rows, depth: depth,
                                      width: width, biasShift: 0, outShift: 0)
        let dx = TrainingKernels.denseInputGradient(g, weights: w, rows: rows, depth: depth, width: width, shift: 0)
        let dw = TrainingKernels.denseWeightGradient(g, input: x, rows: rows, depth: depth, width: width, shift: 0)
        #expect(Self.dot(y, g) == Self.dot(x, dx))
        #expect(Self.dot(y, g) == Self.dot(w, dw))
        let db = TrainingKernels.sumToAxis(g, shape: [rows, width], axis: 1, leftShift: 0)
        #expect(db == (0..<width).map { n in Int32((0..<rows).reduce(0) { $0 + g[$1 * width + n] }) })
    }

    /// The same identities for the strided, padded convolution.
    @Test(arguments: [(1, 1), (2, 0), (1, 2)])
    func convolutionGradientsAreTheAdjointsOfTheForwardMap(stride: Int, padding: Int) {
        var generator = SplitMix64(seed: UInt64(7 + stride * 3 + padding))
        let geometry = ConvolutionGeometry(batch: 2, channels: 3, height: 7, width: 6, outChannels: 4, kernelHeight: 3,
                                           kernelWidth: 2, strideH: stride, strideW: stride, padH: padding, padW: padding)
        let x = Self.random(&generator, 2 * 3 * 7 * 6, 500), w = Self.random(&generator, 4 * 3 * 3 * 2, 500)
        let g = Self.random(&generator, 2 * 4 * geometry.outHeight * geometry.outWidth, 500)
        let y = TrainingKernels.convolution(x, weights: w, bias: [0, 0, 0, 0], geometry: geometry, biasShift: 0, outShift: 0)
        let dx = TrainingKernels.convolutionInputGradient(g, weights: w, geometry: geometry, shift: 0)
        let dw = TrainingKernels.convolutionWeightGradient(g, input: x, geometry: geometry, shift: 0)
        #expect(Self.dot(y, g) == Self.dot(x, dx))
        #expect(Self.dot(y, g) == Self.dot(w, dw))
    }

    /// Max pooling's gradient, element by element: raising one input by one changes `⟨pool(x), g⟩` by exactly
    /// that input's gradient (inputs distinct, so every window has one maximum).
    @Test func maxPoolGradientMatchesThePerturbedForward() {
        var generator = SplitMix64(seed: 11)
        var x = Array(0..<(2 * 6 * 6)).map { Int32($0 * 4) }
        for i in stride(from: x.count - 1, to: 0, by: -1) { x.swapAt(i, Int(generator.next() % UInt64(i + 1))) }
        let g = Self.random(&generator, 2 * 3 * 3, 100)
        func pooled(_ values: [Int32]) -> Int64 {
            Self.dot(ElementwiseKernels.pool(values, channels: 2, height: 6, width: 6, kernelHeight: 2, kernelWidth: 2,
                                             strideH: 2, strideW: 2, average: false), g)
        }
        let dx = TrainingKernels.maxPoolGradient(x, gradient: g, channels: 2, height: 6, width: 6, kernel: (2, 2), stride: (2, 2))
        for index in 0..<x.count {
            var raised = x
            raised[index] += 1
            #expect(pooled(raised) - pooled(x) == Int64(dx[index]), "input \(index)")
        }
    }

    /// The loss gradient is `(softmax − one-hot) / B` in Q20 to within two units of float arithmetic.
    @Test func softmaxCrossEntropyGradientMatchesFloat() {
        var generator = SplitMix64(seed: 3)
        let rows = 4, classes = 10
        let logits = Self.random(&generator, rows * classes, 3 << 12)
        let labels: [Int32] = [0, 9, 4, 4]
        let result = TrainingKernels.softmaxCrossEntropyGradient(
            logits, labels: labels, rows: rows, classes: classes, toQ16: Requantizer(multiplier: 16, shift: 0), gradientShift: 5)
        #expect(result.badRow == nil)
        for r in 0..<rows {
            let z = (0..<classes).map { Double(logits[r * classes + $0]) / 4096 }
            let top = z.max()!
            let e = z.map { Foundation.exp($0 - top) }
            let total = e.reduce(0, +)
            for c in 0..<classes {
                let expected = (e[c] / total - (c == Int(labels[r]) ? 1 : 0)) / Double(rows) * Double(1 << 20)
                #expect(abs(Double(result.gradient[r * classes + c]) - expected) <= 40, "row \(r) class \(c)")
            }
        }
        #expect(TrainingKernels.softmaxCrossEntropyGradient(
            logits, labels: [0, 10, 0, 0], rows: rows, classes: classes, toQ16: Requantizer(multiplier: 16, shift: 0),
            gradientShift: 5).badRow == 1)
    }

    static func testSplit() throws -> Dataset { try Dataset(decoding: Array(try Fixtures.data("ml/fashion-test.cld"))) }

    /// Training the MLP for 150 iterations on the first 4,800 test images lifts accuracy on the other 5,200
    /// from chance to above 70%, and the run is deterministic (two runs, one parameter digest).
    @Test func theMLPLearns() throws {
        let data = try Self.testSplit()
        let order = Array(0..<4800)
        var digests: [Bytes32] = []
        for _ in 0..<2 {
            var trainer = try Trainer(architecture: .mlp(hidden: 56), hyperparameters: TrainingHyperparameters(), seed: 1)
            for iteration in 0..<150 { try trainer.step(data, samples: order[(iteration * 32)..<((iteration + 1) * 32)]) }
            digests.append(Trainer.digest(of: trainer.parameters))
            if digests.count == 1 {
                let heldOut = Dataset(inputs: Tensor(dtype: .int8, shape: [5200, 784], values: Array(data.inputs.values[(4800 * 784)...])),
                                      labels: Array(data.labels[4800...]))
                #expect(try trainer.accuracy(on: heldOut) > 0.70)
            }
        }
        #expect(digests[0] == digests[1])
    }

    /// Bad hyperparameters and labels are refused with typed errors.
    @Test func badHyperparametersAndLabelsAreRefused() throws {
        #expect(throws: MLError.badAttribute(node: -1, index: 0)) {
            _ = try TrainingGraph(architecture: .mlp(hidden: 8), hyperparameters: TrainingHyperparameters(batch: 0))
        }
        #expect(throws: MLError.badAttribute(node: -1, index: 1)) {
            _ = try TrainingGraph(architecture: .mlp(hidden: 8), hyperparameters: TrainingHyperparameters(learningRate: 0))
        }
        let graph = try TrainingGraph(architecture: .mlp(hidden: 8), hyperparameters: TrainingHyperparameters(batch: 2))
        var trainer = try Trainer(architecture: .mlp(hidden: 8), hyperparameters: TrainingHyperparameters(batch: 2), seed: 1)
        var inputs = trainer.iterationInputs(try Self.testSplit(), samples: [0, 1])
        inputs[1] = Tensor(dtype: .int32, shape: [2], values: [3, 12])
        var session = Session(model: graph.model)
        #expect(throws: MLError.indexOutOfRange(node: 3, index: 1)) { _ = try session.run(inputs) }
        _ = try trainer.step(try Self.testSplit(), samples: [0, 1])
    }

    /// Every node of one training iteration, MLP and CNN, re-run in the guest's node mode from `S_{k−1}` gives
    /// the native trace's `S_k` and output, bit for bit.
    @Test(arguments: [("mlp", 8), ("cnn", 2)])
    func everyNodeOfAnIterationMatchesTheGuest(model: String, batch: Int) throws {
        let architecture: TrainingArchitecture = model == "mlp" ? .mlp(hidden: 56) : .cnn
        let trainer = try Trainer(architecture: architecture, hyperparameters: TrainingHyperparameters(batch: batch), seed: 2)
        let inputs = trainer.iterationInputs(try Self.testSplit(), samples: Array(100..<(100 + batch))[...])
        let trace = try GraphTrace(model: trainer.graph.model, inputs: inputs)
        let elf = Array(try Fixtures.data("ml/ml-guest.elf"))
        for position in 1...trace.model.nodes.count {
            let run = try NodeModeRunner.run(elf: elf, trace: trace, position: position)
            #expect(run.root == trace.root(after: position), "\(model) node \(position - 1) (\(trace.model.nodes[position - 1].op))")
            #expect(run.output == trace.outputs[position - 1], "\(model) node \(position - 1)")
        }
    }
}
