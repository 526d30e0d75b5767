// Node mode of the ML guest, the phase-2 program (docs/PROTOCOL.md, "Graph state" and "Node mode"): the
// input is one node task `"CLMN" ‖ S_{k−1} ‖ u32_be(k)`. The guest opens the state record of S_{k−1},
// reads the descriptor, walks the value tree down to each computed operand's slot and the constants tree
// down to each constant's slot, reads those blobs alone through their indexes, runs node k with the shared
// kernels, commits its output, replaces the empty output slot on the path it walked and writes
// S_k to the output region. Every read goes through the oracle, which binds each preimage to its key.

/// The two 32-byte halves of a 64-byte preimage (a Merkle node or the model commitment); nil otherwise.
func fetchPair(_ key: Bytes32) -> (left: Bytes32, right: Bytes32)? {
    let pair = fetchPreimage(key.bytes)
    if pair.count != 64 { return nil }
    guard let left = Bytes32(bytes: pair[0..<32]), let right = Bytes32(bytes: pair[32..<64]) else { return nil }
    return (left, right)
}

/// Walks a tree of `depth` levels from `root` down to `slot`, fetching each node on the path; returns the
/// leaf and the siblings from the bottom, or nil when a node's preimage is not a pair.
func openSlot(root: Bytes32, slot: Int, depth: Int) -> (leaf: Bytes32, siblings: [Bytes32])? {
    var node = root
    var siblings = [Bytes32](repeating: .zero, count: depth)
    var height = depth
    while height > 0 {
        height -= 1
        guard let pair = fetchPair(node) else { return nil }
        if (slot >> height) & 1 == 0 {
            siblings[height] = pair.right
            node = pair.left
        } else {
            siblings[height] = pair.left
            node = pair.right
        }
    }
    return (node, siblings)
}

/// Why node mode stopped: the exit status.
struct NodeModeFailure: Error {
    var status: GuestStatus
}

/// Reads the tensor in a non-empty slot.
func slotTensor(root: Bytes32, slot: Int, depth: Int) throws(NodeModeFailure) -> Tensor {
    guard let opened = openSlot(root: root, slot: slot, depth: depth), opened.leaf != .zero else {
        throw NodeModeFailure(status: .stateRejected)
    }
    do throws(MLError) {
        return try TensorCoding.decode(fetchIndexed(opened.leaf.bytes))
    } catch {
        throw NodeModeFailure(status: .inputRejected)
    }
}

func runNodeTask(_ task: [UInt8]) -> Int32 {
    do throws(NodeModeFailure) {
        let root = try nodeTaskRoot(task)
        root.withUnsafeBytes { raw in
            let region = Guest.output
            for index in 0..<32 { region[index] = raw[index] }
        }
        return GuestStatus.success.rawValue
    } catch {
        return error.status.rawValue
    }
}

/// Runs the node task and returns S_k (the output tensor's encoding goes to fd 1).
func nodeTaskRoot(_ task: [UInt8]) throws(NodeModeFailure) -> Bytes32 {
    guard let (previous, position) = GraphState.decodeTask(task) else { throw NodeModeFailure(status: .badRequest) }
    guard let record = GraphState.Record(fetchPreimage(previous.bytes)), record.index == position - 1 else {
        throw NodeModeFailure(status: .stateRejected)
    }
    guard let model = fetchPair(record.model) else { throw NodeModeFailure(status: .stateRejected) }
    var descriptorReader = ByteReader(fetchIndexed(model.left.bytes))
    if position < 1 { throw NodeModeFailure(status: .badRequest) }
    let index = position - 1
    // Only what node k needs: the inputs, the constants' quantisation, earlier nodes' types and node k.
    let descriptor: ModelFormat.NodeView
    do throws(MLError) {
        descriptor = try ModelFormat.decodeNodeView(&descriptorReader, node: index)
    } catch {
        throw NodeModeFailure(status: .modelRejected)
    }
    let inputCount = descriptor.inputs.count, nodeCount = descriptor.nodeCount
    guard let node = descriptor.node else { throw NodeModeFailure(status: .badRequest) }
    let depth = GraphState.depth(leaves: inputCount + nodeCount)

    // The computed operands, each from its slot of S_{k-1}.
    var tensors: [Tensor] = []
    var operands: [ValueInfo] = []
    for reference in node.inputs {
        let tensor: Tensor
        switch reference {
        case .input(let k):
            tensor = try slotTensor(root: record.values, slot: k, depth: depth)
            let declared = descriptor.inputs[k]
            if tensor.dtype != declared.dtype || tensor.shape != declared.shape || !tensor.isInRange {
                throw NodeModeFailure(status: .inputRejected)
            }
        case .node(let k):
            if k >= index { throw NodeModeFailure(status: .modelRejected) }
            tensor = try slotTensor(root: record.values, slot: inputCount + k, depth: depth)
            if tensor.dtype != descriptor.nodeTypes[k] || !tensor.isInRange { throw NodeModeFailure(status: .inputRejected) }
        case .constant:
            continue
        }
        tensors.append(tensor)
        operands.append(ValueInfo(dtype: tensor.dtype, shape: tensor.shape, quantization: Quantization.identity))
    }

    // The node's constants, each from its slot of the constants tree; then the node itself.
    let constantCount = descriptor.constantQuantization.count
    let constantDepth = GraphState.depth(leaves: constantCount)
    var failure = GuestStatus.evaluationFailed
    let output: Tensor
    do throws(MLError) {
        let single = try SingleNode.model(
            of: node, at: index, operands: operands, constantHashes: constantCount
        ) { (k: Int) throws(MLError) -> (Tensor, Quantization) in
            guard let opened = openSlot(root: model.right, slot: k, depth: constantDepth), opened.leaf != .zero else {
                failure = .stateRejected
                throw MLError.noSuchNode(index)
            }
            do throws(MLError) {
                return (try TensorCoding.decode(fetchIndexed(opened.leaf.bytes)), descriptor.constantQuantization[k])
            } catch {
                failure = .inputRejected
                throw error
            }
        }
        var session = Session(model: single)
        output = try session.run(tensors)[0]
    } catch {
        throw NodeModeFailure(status: failure)
    }

    // Commit the output into its (empty) slot on the path, giving S_k.
    let slot = inputCount + index
    guard let opened = openSlot(root: record.values, slot: slot, depth: depth), opened.leaf == .zero else {
        throw NodeModeFailure(status: .stateRejected)
    }
    let encoded = TensorCoding.encode(output)
    let values = GraphState.root(leaf: GraphState.blobKey(encoded), slot: slot, siblings: opened.siblings)
    encoded.withUnsafeBufferPointer { Guest.write($0) }
    return GraphState.stateRoot(index: position, model: record.model, values: values)
}
