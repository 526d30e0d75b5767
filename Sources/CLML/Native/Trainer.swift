import CLPrimitives

/// Integer training of a `TrainingArchitecture` (docs/TRAINING.md): the seeded initialisation, the epoch order,
/// one iteration graph run per batch, and test accuracy from the forward graph.
public struct Trainer: Sendable {
    /// The iteration graph.
    public let graph: TrainingGraph
    /// The parameters (Q24), in graph order.
    public private(set) var parameters: [Tensor]
    /// The momentum buffers (Q24).
    public private(set) var velocities: [Tensor]
    /// Iterations run so far.
    public private(set) var iterations = 0

    /// A trainer started from the seeded initialisation.
    public init(architecture: TrainingArchitecture, hyperparameters: TrainingHyperparameters, seed: UInt64) throws(MLError) {
        graph = try TrainingGraph(architecture: architecture, hyperparameters: hyperparameters)
        parameters = Trainer.initialParameters(architecture, seed: seed)
        velocities = parameters.map { Tensor(zeros: .int32, shape: $0.shape) }
    }

    /// The Glorot-uniform Q24 weights and zero biases of docs/TRAINING.md.
    public static func initialParameters(_ architecture: TrainingArchitecture, seed: UInt64) -> [Tensor] {
        var out: [Tensor] = []
        for (index, parameter) in architecture.parameters.enumerated() {
            var tensor = Tensor(zeros: .int32, shape: parameter.shape)
            if parameter.fanIn > 0 {
                let bound = Int64(FixedPoint.squareRoot(UInt64(6) << 48 / UInt64(parameter.fanIn + parameter.fanOut)))
                var random = SplitMix64(seed: seed &+ UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15)
                let span = UInt64(2 * bound + 1)
                for position in 0..<tensor.count {
                    tensor.values[position] = Int32(Int64(random.next() % span) - bound)
                }
            }
            out.append(tensor)
        }
        return out
    }

    /// Keccak-256 of the parameters' values as little-endian int32, concatenated in order.
    public static func digest(of parameters: [Tensor]) -> Bytes32 {
        var bytes: [UInt8] = []
        for tensor in parameters {
            bytes.reserveCapacity(bytes.count + 4 * tensor.count)
            for value in tensor.values {
                let bits = UInt32(bitPattern: value)
                for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
            }
        }
        return Keccak256.hash(bytes)
    }

    /// The permutation epoch `epoch` visits `count` samples in.
    public static func epochOrder(count: Int, epoch: Int, seed: UInt64) -> [Int] {
        var order = Array(0..<count)
        var random = SplitMix64(seed: seed &+ UInt64(epoch + 1) &* 0x5851_F42D_4C95_7F2D)
        var i = count - 1
        while i >= 1 {
            let j = Int(random.next() % UInt64(i + 1))
            order.swapAt(i, j)
            i -= 1
        }
        return order
    }

    /// The graph inputs of one iteration over these samples: pixels as Q8 (`q + 128` of the int8 data set) and labels.
    public func iterationInputs(_ dataset: Dataset, samples: ArraySlice<Int>) -> [Tensor] {
        let (x, labels) = Trainer.batch(dataset, samples: samples, shape: graph.architecture.inputShape(batch: samples.count))
        return [x, labels] + parameters + velocities
    }

    /// One iteration on these samples (exactly `hyperparameters.batch` of them); returns every node's output.
    @discardableResult
    public mutating func step(_ dataset: Dataset, samples: ArraySlice<Int>) throws(MLError) -> [Tensor] {
        var session = Session(model: graph.model)
        let outputs = try session.run(iterationInputs(dataset, samples: samples))
        parameters = graph.updatedParameterNodes.map { outputs[$0] }
        velocities = graph.updatedVelocityNodes.map { outputs[$0] }
        iterations += 1
        return outputs
    }

    /// The fraction of `dataset` the current parameters classify correctly (batches of `batch`, the rest in a smaller one).
    public func accuracy(on dataset: Dataset, batch: Int = 500) throws(MLError) -> Double {
        var correct = 0
        var start = 0
        while start < dataset.count {
            let count = min(batch, dataset.count - start)
            let model = try TrainingGraph.inference(architecture: graph.architecture, batch: count)
            let (x, _) = Trainer.batch(dataset, samples: Array(start..<(start + count))[...],
                                       shape: graph.architecture.inputShape(batch: count))
            var session = Session(model: model)
            let logits = try session.run([x] + parameters).last!
            for row in 0..<count {
                var best = 0
                for c in 1..<10 where logits.values[row * 10 + c] > logits.values[row * 10 + best] { best = c }
                if Int32(best) == dataset.labels[start + row] { correct += 1 }
            }
            start += count
        }
        return Double(correct) / Double(max(dataset.count, 1))
    }

    /// Replaces the parameters and buffers (a fine-tuning start or a checkpoint); shapes must match the graph.
    public mutating func restore(parameters: [Tensor], velocities: [Tensor]) throws(MLError) {
        let shapes = graph.architecture.parameters.map { $0.shape }
        if parameters.map({ $0.shape }) != shapes || velocities.map({ $0.shape }) != shapes { throw MLError.inputMismatch(index: 2) }
        self.parameters = parameters
        self.velocities = velocities
    }

    static func batch(_ dataset: Dataset, samples: ArraySlice<Int>, shape: [Int]) -> (Tensor, Tensor) {
        let size = 784
        var values = [Int32](repeating: 0, count: samples.count * size)
        var labels = [Int32](repeating: 0, count: samples.count)
        dataset.inputs.values.withUnsafeBufferPointer { source in
            for (row, sample) in samples.enumerated() {
                for k in 0..<size { values[row * size + k] = source[sample * size + k] &+ 128 }
                labels[row] = dataset.labels[sample]
            }
        }
        return (Tensor(dtype: .int32, shape: shape, values: values), Tensor(dtype: .int32, shape: [samples.count], values: labels))
    }
}
