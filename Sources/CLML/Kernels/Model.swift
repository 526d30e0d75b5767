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
        // Range check and int8 packing in one pass over each constant.
        var packed: [[Int8]] = []
        for index in 0..<constants.count {
            let tensor = constants[index]
            if tensor.dtype == .int8 {
                var valid = true
                let bytes = tensor.values.withUnsafeBufferPointer { source in
                    [Int8](unsafeUninitializedCapacity: source.count) { target, initialized in
                        for position in 0..<source.count {
                            let value = source[position]
                            if value < -128 || value > 127 { valid = false }
                            target[position] = Int8(truncatingIfNeeded: value)
                        }
                        initialized = source.count
                    }
                }
                if !valid { throw MLError.valueOutOfRange(offset: index) }
                packed.append(bytes)
            } else {
                if !tensor.isInRange { throw MLError.valueOutOfRange(offset: index) }
                packed.append([])
            }
        }
        var shapes: [[Int]] = []
        for index in 0..<nodes.count {
            let shape = try ShapeInference.outputShape(
                of: nodes[index], at: index, inputs: inputs, constants: constants, nodes: nodes, shapes: shapes)
            shapes.append(shape)
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
