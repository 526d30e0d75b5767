/// Dot products and the row loops of linear layers, matrix products and convolutions.
///
/// Inputs are first centred (`x − zero point`). When every centred value `c` satisfies
/// `|c| ≤ narrowLimit(depth:)`, the fast path multiplies `Int16 × Int8` into an `Int32` accumulator, which
/// then cannot overflow; otherwise the wide path accumulates in `Int64`. Both are exact, so the choice
/// never changes a result.
public enum LinearKernels {
    /// The largest centred magnitude for which a depth-`depth` `Int16 × Int8` dot product fits `Int32`.
    @inlinable public static func narrowLimit(depth: Int) -> Int32 {
        let bound = Int(Int32.max) / (128 * max(depth, 1) + 1)
        return Int32(min(bound, 32_767))
    }

    /// Centres `values` by `zeroPoint` into 16 bits when every result fits in ±`limit`; `nil` otherwise.
    public static func centeredNarrow(_ values: [Int32], zeroPoint: Int32, limit: Int32) -> [Int16]? {
        // Filled without a zeroing pass first (every element is written, or the result is dropped).
        var fits = true
        let out = [Int16](unsafeUninitializedCapacity: values.count) { buffer, initialized in
            values.withUnsafeBufferPointer { source in
                let zero = Int64(zeroPoint), bound = Int64(limit)
                for index in 0..<source.count {
                    let centered = Int64(source[index]) &- zero
                    if centered > bound || centered < -bound { fits = false; break }
                    buffer[index] = Int16(truncatingIfNeeded: centered)
                }
            }
            initialized = fits ? values.count : 0
        }
        return fits ? out : nil
    }

    /// Centres `values` by `zeroPoint` into 64 bits.
    public static func centeredWide(_ values: [Int32], zeroPoint: Int32) -> [Int64] {
        var out = [Int64](repeating: 0, count: values.count)
        for index in 0..<values.count { out[index] = Int64(values[index]) - Int64(zeroPoint) }
        return out
    }

    /// `Σ x[i]·w[i]` with an `Int32` accumulator (wrapping; callers bound the depth).
    @inlinable @inline(__always)
    public static func dot(_ x: UnsafePointer<Int16>, _ w: UnsafePointer<Int8>, _ depth: Int) -> Int32 {
        var total: Int32 = 0
        var index = 0
        while index < depth {
            total &+= Int32(x[index]) &* Int32(w[index])
            index &+= 1
        }
        return total
    }

    /// `Σ x[i]·w[i]` with an `Int64` accumulator.
    @inlinable @inline(__always)
    public static func dotWide(_ x: UnsafePointer<Int64>, _ w: UnsafePointer<Int8>, _ depth: Int) -> Int64 {
        var total: Int64 = 0
        var index = 0
        while index < depth {
            total &+= x[index] &* Int64(w[index])
            index &+= 1
        }
        return total
    }

    /// Output rows `rows` of `y[b, n] = stage(Σ_k x[b, k]·W[n, k] + bias[n])` for every batch row `b`.
    public static func linearRows(
        x: UnsafePointer<Int16>, batch: Int, depth: Int,
        weights: UnsafePointer<Int8>, bias: UnsafePointer<Int32>, width: Int,
        rows: Range<Int>, stage: OutputStage, output: UnsafeMutablePointer<Int32>
    ) {
        for b in 0..<batch {
            let xRow = x + b * depth
            let yRow = output + b * width
            for n in rows {
                let total = Int64(dot(xRow, weights + n * depth, depth)) + Int64(bias[n])
                yRow[n] = stage.finish(total)
            }
        }
    }

    /// As `linearRows`, accumulating in 64 bits for inputs whose centred values do not fit 16 bits.
    public static func linearRowsWide(
        x: UnsafePointer<Int64>, batch: Int, depth: Int,
        weights: UnsafePointer<Int8>, bias: UnsafePointer<Int32>, width: Int,
        rows: Range<Int>, stage: OutputStage, output: UnsafeMutablePointer<Int32>
    ) {
        for b in 0..<batch {
            let xRow = x + b * depth
            let yRow = output + b * width
            for n in rows {
                let total = dotWide(xRow, weights + n * depth, depth) + Int64(bias[n])
                yRow[n] = stage.finish(total)
            }
        }
    }

