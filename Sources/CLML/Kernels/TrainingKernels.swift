/// The kernels of integer training (docs/TRAINING.md): dense and convolution layers over int32 graph values,
/// their input and weight gradients, the ReLU and max-pool gradients, the softmax cross-entropy gradient, and
/// SGD with momentum. Every product is formed in 64 bits and scaled by the engine's one rounding rule
/// (`FixedPoint.roundingShift`, halves toward +∞); results saturate to int32. Arithmetic wraps rather than
/// traps, so a hostile model gets wrong numbers, never a crash.
public enum TrainingKernels {
    /// `y[r, n] = round((Σ_k x[r, k]·W[n, k] + (b[n] << biasShift)) / 2^outShift)` for `rows` rows of depth `depth`.
    public static func dense(
        _ x: [Int32], weights: [Int32], bias: [Int32], rows: Int, depth: Int, width: Int, biasShift: Int64, outShift: Int64
    ) -> [Int32] {
        var out = [Int32](repeating: 0, count: rows * width)
        x.withUnsafeBufferPointer { xs in
            weights.withUnsafeBufferPointer { ws in
                out.withUnsafeMutableBufferPointer { ys in
                    let xp = xs.baseAddress!, wp = ws.baseAddress!, yp = ys.baseAddress!
                    ParallelRows.forEach(count: width, work: rows * width * depth) { columns in
                        for n in columns {
                            let w = wp + n * depth
                            let b = Int64(bias[n]) &<< biasShift
                            for r in 0..<rows {
                                let total = dot(xp + r * depth, w, depth) &+ b
                                yp[r * width + n] = DType.int32.saturate(FixedPoint.roundingShift(total, outShift))
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `dx[r, k] = round(Σ_n g[r, n]·W[n, k] / 2^shift)`.
    public static func denseInputGradient(
        _ gradient: [Int32], weights: [Int32], rows: Int, depth: Int, width: Int, shift: Int64
    ) -> [Int32] {
        var out = [Int32](repeating: 0, count: rows * depth)
        gradient.withUnsafeBufferPointer { gs in
            weights.withUnsafeBufferPointer { ws in
                out.withUnsafeMutableBufferPointer { ys in
                    let gp = gs.baseAddress!, wp = ws.baseAddress!, yp = ys.baseAddress!
                    ParallelRows.forEach(count: rows, work: rows * width * depth) { part in
                        var accumulator = [Int64](repeating: 0, count: depth)
                        for r in part {
                            for k in 0..<depth { accumulator[k] = 0 }
                            for n in 0..<width {
                                let g = Int64(gp[r * width + n])
                                if g == 0 { continue }
                                let w = wp + n * depth
                                for k in 0..<depth { accumulator[k] &+= g &* Int64(w[k]) }
                            }
                            for k in 0..<depth {
                                yp[r * depth + k] = DType.int32.saturate(FixedPoint.roundingShift(accumulator[k], shift))
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `dW[n, k] = round(Σ_r g[r, n]·x[r, k] / 2^shift)`.
    public static func denseWeightGradient(
        _ gradient: [Int32], input x: [Int32], rows: Int, depth: Int, width: Int, shift: Int64
    ) -> [Int32] {
        var out = [Int32](repeating: 0, count: width * depth)
        gradient.withUnsafeBufferPointer { gs in
            x.withUnsafeBufferPointer { xs in
                out.withUnsafeMutableBufferPointer { ys in
                    let gp = gs.baseAddress!, xp = xs.baseAddress!, yp = ys.baseAddress!
                    ParallelRows.forEach(count: width, work: rows * width * depth) { columns in
                        var accumulator = [Int64](repeating: 0, count: depth)
                        for n in columns {
                            for k in 0..<depth { accumulator[k] = 0 }
                            for r in 0..<rows {
                                let g = Int64(gp[r * width + n])
                                if g == 0 { continue }
                                let row = xp + r * depth
                                for k in 0..<depth { accumulator[k] &+= g &* Int64(row[k]) }
                            }
                            for k in 0..<depth {
                                yp[n * depth + k] = DType.int32.saturate(FixedPoint.roundingShift(accumulator[k], shift))
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The sum over every axis but `axis` of a tensor of shape `shape`, shifted left by `leftShift`
    /// (the bias gradient of a dense or convolution layer).
    public static func sumToAxis(_ values: [Int32], shape: [Int], axis: Int, leftShift: Int64) -> [Int32] {
        let size = shape[axis]
        var inner = 1
        for d in (axis + 1)..<shape.count { inner *= shape[d] }
        var totals = [Int64](repeating: 0, count: size)
        for index in 0..<values.count {
            let channel = (index / inner) % size
            totals[channel] &+= Int64(values[index])
        }
        return totals.map { DType.int32.saturate($0 &<< leftShift) }
    }

    /// `g` where the forward output `y` is positive, 0 elsewhere.
    public static func reluGradient(_ gradient: [Int32], output y: [Int32]) -> [Int32] {
        var out = gradient
        for index in 0..<out.count where y[index] <= 0 { out[index] = 0 }
        return out
    }

    /// The batch-mean gradient of softmax cross-entropy with respect to the logits:
    /// `round((p_Q15 − 2^15·[c = label]) · 2^gradientShift / rows)`. Returns the first bad label's row when a
    /// label is outside `0..<classes`.
    public static func softmaxCrossEntropyGradient(
        _ logits: [Int32], labels: [Int32], rows: Int, classes: Int, toQ16: Requantizer, gradientShift: Int64
    ) -> (gradient: [Int32], badRow: Int?) {
        for r in 0..<rows where labels[r] < 0 || Int(labels[r]) >= classes { return ([], r) }
        let probabilities = NormKernels.softmax(logits, rows: rows, width: classes, toQ16: toQ16, dtype: .int32)
        var out = [Int32](repeating: 0, count: rows * classes)
        let batch = Int64(rows)
        for r in 0..<rows {
            for c in 0..<classes {
                var delta = Int64(probabilities[r * classes + c])
                if c == Int(labels[r]) { delta -= 1 << 15 }
                out[r * classes + c] = DType.int32.saturate(FixedPoint.roundingDivide(delta &<< gradientShift, batch))
            }
        }
        return (out, nil)
    }

    /// Momentum: `v' = scale(v) + g`.
    public static func momentum(_ velocity: [Int32], gradient: [Int32], decay: Requantizer) -> [Int32] {
        var out = [Int32](repeating: 0, count: velocity.count)
        for index in 0..<out.count {
            out[index] = DType.int32.saturate(decay.apply(Int64(velocity[index])) &+ Int64(gradient[index]))
        }
        return out
    }

    /// An SGD step: `W' = W − scale(u)`.
    public static func sgdStep(_ weights: [Int32], update: [Int32], rate: Requantizer) -> [Int32] {
        var out = [Int32](repeating: 0, count: weights.count)
        for index in 0..<out.count {
            out[index] = DType.int32.saturate(Int64(weights[index]) &- rate.apply(Int64(update[index])))
        }
        return out
    }

    /// The gradient of max pooling over `[C, H, W]`: each output's gradient goes to the first maximum of its
    /// window in row-major order; overlapping windows add.
    public static func maxPoolGradient(
        _ x: [Int32], gradient: [Int32], channels: Int, height: Int, width: Int,
        kernel: (Int, Int), stride: (Int, Int)
    ) -> [Int32] {
        let outHeight = (height - kernel.0) / stride.0 + 1
        let outWidth = (width - kernel.1) / stride.1 + 1
        var totals = [Int64](repeating: 0, count: x.count)
        for c in 0..<channels {
            let plane = c * height * width
            for oy in 0..<outHeight {
                for ox in 0..<outWidth {
                    var best = plane + oy * stride.0 * width + ox * stride.1
                    for ky in 0..<kernel.0 {
                        for kx in 0..<kernel.1 {
                            let at = plane + (oy * stride.0 + ky) * width + ox * stride.1 + kx
                            if x[at] > x[best] { best = at }
                        }
                    }
                    totals[best] &+= Int64(gradient[(c * outHeight + oy) * outWidth + ox])
                }
            }
        }
        return totals.map { DType.int32.saturate($0) }
    }

    /// `Σ x[i]·w[i]` in 64 bits (wrapping).
    @inlinable @inline(__always)
    static func dot(_ x: UnsafePointer<Int32>, _ w: UnsafePointer<Int32>, _ depth: Int) -> Int64 {
        var total: Int64 = 0
        var index = 0
        while index < depth {
            total &+= Int64(x[index]) &* Int64(w[index])
            index &+= 1
        }
        return total
    }
}
