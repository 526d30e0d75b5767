/// Builds the one-node model that re-executes node `index` of a larger model on its own: the node's
/// computed operands become graph inputs (in operand order) and its constants the only constants.
/// This is what a phase-2 FPVM program runs for a disputed node.
public enum SingleNode {
    /// The one-node model; `operands` describe the node's computed operands, in order.
    public static func model(
        of node: Node, at index: Int, operands: [ValueInfo], constantHashes: Int,
        constant: (Int) throws(MLError) -> (Tensor, Quantization)
    ) throws(MLError) -> Model {
        var inputs: [ValueInfo] = []
        var constants: [Tensor] = []
        var quantizations: [Quantization] = []
        var references: [ValueReference] = []
        for position in 0..<node.inputs.count {
            switch node.inputs[position] {
            case .constant(let k):
                if k >= constantHashes { throw MLError.badReference(node: index, input: position) }
                let (tensor, quantization) = try constant(k)
                references.append(.constant(constants.count))
                constants.append(tensor)
                quantizations.append(quantization)
            case .input, .node:
                if inputs.count >= operands.count { throw MLError.inputMismatch(index: inputs.count) }
                references.append(.input(inputs.count))
                inputs.append(operands[inputs.count])
            }
        }
        if inputs.count != operands.count { throw MLError.inputMismatch(index: inputs.count) }
        var single = node
        single.inputs = references
        return try Model(inputs: inputs, constants: constants, constantQuantization: quantizations, nodes: [single])
    }
}
