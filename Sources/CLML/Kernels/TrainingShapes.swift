/// Shape and attribute checks of the training operators (docs/TRAINING.md); every operand and output is int32.
enum TrainingShapes {
    /// The output shape of training node `index` with operand shapes `dims`.
    static func outputShape(of node: Node, at index: Int, operands dims: [[Int]]) throws(MLError) -> [Int] {
        let a = node.attributes
        let bad = MLError.shapeMismatch(node: index)
        func requireShift(_ at: Int, _ range: ClosedRange<Int32>) throws(MLError) {
            if !range.contains(a[at]) { throw MLError.badAttribute(node: index, index: at) }
        }
        func requirePositive(_ at: Int) throws(MLError) {
            if a[at] < 1 { throw MLError.badAttribute(node: index, index: at) }
        }
        func requireRequantizer(_ at: Int) throws(MLError) {
            if !Requantizer(multiplier: a[at], shift: a[at + 1]).isValid { throw MLError.badAttribute(node: index, index: at) }
        }
        switch node.op {
        case .dense:
            try requireShift(0, 0...32)
            try requireShift(1, 0...62)
            let x = dims[0], w = dims[1], b = dims[2]
            if x.isEmpty || w.count != 2 || b.count != 1 || x.last != w[1] || b[0] != w[0] { throw bad }
            return Array(x.dropLast()) + [w[0]]
        case .denseInputGradient:
            try requireShift(0, 0...62)
            let g = dims[0], w = dims[1]
            if g.isEmpty || w.count != 2 || g.last != w[0] { throw bad }
            return Array(g.dropLast()) + [w[1]]
        case .denseWeightGradient:
            try requireShift(0, 0...62)
            let g = dims[0], x = dims[1]
            if g.isEmpty || x.isEmpty || Array(g.dropLast()) != Array(x.dropLast()) { throw bad }
            return [g[g.count - 1], x[x.count - 1]]
        case .sumToAxis:
            if a[0] < 0 || Int(a[0]) >= dims[0].count { throw MLError.badAttribute(node: index, index: 0) }
            try requireShift(1, 0...32)
            return [dims[0][Int(a[0])]]
        case .reluGradient, .momentum, .sgdStep:
            if node.op != .reluGradient { try requireRequantizer(0) }
            if dims[0] != dims[1] { throw bad }
            return dims[0]
        case .softmaxCrossEntropyGradient:
            try requireRequantizer(0)
            try requireShift(2, 0...32)
            let logits = dims[0], labels = dims[1]
            if logits.count != 2 || labels != [logits[0]] { throw bad }
            return logits
        case .convolution, .convolutionInputGradient, .convolutionWeightGradient:
            for at in 0..<2 { try requirePositive(at) }
            if a[2] < 0 || a[3] < 0 || a[2] > 64 || a[3] > 64 { throw MLError.badAttribute(node: index, index: 2) }
            guard let geometry = try convolutionGeometry(of: node, at: index, operands: dims) else { throw bad }
            switch node.op {
            case .convolution:
                return [geometry.batch, geometry.outChannels, geometry.outHeight, geometry.outWidth]
            case .convolutionInputGradient:
                return [geometry.batch, geometry.channels, geometry.height, geometry.width]
            default:
                return [geometry.outChannels, geometry.channels, geometry.kernelHeight, geometry.kernelWidth]
            }
        case .maxPoolGradient:
            for at in 0..<4 { try requirePositive(at) }
            let x = dims[0], g = dims[1]
            if x.count != 3 || Int(a[0]) > x[1] || Int(a[1]) > x[2] { throw bad }
            if g != [x[0], (x[1] - Int(a[0])) / Int(a[2]) + 1, (x[2] - Int(a[1])) / Int(a[3]) + 1] { throw bad }
            return x
        default:
            throw bad
        }
    }

    /// The convolution a `convolution` or gradient node describes, checked against its operands; `nil` when they
    /// disagree.
    static func convolutionGeometry(of node: Node, at index: Int, operands dims: [[Int]]) throws(MLError) -> ConvolutionGeometry? {
        let a = node.attributes
        func geometry(_ x: [Int], _ w: [Int]) -> ConvolutionGeometry? {
            if x.count != 4 || w.count != 4 || x[1] != w[1] || x.contains(where: { $0 < 1 }) || w.contains(where: { $0 < 1 }) {
                return nil
            }
            let g = ConvolutionGeometry(batch: x[0], channels: x[1], height: x[2], width: x[3], outChannels: w[0],
                                        kernelHeight: w[2], kernelWidth: w[3], strideH: Int(a[0]), strideW: Int(a[1]),
                                        padH: Int(a[2]), padW: Int(a[3]))
            return g.outHeight >= 1 && g.outWidth >= 1 ? g : nil
        }
        switch node.op {
        case .convolution:
            if a[4] < 0 || a[4] > 32 { throw MLError.badAttribute(node: index, index: 4) }
            if a[5] < 0 || a[5] > 62 { throw MLError.badAttribute(node: index, index: 5) }
            if dims[2] != [dims[1].first ?? -1] { return nil }
            return geometry(dims[0], dims[1])
        case .convolutionInputGradient:
            for at in 4..<6 where a[at] < 1 { throw MLError.badAttribute(node: index, index: at) }
            if a[6] < 0 || a[6] > 62 { throw MLError.badAttribute(node: index, index: 6) }
            let g = dims[0], w = dims[1]
            if g.count != 4 || w.count != 4 || g[1] != w[0] { return nil }
            guard let geo = geometry([g[0], w[1], Int(a[4]), Int(a[5])], w) else { return nil }
            return geo.outHeight == g[2] && geo.outWidth == g[3] ? geo : nil
        default:
            for at in 4..<6 where a[at] < 1 { throw MLError.badAttribute(node: index, index: at) }
            if a[6] < 0 || a[6] > 62 { throw MLError.badAttribute(node: index, index: 6) }
            let g = dims[0], x = dims[1]
            if g.count != 4 || x.count != 4 || g[0] != x[0] { return nil }
            guard let geo = geometry(x, [g[1], x[1], Int(a[4]), Int(a[5])]) else { return nil }
            return geo.outHeight == g[2] && geo.outWidth == g[3] ? geo : nil
        }
    }
}
