/// A validated computation graph: declared inputs, constant tensors and nodes in evaluation order.
/// Every node's output shape is inferred when the model is built, so evaluation never meets a shape
/// it did not check. The last node's output is the model's output.
public struct Model: Sendable {
    /// The graph inputs.
    public let inputs: [ValueInfo]
    /// The constant tensors (weights, biases, tables).
    public let constants: [Tensor]
    /// The constants' quantisation parameters.
    public let constantQuantization: [Quantization]
    /// The nodes, each referring only to inputs, constants and earlier nodes.
    public let nodes: [Node]
    /// The inferred output shape of each node.
    public let nodeShapes: [[Int]]
    /// Int8 constants packed as bytes for the dot-product kernels (empty for other types).
    public let packedConstants: [[Int8]]

    /// Validates a graph and infers its shapes.
    public init(inputs: [ValueInfo], constants: [Tensor], constantQuantization: [Quantization], nodes: [Node]) throws(MLError) {
        if inputs.isEmpty || nodes.isEmpty { throw MLError.emptyGraph }
        if constantQuantization.count != constants.count { throw MLError.shapeMismatch(node: -1) }
        for index in 0..<constants.count where !constants[index].isInRange {
            throw MLError.valueOutOfRange(offset: index)
        }
        var shapes: [[Int]] = []
        for index in 0..<nodes.count {
            let shape = try ShapeInference.outputShape(
                of: nodes[index], at: index, inputs: inputs, constants: constants, nodes: nodes, shapes: shapes)
            shapes.append(shape)
        }
        var packed: [[Int8]] = []
        for tensor in constants {
            if tensor.dtype == .int8 {
                var bytes = [Int8](repeating: 0, count: tensor.count)
                for index in 0..<tensor.count { bytes[index] = Int8(truncatingIfNeeded: tensor.values[index]) }
                packed.append(bytes)
            } else {
                packed.append([])
            }
        }
        self.inputs = inputs
        self.constants = constants
        self.constantQuantization = constantQuantization
        self.nodes = nodes
        self.nodeShapes = shapes
        self.packedConstants = packed
    }

    /// The element type and shape of a referenced value.
    public func describe(_ reference: ValueReference) -> (dtype: DType, shape: [Int]) {
        switch reference {
        case .input(let index): return (inputs[index].dtype, inputs[index].shape)
        case .node(let index): return (nodes[index].dtype, nodeShapes[index])
        case .constant(let index): return (constants[index].dtype, constants[index].shape)
        }
    }

    /// Whether any node keeps sequence state (rotary embedding or attention).
    public var isSequential: Bool {
        for node in nodes where node.op == .attention || node.op == .rotaryEmbedding { return true }
        return false
    }
}
