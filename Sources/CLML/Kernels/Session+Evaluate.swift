extension Session {
    /// Applies node `index` to fully resolved operands (shapes already checked by the model).
    mutating func evaluate(_ index: Int, operands: [Tensor]) throws(MLError) -> Tensor {
        let node = model.nodes[index]
        let a = node.attributes
        let shape = model.nodeShapes[index]
        let dtype = node.dtype
        func stage(_ at: Int, zero: Int32, relu: Bool) -> OutputStage {
            OutputStage(requantizer: Requantizer(multiplier: a[at], shift: a[at + 1]), zeroPoint: zero, dtype: dtype, relu: relu)
        }
        func packed(_ operand: Int) -> [Int8] {
            if case .constant(let k) = node.inputs[operand] { return model.packedConstants[k] }
            return []
        }
        let x = operands[0]
        let values: [Int32]
        switch node.op {
        case .linear:
            let weights = packed(1)
            let width = operands[1].shape[0]
            let depth = operands[1].shape[1]
            values = Session.linear(
                x.values, zeroPoint: a[0], batch: x.count / depth, depth: depth, weights: weights,
                bias: operands[2].values, width: width, stage: stage(2, zero: a[1], relu: a[4] != 0))
        case .matmul:
            values = LinearKernels.matmul(
                x.values, operands[1].values, rows: x.shape[0], depth: x.shape[1], columns: operands[1].shape[1],
                aZero: a[0], bZero: a[1], stage: stage(3, zero: a[2], relu: false))
        case .conv2d:
            values = Session.convolution(
                x, weights: packed(1), weightShape: operands[1].shape, bias: operands[2].values,
                strides: (Int(a[0]), Int(a[1])), padding: (Int(a[2]), Int(a[3])), zeroPoint: a[4],
                outputShape: shape, stage: stage(6, zero: a[5], relu: a[8] != 0))
        case .add:
            values = ElementwiseKernels.add(
                x.values, operands[1].values, aZero: a[0], bZero: a[1], outZero: a[2],
                aMultiplier: a[3], bMultiplier: a[4], shift: a[5], dtype: dtype)
        case .mul:
            values = ElementwiseKernels.mul(x.values, operands[1].values, aZero: a[0], bZero: a[1], stage: stage(3, zero: a[2], relu: false))
        case .relu:
            values = ElementwiseKernels.relu(x.values, zeroPoint: a[0])
        case .maxPool, .averagePool:
            values = ElementwiseKernels.pool(
                x.values, channels: x.shape[0], height: x.shape[1], width: x.shape[2],
                kernelHeight: Int(a[0]), kernelWidth: Int(a[1]), strideH: Int(a[2]), strideW: Int(a[3]),
                average: node.op == .averagePool)
        case .reshape, .flatten:
            values = x.values
        case .concat:
            values = ElementwiseKernels.concatenate(operands, axis: Int(a[0]))
        case .softmax:
            let width = x.shape[x.shape.count - 1]
            values = NormKernels.softmax(
                x.values, rows: x.count / width, width: width,
                toQ16: Requantizer(multiplier: a[0], shift: a[1]), dtype: dtype)
        case .layerNorm, .rmsNorm:
            let width = x.shape[x.shape.count - 1]
            let isLayerNorm = node.op == .layerNorm
            values = NormKernels.normalize(
                x.values, rows: x.count / width, width: width, gamma: operands[1].values,
                beta: isLayerNorm ? operands[2].values : nil, epsilon: a[0], subtractMean: isLayerNorm,
                stage: stage(2, zero: a[1], relu: false))
        case .gelu, .silu:
            values = NormKernels.sigmoidGate(
                x.values, inputZero: a[0], gate: Requantizer(multiplier: a[1], shift: a[2]),
                stage: stage(4, zero: a[3], relu: false))
        case .embedding:
            let table = operands[1]
            let result = SequenceKernels.embedding(ids: x.values, table: table.values, vocabulary: table.shape[0], width: table.shape[1])
            if let bad = result.badIndex { throw MLError.indexOutOfRange(node: index, index: bad) }
            values = result.rows
        case .rotaryEmbedding:
            let table = operands[1]
            if position + x.shape[0] > table.shape[0] { throw MLError.indexOutOfRange(node: index, index: position + x.shape[0] - 1) }
            values = SequenceKernels.rotary(
                x.values, tokens: x.shape[0], heads: x.shape[1], headDim: x.shape[2], table: table.values,
                start: position, dtype: dtype)
        case .attention:
            let tokens = x.shape[0]
            if !caches[index].append(keys: operands[1].values, values: operands[2].values, tokens: tokens) {
                throw MLError.cacheFull(node: index)
            }
            values = SequenceKernels.attention(
                x.values, tokens: tokens, cache: caches[index],
                score: Requantizer(multiplier: a[0], shift: a[1]), stage: stage(2, zero: 0, relu: false))
        case .dense, .denseInputGradient, .denseWeightGradient, .sumToAxis, .reluGradient, .softmaxCrossEntropyGradient,
             .momentum, .sgdStep, .convolution, .convolutionInputGradient, .convolutionWeightGradient, .maxPoolGradient:
            values = try Session.evaluateTraining(node, at: index, operands: operands)
        }
        // Every kernel saturates its results to the node's type (shape inference fixed the types of the
        // value-preserving operators to their input's), so the values are in range here.
        return Tensor(dtype: dtype, shape: shape, values: values)
    }

    /// A linear layer: centre the input, then split the output rows across the available cores.
    static func linear(
        _ x: [Int32], zeroPoint: Int32, batch: Int, depth: Int, weights: [Int8], bias: [Int32], width: Int,
        stage: OutputStage
    ) -> [Int32] {
        var out = [Int32](repeating: 0, count: batch * width)
        let work = batch * width * depth
        if let narrow = LinearKernels.centeredNarrow(x, zeroPoint: zeroPoint, limit: LinearKernels.narrowLimit(depth: depth)) {
            narrow.withUnsafeBufferPointer { xs in
                weights.withUnsafeBufferPointer { ws in
                    bias.withUnsafeBufferPointer { bs in
                        out.withUnsafeMutableBufferPointer { ys in
                            let xp = xs.baseAddress!, wp = ws.baseAddress!, bp = bs.baseAddress!, yp = ys.baseAddress!
                            ParallelRows.forEach(count: width, work: work) { rows in
                                LinearKernels.linearRows(
                                    x: xp, batch: batch, depth: depth, weights: wp, bias: bp, width: width,
                                    rows: rows, stage: stage, output: yp)
                            }
                        }
                    }
                }
            }
        } else {
            let wide = LinearKernels.centeredWide(x, zeroPoint: zeroPoint)
            wide.withUnsafeBufferPointer { xs in
                weights.withUnsafeBufferPointer { ws in
                    bias.withUnsafeBufferPointer { bs in
                        out.withUnsafeMutableBufferPointer { ys in
                            let xp = xs.baseAddress!, wp = ws.baseAddress!, bp = bs.baseAddress!, yp = ys.baseAddress!
                            ParallelRows.forEach(count: width, work: work) { rows in
                                LinearKernels.linearRowsWide(
                                    x: xp, batch: batch, depth: depth, weights: wp, bias: bp, width: width,
                                    rows: rows, stage: stage, output: yp)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// A convolution: unfold the centred input into patches, then split output channels across cores.
    static func convolution(
        _ x: Tensor, weights: [Int8], weightShape: [Int], bias: [Int32], strides: (Int, Int), padding: (Int, Int),
        zeroPoint: Int32, outputShape: [Int], stage: OutputStage
    ) -> [Int32] {
        let depth = weightShape[1] * weightShape[2] * weightShape[3]
        let patchCount = outputShape[1] * outputShape[2]
        let channels = weightShape[0]
        var out = [Int32](repeating: 0, count: channels * patchCount)
        let centered: [Int16]
        let byteInputs: Bool
        if let narrow = LinearKernels.centeredNarrow(x.values, zeroPoint: zeroPoint, limit: 255) {
            centered = narrow
            byteInputs = true
        } else if let narrow = LinearKernels.centeredNarrow(x.values, zeroPoint: zeroPoint, limit: LinearKernels.narrowLimit(depth: depth)) {
            centered = narrow
            byteInputs = false
        } else {
            return convolutionWide(x, weights: weights, weightShape: weightShape, bias: bias, strides: strides,
                                   padding: padding, zeroPoint: zeroPoint, outputShape: outputShape, stage: stage)
        }
        if channels <= LinearKernels.directConvolutionChannels {
            // A conv of one or two output channels (a tile, docs/PROTOCOL.md "Graph tiling") reads the input in
            // place: unfolding it would cost more than the multiply-accumulates.
            let geometry = LinearKernels.ConvolutionGeometry(
                channels: x.shape[0], height: x.shape[1], width: x.shape[2], kernelHeight: weightShape[2],
                kernelWidth: weightShape[3], strideH: strides.0, strideW: strides.1, padH: padding.0, padW: padding.1,
                outHeight: outputShape[1], outWidth: outputShape[2])
            centered.withUnsafeBufferPointer { xs in
                weights.withUnsafeBufferPointer { ws in
                    bias.withUnsafeBufferPointer { bs in
                        out.withUnsafeMutableBufferPointer { ys in
                            LinearKernels.convolutionChannelsDirect(
                                centered: xs.baseAddress!, geometry: geometry, weights: ws.baseAddress!, bias: bs.baseAddress!,
                                channels: 0..<channels, stage: stage, output: ys.baseAddress!, byteInputs: byteInputs)
                        }
                    }
                }
            }
            return out
        }
        let rows = LinearKernels.unfoldRows(
            centered, channels: x.shape[0], height: x.shape[1], width: x.shape[2],
            kernelHeight: weightShape[2], kernelWidth: weightShape[3], strideH: strides.0, strideW: strides.1,
            padH: padding.0, padW: padding.1, outHeight: outputShape[1], outWidth: outputShape[2])
        rows.withUnsafeBufferPointer { rs in
            weights.withUnsafeBufferPointer { ws in
                bias.withUnsafeBufferPointer { bs in
                    out.withUnsafeMutableBufferPointer { ys in
                        let rp = rs.baseAddress!, wp = ws.baseAddress!, bp = bs.baseAddress!, yp = ys.baseAddress!
                        ParallelRows.forEach(count: channels, work: channels * patchCount * depth) { range in
                            LinearKernels.convolutionChannels(
                                rows: rp, positions: patchCount, depth: depth, weights: wp, bias: bp,
                                channels: range, stage: stage, output: yp, byteInputs: byteInputs)
                        }
                    }
                }
            }
        }
        return out
    }

    /// The convolution for inputs whose centred values do not fit the 16-bit path: direct loops in 64 bits.
    static func convolutionWide(
        _ x: Tensor, weights: [Int8], weightShape: [Int], bias: [Int32], strides: (Int, Int), padding: (Int, Int),
        zeroPoint: Int32, outputShape: [Int], stage: OutputStage
    ) -> [Int32] {
        let (channels, kernelHeight, kernelWidth) = (weightShape[1], weightShape[2], weightShape[3])
        let (height, width) = (x.shape[1], x.shape[2])
        var out = [Int32](repeating: 0, count: weightShape[0] * outputShape[1] * outputShape[2])
        for o in 0..<weightShape[0] {
            for oy in 0..<outputShape[1] {
                for ox in 0..<outputShape[2] {
                    var total = Int64(bias[o])
                    for c in 0..<channels {
                        for ky in 0..<kernelHeight {
                            let iy = oy * strides.0 - padding.0 + ky
                            if iy < 0 || iy >= height { continue }
                            for kx in 0..<kernelWidth {
                                let ix = ox * strides.1 - padding.1 + kx
                                if ix < 0 || ix >= width { continue }
                                let centered = Int64(x.values[(c * height + iy) * width + ix]) - Int64(zeroPoint)
                                let w = Int64(weights[((o * channels + c) * kernelHeight + ky) * kernelWidth + kx])
                                total &+= centered &* w
                            }
                        }
                    }
                    out[(o * outputShape[1] + oy) * outputShape[2] + ox] = stage.finish(total)
                }
            }
        }
        return out
    }
}
