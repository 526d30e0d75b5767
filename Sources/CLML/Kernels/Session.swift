/// Evaluates a model: whole graphs or single nodes, keeping the sequence state (position, KV caches)
/// that rotary embedding and attention need across calls.
public struct Session: Sendable {
    /// The model evaluated.
    public let model: Model
    /// The sequence position of the next token (advanced by each `run` of a sequential model).
    public var position: Int = 0
    /// One cache per attention node (indexed by node; unused slots are empty caches).
    public internal(set) var caches: [KVCache]

    /// A fresh session at position 0 with empty caches.
    public init(model: Model) {
        self.model = model
        var caches: [KVCache] = []
        for index in 0..<model.nodes.count {
            let node = model.nodes[index]
            if node.op == .attention {
                let shape = model.nodeShapes[index]
                caches.append(KVCache(capacity: Int(node.attributes[4]), heads: shape[1], headDim: shape[2]))
            } else {
                caches.append(KVCache(capacity: 0, heads: 0, headDim: 0))
            }
        }
        self.caches = caches
    }

    /// Runs the whole graph and returns every node's output (the last is the model's output).
    /// For a sequential model, the position then advances by the first input's leading dimension.
    public mutating func run(_ inputs: [Tensor]) throws(MLError) -> [Tensor] {
        if inputs.count != model.inputs.count { throw MLError.inputMismatch(index: inputs.count) }
        for index in 0..<inputs.count {
            let declared = model.inputs[index]
            if inputs[index].dtype != declared.dtype || inputs[index].shape != declared.shape || !inputs[index].isInRange {
                throw MLError.inputMismatch(index: index)
            }
        }
        var outputs: [Tensor] = []
        outputs.reserveCapacity(model.nodes.count)
        for index in 0..<model.nodes.count {
            var operands: [Tensor] = []
            for reference in model.nodes[index].inputs {
                switch reference {
                case .input(let k): operands.append(inputs[k])
                case .node(let k): operands.append(outputs[k])
                case .constant(let k): operands.append(model.constants[k])
                }
            }
            outputs.append(try evaluate(index, operands: operands))
        }
        if model.isSequential { position += inputs[0].shape[0] }
        return outputs
    }

    /// Runs one node on the tensors of its computed (non-constant) operands, in operand order.
    public mutating func runNode(_ index: Int, inputs: [Tensor]) throws(MLError) -> Tensor {
        if index < 0 || index >= model.nodes.count { throw MLError.noSuchNode(index) }
        var operands: [Tensor] = []
        var next = 0
        for reference in model.nodes[index].inputs {
            if case .constant(let k) = reference {
                operands.append(model.constants[k])
                continue
            }
            if next >= inputs.count { throw MLError.inputMismatch(index: next) }
            let (dtype, shape) = model.describe(reference)
            let given = inputs[next]
            if given.dtype != dtype || given.shape != shape || !given.isInRange { throw MLError.inputMismatch(index: next) }
            operands.append(given)
            next += 1
        }
        if next != inputs.count { throw MLError.inputMismatch(index: next) }
        return try evaluate(index, operands: operands)
    }

    /// The computed (non-constant) operand references of a node, in order.
    public func computedOperands(of index: Int) -> [ValueReference] {
        var out: [ValueReference] = []
        for reference in model.nodes[index].inputs {
            if case .constant = reference { continue }
            out.append(reference)
        }
        return out
    }
}
