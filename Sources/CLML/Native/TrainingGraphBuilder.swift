/// Appends the nodes of a training iteration (or of the forward pass alone) in the formats of docs/TRAINING.md.
struct TrainingGraphBuilder {
    let architecture: TrainingArchitecture
    let batch: Int
    let training: Bool
    private(set) var inputs: [ValueInfo] = []
    private(set) var nodes: [Node] = []
    private var shapes: [[Int]] = []
    /// What each layer's forward pass read and produced, for the backward pass.
    private var records: [(layer: TrainingLayer, input: ValueReference, inputShape: [Int], inputQ: Int32,
                           output: ValueReference, parameter: Int, poolInput: ValueReference?)] = []
    private var gradients: [ValueReference?] = []

    static let parameterQ: Int32 = 24
    static let activationQ: Int32 = 12
    static let gradientQ: Int32 = 20
    static let inputQ: Int32 = 8

    init(architecture: TrainingArchitecture, batch: Int, training: Bool) {
        self.architecture = architecture
        self.batch = batch
        self.training = training
        func info(_ shape: [Int]) -> ValueInfo { ValueInfo(dtype: .int32, shape: shape, quantization: .identity) }
        inputs.append(info(architecture.inputShape(batch: batch)))
        if training { inputs.append(info([batch])) }
        let parameters = architecture.parameters
        for parameter in parameters { inputs.append(info(parameter.shape)) }
        if training { for parameter in parameters { inputs.append(info(parameter.shape)) } }
        gradients = [ValueReference?](repeating: nil, count: parameters.count)
    }

    /// The graph input holding parameter `index`.
    func parameter(_ index: Int) -> ValueReference { .input((training ? 2 : 1) + index) }
    /// The graph input holding the momentum buffer of parameter `index`.
    func velocity(_ index: Int) -> ValueReference { .input(2 + architecture.parameters.count + index) }

    private mutating func append(_ op: Operator, _ operands: [ValueReference], _ attributes: [Int32], shape: [Int]) -> ValueReference {
        nodes.append(Node(op: op, dtype: .int32, inputs: operands, attributes: attributes, quantization: .identity))
        shapes.append(shape)
        return .node(nodes.count - 1)
    }

    /// The forward pass; returns the logits.
    mutating func forward() -> ValueReference {
        var value: ValueReference = .input(0)
        var shape = architecture.inputShape(batch: batch)
        var q = Self.inputQ
        var parameterIndex = 0
        for layer in architecture.layers {
            let input = value, inputShape = shape, inputQ = q
            var poolInput: ValueReference? = nil
            switch layer {
            case .dense(_, let outputs, let relu):
                shape = [batch, outputs]
                value = append(.dense, [input, parameter(parameterIndex), parameter(parameterIndex + 1)],
                               [q, q + Self.parameterQ - Self.activationQ], shape: shape)
                if relu { value = append(.relu, [value], [0], shape: shape) }
                q = Self.activationQ
            case .conv(_, let outChannels, let size):
                shape = [batch, outChannels, size, size]
                value = append(.convolution, [input, parameter(parameterIndex), parameter(parameterIndex + 1)],
                               [1, 1, 1, 1, q, q + Self.parameterQ - Self.activationQ], shape: shape)
                value = append(.relu, [value], [0], shape: shape)
                q = Self.activationQ
            case .pool:
                let planes = [shape[0] * shape[1], shape[2], shape[3]]
                let flat = append(.reshape, [input], planes.map { Int32($0) }, shape: planes)
                poolInput = flat
                let pooled = [planes[0], planes[1] / 2, planes[2] / 2]
                value = append(.maxPool, [flat], [2, 2, 2, 2], shape: pooled)
                shape = [shape[0], shape[1], shape[2] / 2, shape[3] / 2]
                value = append(.reshape, [value], shape.map { Int32($0) }, shape: shape)
            case .flatten:
                shape = [shape[0], shape[1] * shape[2] * shape[3]]
                value = append(.reshape, [input], shape.map { Int32($0) }, shape: shape)
            }
            records.append((layer, input, inputShape, inputQ, value, parameterIndex, poolInput))
            if case .dense = layer { parameterIndex += 2 }
            if case .conv = layer { parameterIndex += 2 }
        }
        return value
    }

