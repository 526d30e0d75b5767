extension Session {
    /// Applies training node `node` (docs/TRAINING.md) to operands whose shapes the model has checked.
    static func evaluateTraining(_ node: Node, at index: Int, operands: [Tensor]) throws(MLError) -> [Int32] {
        let a = node.attributes
        let x = operands[0]
        func last(_ tensor: Tensor) -> Int { tensor.shape[tensor.shape.count - 1] }
        func geometry() throws(MLError) -> ConvolutionGeometry {
            guard let g = try TrainingShapes.convolutionGeometry(of: node, at: index, operands: operands.map { $0.shape }) else {
                throw MLError.shapeMismatch(node: index)
            }
            return g
        }
        switch node.op {
        case .dense:
            let w = operands[1]
            return TrainingKernels.dense(
                x.values, weights: w.values, bias: operands[2].values, rows: x.count / w.shape[1], depth: w.shape[1],
                width: w.shape[0], biasShift: Int64(a[0]), outShift: Int64(a[1]))
        case .denseInputGradient:
            let w = operands[1]
            return TrainingKernels.denseInputGradient(
                x.values, weights: w.values, rows: x.count / w.shape[0], depth: w.shape[1], width: w.shape[0], shift: Int64(a[0]))
        case .denseWeightGradient:
            let input = operands[1]
            let width = last(x)
            return TrainingKernels.denseWeightGradient(
                x.values, input: input.values, rows: x.count / width, depth: last(input), width: width, shift: Int64(a[0]))
        case .sumToAxis:
            return TrainingKernels.sumToAxis(x.values, shape: x.shape, axis: Int(a[0]), leftShift: Int64(a[1]))
        case .reluGradient:
            return TrainingKernels.reluGradient(x.values, output: operands[1].values)
        case .softmaxCrossEntropyGradient:
            let result = TrainingKernels.softmaxCrossEntropyGradient(
                x.values, labels: operands[1].values, rows: x.shape[0], classes: x.shape[1],
                toQ16: Requantizer(multiplier: a[0], shift: a[1]), gradientShift: Int64(a[2]))
            if let row = result.badRow { throw MLError.indexOutOfRange(node: index, index: row) }
            return result.gradient
        case .momentum:
            return TrainingKernels.momentum(x.values, gradient: operands[1].values, decay: Requantizer(multiplier: a[0], shift: a[1]))
        case .sgdStep:
            return TrainingKernels.sgdStep(x.values, update: operands[1].values, rate: Requantizer(multiplier: a[0], shift: a[1]))
        case .convolution:
            return TrainingKernels.convolution(
                x.values, weights: operands[1].values, bias: operands[2].values, geometry: try geometry(),
                biasShift: Int64(a[4]), outShift: Int64(a[5]))
        case .convolutionInputGradient:
            return TrainingKernels.convolutionInputGradient(x.values, weights: operands[1].values, geometry: try geometry(), shift: Int64(a[6]))
        case .convolutionWeightGradient:
            return TrainingKernels.convolutionWeightGradient(x.values, input: operands[1].values, geometry: try geometry(), shift: Int64(a[6]))
        case .maxPoolGradient:
            return TrainingKernels.maxPoolGradient(
                x.values, gradient: operands[1].values, channels: x.shape[0], height: x.shape[1], width: x.shape[2],
                kernel: (Int(a[0]), Int(a[1])), stride: (Int(a[2]), Int(a[3])))
        default:
            throw MLError.shapeMismatch(node: index)
        }
    }
}
