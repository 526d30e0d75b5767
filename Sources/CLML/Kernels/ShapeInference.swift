/// Checks each node's operands and attributes and computes its output shape.
public enum ShapeInference {
    /// The output shape of `nodes[index]`, given the shapes of the nodes before it.
    public static func outputShape(
        of node: Node, at index: Int, inputs: [ValueInfo], constants: [Tensor], nodes: [Node], shapes: [[Int]]
    ) throws(MLError) -> [Int] {
        let operandCount = node.op.inputCount
        if operandCount >= 0 && node.inputs.count != operandCount || operandCount < 0 && !(1...255).contains(node.inputs.count) {
            throw MLError.wrongInputCount(node: index, expected: max(operandCount, 1), actual: node.inputs.count)
        }
        let expected = node.op.attributeCount
        if expected >= 0 && node.attributes.count != expected || expected < 0 && node.attributes.isEmpty {
            throw MLError.wrongAttributeCount(node: index, expected: max(expected, 1), actual: node.attributes.count)
        }
        var types: [DType] = []
        var dims: [[Int]] = []
        var isConstant: [Bool] = []
        for (position, reference) in node.inputs.enumerated() {
            switch reference {
            case .input(let k):
                if k >= inputs.count { throw MLError.badReference(node: index, input: position) }
                types.append(inputs[k].dtype); dims.append(inputs[k].shape); isConstant.append(false)
            case .node(let k):
                if k >= index { throw MLError.badReference(node: index, input: position) }
                types.append(nodes[k].dtype); dims.append(shapes[k]); isConstant.append(false)
            case .constant(let k):
                if k >= constants.count { throw MLError.badReference(node: index, input: position) }
                types.append(constants[k].dtype); dims.append(constants[k].shape); isConstant.append(true)
            }
        }
        let a = node.attributes
        let bad = MLError.shapeMismatch(node: index)
        func requireRequantizer(_ at: Int) throws(MLError) {
            if !Requantizer(multiplier: a[at], shift: a[at + 1]).isValid { throw MLError.badAttribute(node: index, index: at) }
        }
        func requirePositive(_ at: Int) throws(MLError) {
            if a[at] < 1 { throw MLError.badAttribute(node: index, index: at) }
        }
        switch node.op {
        case .linear:
            try requireRequantizer(2)
            let x = dims[0], w = dims[1], b = dims[2]
            if !isConstant[1] || !isConstant[2] || types[1] != .int8 || types[2] != .int32 { throw bad }
            if w.count != 2 || b.count != 1 || x.last != w[1] || b[0] != w[0] { throw bad }
            return Array(x.dropLast()) + [w[0]]
        case .matmul:
            try requireRequantizer(3)
            let x = dims[0], y = dims[1]
            if x.count != 2 || y.count != 2 || x[1] != y[0] { throw bad }
            return [x[0], y[1]]
        case .conv2d:
            for at in 0..<2 { try requirePositive(at) }
            if a[2] < 0 || a[3] < 0 { throw MLError.badAttribute(node: index, index: 2) }
            try requireRequantizer(6)
            let x = dims[0], w = dims[1], b = dims[2]
            if !isConstant[1] || !isConstant[2] || types[1] != .int8 || types[2] != .int32 { throw bad }
            if x.count != 3 || w.count != 4 || b.count != 1 || w[1] != x[0] || b[0] != w[0] { throw bad }
            let outHeight = (x[1] + 2 * Int(a[2]) - w[2]) / Int(a[0]) + 1
            let outWidth = (x[2] + 2 * Int(a[3]) - w[3]) / Int(a[1]) + 1
            if x[1] + 2 * Int(a[2]) < w[2] || x[2] + 2 * Int(a[3]) < w[3] || outHeight < 1 || outWidth < 1 { throw bad }
            return [w[0], outHeight, outWidth]
        case .add:
            if a[5] < 0 || a[5] > 62 { throw MLError.badAttribute(node: index, index: 5) }
            if dims[0] != dims[1] { throw bad }
            return dims[0]
        case .mul:
            try requireRequantizer(3)
            if dims[0] != dims[1] { throw bad }
            return dims[0]
        case .relu, .gelu, .silu:
            if node.op != .relu { try requireRequantizer(1); try requireRequantizer(4) }
            if node.op == .relu && node.dtype != types[0] { throw bad }
            if node.op == .relu && (a[0] < node.dtype.minValue || a[0] > node.dtype.maxValue) {
                throw MLError.badAttribute(node: index, index: 0)
            }
            return dims[0]
        case .maxPool, .averagePool:
            for at in 0..<4 { try requirePositive(at) }
            let x = dims[0]
            if x.count != 3 || Int(a[0]) > x[1] || Int(a[1]) > x[2] || node.dtype != types[0] { throw bad }
            return [x[0], (x[1] - Int(a[0])) / Int(a[2]) + 1, (x[2] - Int(a[1])) / Int(a[3]) + 1]
        case .reshape:
            var shape: [Int] = []
            for at in 0..<a.count {
                try requirePositive(at)
                shape.append(Int(a[at]))
            }
            if a.count > TensorCoding.maxRank || Tensor.elementCount(shape) != Tensor.elementCount(dims[0]) { throw bad }
            if node.dtype != types[0] { throw bad }
            return shape
        case .flatten:
            if node.dtype != types[0] { throw bad }
            return [Tensor.elementCount(dims[0])]
        case .softmax:
            try requireRequantizer(0)
            if node.dtype == .int8 { throw bad }
            return dims[0]
        case .layerNorm, .rmsNorm:
            try requireRequantizer(2)
            let x = dims[0]
            if types[0] == .int32 || !isConstant[1] || dims[1] != [x[x.count - 1]] { throw bad }
            if node.op == .layerNorm && (!isConstant[2] || types[2] != .int32 || dims[2] != dims[1]) { throw bad }
            return x
        case .embedding:
            let ids = dims[0], table = dims[1]
            if types[0] != .int32 || !isConstant[1] || ids.count != 1 || table.count != 2 || node.dtype != types[1] { throw bad }
            return [ids[0], table[1]]
        case .rotaryEmbedding:
            let x = dims[0], table = dims[1]
            if x.count != 3 || x[2] % 2 != 0 || !isConstant[1] || types[1] != .int16 { throw bad }
            if table.count != 3 || table[1] != x[2] / 2 || table[2] != 2 || node.dtype != types[0] { throw bad }
            return x
        case .attention:
            try requireRequantizer(0)
            try requireRequantizer(2)
            try requirePositive(4)
            if dims[0].count != 3 || dims[0] != dims[1] || dims[0] != dims[2] { throw bad }
            return dims[0]
        case .dense, .denseInputGradient, .denseWeightGradient, .sumToAxis, .reluGradient, .softmaxCrossEntropyGradient,
             .momentum, .sgdStep, .convolution, .convolutionInputGradient, .convolutionWeightGradient, .maxPoolGradient:
            if node.dtype != .int32 || types.contains(where: { $0 != .int32 }) { throw bad }
            return try TrainingShapes.outputShape(of: node, at: index, operands: dims)
        case .concat:
            let rank = dims[0].count
            if a[0] < 0 || Int(a[0]) >= rank { throw MLError.badAttribute(node: index, index: 0) }
            let axis = Int(a[0])
            var shape = dims[0]
            shape[axis] = 0
            for position in 0..<dims.count {
                if types[position] != node.dtype || dims[position].count != rank { throw bad }
                for d in 0..<rank where d != axis && dims[position][d] != dims[0][d] { throw bad }
                shape[axis] += dims[position][axis]
            }
            return shape
        }
    }
}
