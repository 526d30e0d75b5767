/// The geometry of a batched 2-D convolution over `[B, C, H, W]` with weights `[O, C, KH, KW]`; padding reads zero.
public struct ConvolutionGeometry: Equatable, Sendable {
    /// Batch, input channels, input height and width.
    public var batch: Int, channels: Int, height: Int, width: Int
    /// Output channels, kernel height and width.
    public var outChannels: Int, kernelHeight: Int, kernelWidth: Int
    /// Strides and paddings (height, width).
    public var strideH: Int, strideW: Int, padH: Int, padW: Int

    /// A geometry; callers check the ranges (shape inference does).
    public init(batch: Int, channels: Int, height: Int, width: Int, outChannels: Int, kernelHeight: Int, kernelWidth: Int,
                strideH: Int, strideW: Int, padH: Int, padW: Int) {
        self.batch = batch; self.channels = channels; self.height = height; self.width = width
        self.outChannels = outChannels; self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.strideH = strideH; self.strideW = strideW; self.padH = padH; self.padW = padW
    }

    /// The output height, or 0 when the kernel does not fit.
    public var outHeight: Int {
        height + 2 * padH < kernelHeight ? 0 : (height + 2 * padH - kernelHeight) / strideH + 1
    }
    /// The output width, or 0 when the kernel does not fit.
    public var outWidth: Int {
        width + 2 * padW < kernelWidth ? 0 : (width + 2 * padW - kernelWidth) / strideW + 1
    }
    /// Multiply-accumulates of one pass (forward or either gradient).
    var work: Int { batch * outChannels * outHeight * outWidth * channels * kernelHeight * kernelWidth }
}

