import CLPrimitives

/// The model part of a graph state (docs/PROTOCOL.md, "Graph state"): the descriptor's blob key, the
/// constants' blob keys and their tree, and the model commitment `M` over both.
public struct GraphModelCommitment: Sendable {
    /// The descriptor bytes (its keccak256 is the model hash).
    public let descriptor: [UInt8]
    /// The constants' tensor encodings, in order.
    public let constantBlobs: [[UInt8]]
    /// `GraphState.blobKey(descriptor)`.
    public let descriptorKey: Bytes32
    /// The tree over the constants' blob keys (empty tree, root zero, when there are none).
    public let constants: GraphTree
    /// `M = keccak256(descriptorKey ‖ constantsRoot)`.
    public let commitment: Bytes32

    /// The commitment of `model`.
    public init(model: Model) {
        let blobs = model.constants.map { TensorCoding.encode($0) }
        descriptor = ModelFormat.encodeDescriptor(model, blobs: blobs)
        constantBlobs = blobs
        descriptorKey = GraphHashing.blobKey(descriptor)
        constants = GraphTree(leaves: blobs.map { GraphHashing.blobKey($0) })
        commitment = GraphState.modelCommitment(descriptorKey: descriptorKey, constantsRoot: constants.root)
    }
}

/// The phase-1 trace of a model on its inputs: the state root before the first node and after every node,
/// computed natively (the kernels split rows across cores; large outputs are hashed on both cores).
/// Honest agents answer phase-1 bisection from it; it also holds what the oracle must serve in phase 2.
public struct GraphTrace: Sendable {
    /// One executed node.
    public struct Step: Sendable {
        /// The state index after the node (1…N); the node is descriptor node `index − 1`.
        public let index: Int
        /// The node's operator.
        public let op: Operator
        /// Seconds spent evaluating the node and committing its output.
        public let seconds: Double
        /// The blob key of the node's output (its value slot).
        public let outputKey: Bytes32
        /// `S_index`.
        public let root: Bytes32
    }

    /// The model traced.
    public let model: Model
    /// The model commitment.
    public let modelCommitment: GraphModelCommitment
    /// The graph inputs.
    public let inputs: [Tensor]
    /// Every node's output.
    public let outputs: [Tensor]
    /// The blob keys of the graph inputs.
    public let inputKeys: [Bytes32]
    /// `S_0`: no node executed.
    public let initialRoot: Bytes32
    /// One entry per node, in order.
    public let steps: [Step]

    /// The number of value slots: graph inputs, then one per node.
    public var slotCount: Int { model.inputs.count + model.nodes.count }

    /// `S_i` for `i` in 0…N.
    public func root(after index: Int) -> Bytes32 { index == 0 ? initialRoot : steps[index - 1].root }

    /// The value leaves of `S_i`: input keys, the first `i` output keys, zero for the rest.
    public func valueLeaves(after index: Int) -> [Bytes32] {
        var leaves = inputKeys
        for step in 0..<model.nodes.count { leaves.append(step < index ? steps[step].outputKey : .zero) }
        return leaves
    }

    /// Runs `model` on `inputs` node by node, recording the state root after each.
    public init(model: Model, inputs: [Tensor]) throws(MLError) {
        if inputs.count != model.inputs.count { throw MLError.inputMismatch(index: inputs.count) }
        for index in 0..<inputs.count {
            let declared = model.inputs[index]
            if inputs[index].dtype != declared.dtype || inputs[index].shape != declared.shape || !inputs[index].isInRange {
                throw MLError.inputMismatch(index: index)
            }
        }
        let clock = ContinuousClock()
        let commitment = GraphModelCommitment(model: model)
        let inputKeys = inputs.map { GraphHashing.blobKey(TensorCoding.encode($0)) }
        var tree = GraphTree(leaves: inputKeys + [Bytes32](repeating: .zero, count: model.nodes.count))
        let initialRoot = GraphState.stateRoot(index: 0, model: commitment.commitment, values: tree.root)
        var session = Session(model: model)
        var outputs: [Tensor] = []
        var steps: [Step] = []
        outputs.reserveCapacity(model.nodes.count)
        for index in 0..<model.nodes.count {
            let started = clock.now
            var operands: [Tensor] = []
            for reference in model.nodes[index].inputs {
                switch reference {
                case .input(let k): operands.append(inputs[k])
                case .node(let k): operands.append(outputs[k])
                case .constant(let k): operands.append(model.constants[k])
                }
            }
            let output = try session.evaluate(index, operands: operands)
            let key = GraphHashing.blobKey(TensorCoding.encode(output))
            tree.update(model.inputs.count + index, to: key)
            let root = GraphState.stateRoot(index: index + 1, model: commitment.commitment, values: tree.root)
            let elapsed = clock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            steps.append(Step(index: index + 1, op: model.nodes[index].op, seconds: seconds, outputKey: key, root: root))
            outputs.append(output)
        }
        self.model = model
        self.modelCommitment = commitment
        self.inputs = inputs
        self.outputs = outputs
        self.inputKeys = inputKeys
        self.initialRoot = initialRoot
        self.steps = steps
    }
}