    /// The loss gradient and the backward pass, filling the parameter gradients.
    mutating func backward(logits: ValueReference) {
        let classes = 10
        var gradient = append(.softmaxCrossEntropyGradient, [logits, .input(1)],
                              [16, 0, Self.gradientQ - 15], shape: [batch, classes])
        for (position, record) in records.enumerated().reversed() {
            let isFirst = position == 0
            let weightShift = record.inputQ + Self.gradientQ - Self.parameterQ
            let biasShift = Self.parameterQ - Self.gradientQ
            switch record.layer {
            case .dense(let inputs, _, let relu):
                if relu { gradient = append(.reluGradient, [gradient, record.output], [], shape: shapes[index(record.output)]) }
                let w = parameter(record.parameter)
                gradients[record.parameter] = append(.denseWeightGradient, [gradient, record.input], [weightShift],
                                                     shape: architecture.parameters[record.parameter].shape)
                gradients[record.parameter + 1] = append(.sumToAxis, [gradient], [1, biasShift],
                                                         shape: architecture.parameters[record.parameter + 1].shape)
                if !isFirst {
                    gradient = append(.denseInputGradient, [gradient, w], [Self.parameterQ], shape: [batch, inputs])
                }
            case .conv(_, _, let size):
                gradient = append(.reluGradient, [gradient, record.output], [], shape: shapes[index(record.output)])
                let w = parameter(record.parameter)
                gradients[record.parameter] = append(.convolutionWeightGradient, [gradient, record.input],
                                                     [1, 1, 1, 1, 3, 3, weightShift],
                                                     shape: architecture.parameters[record.parameter].shape)
                gradients[record.parameter + 1] = append(.sumToAxis, [gradient], [1, biasShift],
                                                         shape: architecture.parameters[record.parameter + 1].shape)
                if !isFirst {
                    gradient = append(.convolutionInputGradient, [gradient, w],
                                      [1, 1, 1, 1, Int32(size), Int32(size), Self.parameterQ], shape: record.inputShape)
                }
            case .pool:
                let s = record.inputShape
                let pooledPlanes = [s[0] * s[1], s[2] / 2, s[3] / 2]
                let flatGradient = append(.reshape, [gradient], pooledPlanes.map { Int32($0) }, shape: pooledPlanes)
                let planes = [s[0] * s[1], s[2], s[3]]
                let routed = append(.maxPoolGradient, [record.poolInput!, flatGradient], [2, 2, 2, 2], shape: planes)
                gradient = append(.reshape, [routed], s.map { Int32($0) }, shape: s)
            case .flatten:
                gradient = append(.reshape, [gradient], record.inputShape.map { Int32($0) }, shape: record.inputShape)
            }
        }
    }

    /// The momentum and SGD nodes of every parameter; returns the updated parameters' and buffers' nodes.
    mutating func update(_ hyperparameters: TrainingHyperparameters) -> (parameters: [Int], velocities: [Int]) {
        var updatedParameters: [Int] = [], updatedVelocities: [Int] = []
        for (index, parameter) in architecture.parameters.enumerated() {
            let v = append(.momentum, [velocity(index), gradients[index]!], [hyperparameters.momentum, 16], shape: parameter.shape)
            let w = append(.sgdStep, [self.parameter(index), v], [hyperparameters.learningRate, 16], shape: parameter.shape)
            updatedVelocities.append(self.index(v))
            updatedParameters.append(self.index(w))
        }
        return (updatedParameters, updatedVelocities)
    }

    private func index(_ reference: ValueReference) -> Int {
        if case .node(let k) = reference { return k }
        return -1
    }

    /// The validated model.
    func finish() throws(MLError) -> Model {
        try Model(inputs: inputs, constants: [], constantQuantization: [], nodes: nodes)
    }
}
