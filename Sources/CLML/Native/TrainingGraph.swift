/// The two trainable architectures of docs/TRAINING.md.
public enum TrainingArchitecture: Equatable, Sendable {
    /// Dense 784→hidden (ReLU), dense hidden→10.
    case mlp(hidden: Int)
    /// conv 8×3×3 pad 1 (ReLU), max pool 2, conv 16×3×3 pad 1 (ReLU), max pool 2, flatten, dense 784→10.
    case cnn

    /// The layers, first to last.
    var layers: [TrainingLayer] {
        switch self {
        case .mlp(let hidden):
            return [.dense(inputs: 784, outputs: hidden, relu: true), .dense(inputs: hidden, outputs: 10, relu: false)]
        case .cnn:
            return [.conv(inChannels: 1, outChannels: 8, size: 28), .pool, .conv(inChannels: 8, outChannels: 16, size: 14), .pool,
                    .flatten, .dense(inputs: 784, outputs: 10, relu: false)]
        }
    }

    /// The shape of one batch of inputs.
    func inputShape(batch: Int) -> [Int] {
        switch self {
        case .mlp: return [batch, 784]
        case .cnn: return [batch, 1, 28, 28]
        }
    }

    /// The parameter tensors' shapes in graph order, each with its Glorot fan-in and fan-out (0 for a bias).
    public var parameters: [(shape: [Int], fanIn: Int, fanOut: Int)] {
        var out: [(shape: [Int], fanIn: Int, fanOut: Int)] = []
        for layer in layers {
            switch layer {
            case .dense(let inputs, let outputs, _):
                out.append(([outputs, inputs], inputs, outputs))
                out.append(([outputs], 0, 0))
            case .conv(let inChannels, let outChannels, _):
                out.append(([outChannels, inChannels, 3, 3], inChannels * 9, outChannels * 9))
                out.append(([outChannels], 0, 0))
            case .pool, .flatten:
                break
            }
        }
        return out
    }
}

/// One layer of a trainable architecture.
enum TrainingLayer: Equatable {
    case dense(inputs: Int, outputs: Int, relu: Bool)
    /// 3×3, stride 1, padding 1, ReLU, over `size × size` planes.
    case conv(inChannels: Int, outChannels: Int, size: Int)
    /// 2×2 max pooling, stride 2.
    case pool
    /// `[B, C, H, W]` → `[B, C·H·W]`.
    case flatten
}

/// The learning rate and momentum of SGD as Q16 multipliers, and the batch size (docs/TRAINING.md).
public struct TrainingHyperparameters: Equatable, Sendable {
    /// Rows per iteration.
    public var batch: Int
    /// `lr · 2^16`.
    public var learningRate: Int32
    /// `μ · 2^16`.
    public var momentum: Int32

    /// Hyperparameters; `validate()` checks their ranges.
    public init(batch: Int = 32, learningRate: Int32 = 1311, momentum: Int32 = 58982) {
        self.batch = batch
        self.learningRate = learningRate
        self.momentum = momentum
    }

    /// Throws `badAttribute` unless 1 ≤ batch ≤ 4096, 0 < lr ≤ 2^16 and 0 ≤ μ < 2^16.
    public func validate() throws(MLError) {
        if batch < 1 || batch > 4096 { throw MLError.badAttribute(node: -1, index: 0) }
        if learningRate < 1 || learningRate > 1 << 16 { throw MLError.badAttribute(node: -1, index: 1) }
        if momentum < 0 || momentum >= 1 << 16 { throw MLError.badAttribute(node: -1, index: 2) }
    }
}

/// One training iteration as a graph: forward, loss gradient, backward and the SGD update. Graph inputs: the batch
/// `x` (pixels, Q8), the labels, the parameters (Q24) in order, then their momentum buffers (Q24). The nodes
/// `updatedParameterNodes` and `updatedVelocityNodes` are the next iteration's parameters and buffers.
public struct TrainingGraph: Sendable {
    /// The iteration's graph.
    public let model: Model
    /// The architecture.
    public let architecture: TrainingArchitecture
    /// The hyperparameters.
    public let hyperparameters: TrainingHyperparameters
    /// For each parameter, the node whose output is its updated value.
    public let updatedParameterNodes: [Int]
    /// For each parameter, the node whose output is its updated momentum buffer.
    public let updatedVelocityNodes: [Int]

    /// Builds the iteration graph.
    public init(architecture: TrainingArchitecture, hyperparameters: TrainingHyperparameters) throws(MLError) {
        try hyperparameters.validate()
        var builder = TrainingGraphBuilder(architecture: architecture, batch: hyperparameters.batch, training: true)
        let logits = builder.forward()
        builder.backward(logits: logits)
        let (parameters, velocities) = builder.update(hyperparameters)
        self.model = try builder.finish()
        self.architecture = architecture
        self.hyperparameters = hyperparameters
        self.updatedParameterNodes = parameters
        self.updatedVelocityNodes = velocities
    }

    /// The forward pass alone over `batch` rows (inputs: x, then the parameters); its last node is the logits (Q12).
    public static func inference(architecture: TrainingArchitecture, batch: Int) throws(MLError) -> Model {
        var builder = TrainingGraphBuilder(architecture: architecture, batch: batch, training: false)
        _ = builder.forward()
        return try builder.finish()
    }
}
