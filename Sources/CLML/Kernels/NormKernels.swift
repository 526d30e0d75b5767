/// Softmax, layer normalisation, RMS normalisation and the sigmoid-gated activations (GELU, SiLU).
public enum NormKernels {
    /// Softmax of Q16 logits into Q15 probabilities: `p_i = round(2^15 · e_i / Σ e)`, with
    /// `e_i = expQ30(l_i − max l)`.
    public static func softmaxQ15(_ logitsQ16: UnsafeBufferPointer<Int64>, into out: UnsafeMutableBufferPointer<Int64>) {
        var largest = Int64.min
        for value in logitsQ16 where value > largest { largest = value }
        var total: Int64 = 0
        for index in 0..<logitsQ16.count {
            let e = FixedPoint.expQ30(negativeQ16: logitsQ16[index] &- largest)
            out[index] = e
            total &+= e
        }
        for index in 0..<logitsQ16.count {
            out[index] = FixedPoint.roundingDivide(out[index] << 15, total)
        }
    }

    /// Softmax over the last axis of `rows × width` values; `toQ16` takes `x − max` into Q16 units.
    public static func softmax(_ x: [Int32], rows: Int, width: Int, toQ16: Requantizer, dtype: DType) -> [Int32] {
        var out = [Int32](repeating: 0, count: x.count)
        var logits = [Int64](repeating: 0, count: width)
        var probabilities = [Int64](repeating: 0, count: width)
        for row in 0..<rows {
            var largest = Int32.min
            for index in 0..<width where x[row * width + index] > largest { largest = x[row * width + index] }
            for index in 0..<width {
                logits[index] = toQ16.apply(Int64(x[row * width + index]) - Int64(largest))
            }
            logits.withUnsafeBufferPointer { source in
                probabilities.withUnsafeMutableBufferPointer { target in softmaxQ15(source, into: target) }
            }
            for index in 0..<width { out[row * width + index] = dtype.saturate(probabilities[index]) }
        }
        return out
    }

    /// Layer or RMS normalisation over the last axis.
    ///
    /// With `d_Q8 = 256·x − mean_Q8` (`mean_Q8 = 0` for RMS), `σ_Q8 = ⌊√(Σ d_Q8² / D + ε·2^16)⌋` and
    /// `z_Q12 = round(d_Q8 · 2^12 / σ_Q8)`, the output is `stage(z_Q12·γ + β)`.
    public static func normalize(
        _ x: [Int32], rows: Int, width: Int, gamma: [Int32], beta: [Int32]?, epsilon: Int32,
        subtractMean: Bool, stage: OutputStage
    ) -> [Int32] {
        var out = [Int32](repeating: 0, count: x.count)
        var centered = [Int64](repeating: 0, count: width)
        let depth = Int64(width)
        for row in 0..<rows {
            let base = row * width
            var meanQ8: Int64 = 0
            if subtractMean {
                var total: Int64 = 0
                for index in 0..<width { total += Int64(x[base + index]) }
                meanQ8 = FixedPoint.roundingDivide(total << 8, depth)
            }
            var squares: Int64 = 0
            for index in 0..<width {
                let d = (Int64(x[base + index]) << 8) - meanQ8
                centered[index] = d
                squares &+= d &* d
            }
            let variance = squares / depth + (Int64(max(epsilon, 0)) << 16)
            let deviation = Int64(truncatingIfNeeded: FixedPoint.squareRoot(UInt64(bitPattern: max(variance, 0))))
            for index in 0..<width {
                let z = deviation == 0 ? 0 : FixedPoint.roundingDivide(centered[index] << 12, deviation)
                var total = z &* Int64(gamma[index])
                if let beta { total &+= Int64(beta[index]) }
                out[base + index] = stage.finish(total)
            }
        }
        return out
    }

    /// `y = stage((x − zx)·σ_Q16(gate(x − zx)))`: SiLU with `gate` = the input scale in Q16, GELU with
    /// 1.702 times it.
    public static func sigmoidGate(_ x: [Int32], inputZero: Int32, gate: Requantizer, stage: OutputStage) -> [Int32] {
        var out = [Int32](repeating: 0, count: x.count)
        for index in 0..<x.count {
            let centered = Int64(x[index]) - Int64(inputZero)
            let sigma = FixedPoint.sigmoidQ16(gate.apply(centered))
            out[index] = stage.finish(centered &* sigma)
        }
        return out
    }
}