extension TrainingKernels {
    /// `y[b, o, oy, ox] = round((Σ_{c,ky,kx} x[b, c, iy, ix]·W[o, c, ky, kx] + (b_o << biasShift)) / 2^outShift)`
    /// with `iy = oy·sH − pH + ky`, `ix = ox·sW − pW + kx`.
    public static func convolution(
        _ x: [Int32], weights: [Int32], bias: [Int32], geometry g: ConvolutionGeometry, biasShift: Int64, outShift: Int64
    ) -> [Int32] {
        let oh = g.outHeight, ow = g.outWidth
        var out = [Int32](repeating: 0, count: g.batch * g.outChannels * oh * ow)
        x.withUnsafeBufferPointer { xs in
            weights.withUnsafeBufferPointer { ws in
                out.withUnsafeMutableBufferPointer { ys in
                    let xp = xs.baseAddress!, wp = ws.baseAddress!, yp = ys.baseAddress!
                    ParallelRows.forEach(count: g.outChannels, work: g.work) { part in
                        for o in part {
                            let b0 = Int64(bias[o]) &<< biasShift
                            for b in 0..<g.batch {
                                for oy in 0..<oh {
                                    for ox in 0..<ow {
                                        var total = b0
                                        for c in 0..<g.channels {
                                            let plane = xp + (b * g.channels + c) * g.height * g.width
                                            let kernel = wp + ((o * g.channels + c) * g.kernelHeight) * g.kernelWidth
                                            for ky in 0..<g.kernelHeight {
                                                let iy = oy * g.strideH - g.padH + ky
                                                if iy < 0 || iy >= g.height { continue }
                                                for kx in 0..<g.kernelWidth {
                                                    let ix = ox * g.strideW - g.padW + kx
                                                    if ix < 0 || ix >= g.width { continue }
                                                    total &+= Int64(plane[iy * g.width + ix]) &* Int64(kernel[ky * g.kernelWidth + kx])
                                                }
                                            }
                                        }
                                        let at = ((b * g.outChannels + o) * oh + oy) * ow + ox
                                        yp[at] = DType.int32.saturate(FixedPoint.roundingShift(total, outShift))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `dx[b, c, iy, ix] = round(Σ g[b, o, oy, ox]·W[o, c, ky, kx] / 2^shift)` over every output position that read
    /// `(iy, ix)`.
    public static func convolutionInputGradient(
        _ gradient: [Int32], weights: [Int32], geometry g: ConvolutionGeometry, shift: Int64
    ) -> [Int32] {
        let oh = g.outHeight, ow = g.outWidth
        let sampleSize = g.channels * g.height * g.width
        var out = [Int32](repeating: 0, count: g.batch * sampleSize)
        gradient.withUnsafeBufferPointer { gs in
            weights.withUnsafeBufferPointer { ws in
                out.withUnsafeMutableBufferPointer { ys in
                    let gp = gs.baseAddress!, wp = ws.baseAddress!, yp = ys.baseAddress!
                    ParallelRows.forEach(count: g.batch, work: g.work) { part in
                        var totals = [Int64](repeating: 0, count: sampleSize)
                        for b in part {
                            for index in 0..<sampleSize { totals[index] = 0 }
                            for o in 0..<g.outChannels {
                                for oy in 0..<oh {
                                    for ox in 0..<ow {
                                        let value = Int64(gp[((b * g.outChannels + o) * oh + oy) * ow + ox])
                                        if value == 0 { continue }
                                        for c in 0..<g.channels {
                                            let kernel = wp + ((o * g.channels + c) * g.kernelHeight) * g.kernelWidth
                                            for ky in 0..<g.kernelHeight {
                                                let iy = oy * g.strideH - g.padH + ky
                                                if iy < 0 || iy >= g.height { continue }
                                                for kx in 0..<g.kernelWidth {
                                                    let ix = ox * g.strideW - g.padW + kx
                                                    if ix < 0 || ix >= g.width { continue }
                                                    totals[(c * g.height + iy) * g.width + ix] &+= value &* Int64(kernel[ky * g.kernelWidth + kx])
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            for index in 0..<sampleSize {
                                yp[b * sampleSize + index] = DType.int32.saturate(FixedPoint.roundingShift(totals[index], shift))
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `dW[o, c, ky, kx] = round(Σ_{b,oy,ox} g[b, o, oy, ox]·x[b, c, iy, ix] / 2^shift)`.
    public static func convolutionWeightGradient(
        _ gradient: [Int32], input x: [Int32], geometry g: ConvolutionGeometry, shift: Int64
    ) -> [Int32] {
        let oh = g.outHeight, ow = g.outWidth
        let kernelSize = g.channels * g.kernelHeight * g.kernelWidth
        var out = [Int32](repeating: 0, count: g.outChannels * kernelSize)
        gradient.withUnsafeBufferPointer { gs in
            x.withUnsafeBufferPointer { xs in
                out.withUnsafeMutableBufferPointer { ys in
                    let gp = gs.baseAddress!, xp = xs.baseAddress!, yp = ys.baseAddress!
                    ParallelRows.forEach(count: g.outChannels, work: g.work) { part in
                        var totals = [Int64](repeating: 0, count: kernelSize)
                        for o in part {
                            for index in 0..<kernelSize { totals[index] = 0 }
                            for b in 0..<g.batch {
                                for oy in 0..<oh {
                                    for ox in 0..<ow {
                                        let value = Int64(gp[((b * g.outChannels + o) * oh + oy) * ow + ox])
                                        if value == 0 { continue }
                                        for c in 0..<g.channels {
                                            let plane = xp + (b * g.channels + c) * g.height * g.width
                                            for ky in 0..<g.kernelHeight {
                                                let iy = oy * g.strideH - g.padH + ky
                                                if iy < 0 || iy >= g.height { continue }
                                                for kx in 0..<g.kernelWidth {
                                                    let ix = ox * g.strideW - g.padW + kx
                                                    if ix < 0 || ix >= g.width { continue }
                                                    totals[(c * g.kernelHeight + ky) * g.kernelWidth + kx] &+= value &* Int64(plane[iy * g.width + ix])
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            for index in 0..<kernelSize {
                                yp[o * kernelSize + index] = DType.int32.saturate(FixedPoint.roundingShift(totals[index], shift))
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