    /// Unfolds a centred `[C, H, W]` image into rows `[C·KH·KW, OH·OW]`: row `(c, ky, kx)` holds, for
    /// every output position, the input element under that filter tap (padding reads zero).
    public static func unfoldRows(
        _ centered: [Int16], channels: Int, height: Int, width: Int,
        kernelHeight: Int, kernelWidth: Int, strideH: Int, strideW: Int, padH: Int, padW: Int,
        outHeight: Int, outWidth: Int
    ) -> [Int16] {
        let positions = outHeight * outWidth
        var out = [Int16](repeating: 0, count: channels * kernelHeight * kernelWidth * positions)
        centered.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                var row = 0
                for c in 0..<channels {
                    for ky in 0..<kernelHeight {
                        for kx in 0..<kernelWidth {
                            let base = row * positions
                            // Output columns whose tap lands inside the image: 0 ≤ ox·sw − pw + kx < width.
                            let firstColumn = max(0, (padW - kx + strideW - 1) / strideW)
                            let reach = width - 1 + padW - kx
                            let lastColumn = reach < 0 ? 0 : min(outWidth, reach / strideW + 1)
                            for oy in 0..<outHeight {
                                let iy = oy * strideH - padH + ky
                                if iy < 0 || iy >= height || firstColumn >= lastColumn { continue }
                                let sourceRow = (c * height + iy) * width - padW + kx
                                let targetRow = base + oy * outWidth
                                for ox in firstColumn..<lastColumn {
                                    target[targetRow + ox] = source[sourceRow + ox * strideW]
                                }
                            }
                            row += 1
                        }
                    }
                }
            }
        }
        return out
    }

    /// Output channels `channels` of a convolution over unfolded rows:
    /// `y[o, p] = stage(Σ_k W[o, k]·rows[k, p] + b_o)`, accumulated along whole rows of positions
    /// (a vectorisable multiply-add whatever the filter depth). `byteInputs` promises every row value lies
    /// in ±255, so each product fits 16 bits.
    public static func convolutionChannels(
        rows: UnsafePointer<Int16>, positions: Int, depth: Int,
        weights: UnsafePointer<Int8>, bias: UnsafePointer<Int32>,
        channels: Range<Int>, stage: OutputStage, output: UnsafeMutablePointer<Int32>, byteInputs: Bool
    ) {
        let accumulator = UnsafeMutablePointer<Int32>.allocate(capacity: max(positions, 1))
        defer { accumulator.deallocate() }
        for o in channels {
            accumulator.initialize(repeating: 0, count: positions)
            for k in 0..<depth {
                let w = weights[o * depth + k]
                if w == 0 { continue }
                let row = rows + k * positions
                var p = 0
                if byteInputs {
                    // |x| ≤ 255 and |w| ≤ 128: the product fits 16 bits exactly (16-bit vector multiplies).
                    let w16 = Int16(w)
                    while p < positions {
                        accumulator[p] &+= Int32(w16 &* row[p])
                        p &+= 1
                    }
                } else {
                    let w32 = Int32(w)
                    while p < positions {
                        accumulator[p] &+= w32 &* Int32(row[p])
                        p &+= 1
                    }
                }
            }
            let offset = Int64(bias[o])
            let target = output + o * positions
            for p in 0..<positions { target[p] = stage.finish(Int64(accumulator[p]) + offset) }
        }
    }

    /// Convolutions of at most this many output channels skip the unfolded rows (`convolutionChannelsDirect`).
    public static let directConvolutionChannels = 2

    /// The shape parameters of a 2-D convolution over `[channels, height, width]`.
    public struct ConvolutionGeometry {
        public var channels, height, width, kernelHeight, kernelWidth, strideH, strideW, padH, padW, outHeight, outWidth: Int
    }

    /// `convolutionChannels` without unfolded rows: each tap's products are accumulated straight from the centred
    /// input, over the output columns whose tap lands inside the image (the columns `unfoldRows` fills; the others
    /// hold zeros there and add nothing). Per output position the same products are summed in the same order
    /// into the same 32-bit accumulator, so the result is identical.
    public static func convolutionChannelsDirect(
        centered: UnsafePointer<Int16>, geometry g: ConvolutionGeometry, weights: UnsafePointer<Int8>, bias: UnsafePointer<Int32>,
        channels: Range<Int>, stage: OutputStage, output: UnsafeMutablePointer<Int32>, byteInputs: Bool
    ) {
        let positions = g.outHeight * g.outWidth
        let depth = g.channels * g.kernelHeight * g.kernelWidth
        let stride = g.strideW
        let accumulator = UnsafeMutablePointer<Int32>.allocate(capacity: max(positions, 1))
        defer { accumulator.deallocate() }
        for o in channels {
            accumulator.initialize(repeating: 0, count: positions)
            var k = 0
            for c in 0..<g.channels {
                for ky in 0..<g.kernelHeight {
                    for kx in 0..<g.kernelWidth {
                        let w = weights[o * depth + k]
                        k += 1
                        if w == 0 { continue }
                        let firstColumn = max(0, (g.padW - kx + g.strideW - 1) / g.strideW)
                        let reach = g.width - 1 + g.padW - kx
                        let lastColumn = reach < 0 ? 0 : min(g.outWidth, reach / g.strideW + 1)
                        if firstColumn >= lastColumn { continue }
                        for oy in 0..<g.outHeight {
                            let iy = oy * g.strideH - g.padH + ky
                            if iy < 0 || iy >= g.height { continue }
                            // In range by the column bounds: the first tap read is at or after the row's start.
                            var source = (c * g.height + iy) * g.width - g.padW + kx + firstColumn * stride
                            let target = accumulator + oy * g.outWidth
                            var ox = firstColumn
                            if stride == 1 {
                                // Contiguous taps: a plain loop the native compiler vectorises.
                                let row = centered + source, out = target + firstColumn
                                let count = lastColumn - firstColumn
                                var i = 0
                                if byteInputs {
                                    let w16 = Int16(w)
                                    while i < count {
                                        out[i] &+= Int32(w16 &* row[i])
                                        i &+= 1
                                    }
                                } else {
                                    let w32 = Int32(w)
                                    while i < count {
                                        out[i] &+= w32 &* Int32(row[i])
                                        i &+= 1
                                    }
                                }
                                continue
                            }
                            if byteInputs {
                                let w16 = Int16(w)
                                while ox < lastColumn {
                                    target[ox] &+= Int32(w16 &* centered[source])
                                    ox &+= 1
                                    source &+= stride
                                }
                            } else {
                                let w32 = Int32(w)
                                while ox < lastColumn {
                                    target[ox] &+= w32 &* Int32(centered[source])
                                    ox &+= 1
                                    source &+= stride
                                }
                            }
                        }
                    }
                }
            }
            let offset = Int64(bias[o])
            let target = output + o * positions
            for p in 0..<positions { target[p] = stage.finish(Int64(accumulator[p]) + offset) }
        }
    }

    /// `Y[m, n] = stage(Σ_k (A[m, k] − za)(B[k, n] − zb))` for two computed tensors.
    public static func matmul(
        _ a: [Int32], _ b: [Int32], rows: Int, depth: Int, columns: Int,
        aZero: Int32, bZero: Int32, stage: OutputStage
    ) -> [Int32] {
        var transposed = [Int64](repeating: 0, count: depth * columns)
        for k in 0..<depth {
            for n in 0..<columns { transposed[n * depth + k] = Int64(b[k * columns + n]) - Int64(bZero) }
        }
        var out = [Int32](repeating: 0, count: rows * columns)
        for m in 0..<rows {
            for n in 0..<columns {
                var total: Int64 = 0
                for k in 0..<depth {
                    total &+= (Int64(a[m * depth + k]) - Int64(aZero)) &* transposed[n * depth + k]
                }
                out[m * columns + n] = stage.finish(total)
            }
        }
        return out
    }
}
