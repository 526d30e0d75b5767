/// Elementwise and pooling kernels.
public enum ElementwiseKernels {
    /// `y = zo + round(((a − za)·ma + (b − zb)·mb) / 2^shift)`, clamped to `dtype`.
    public static func add(
        _ a: [Int32], _ b: [Int32], aZero: Int32, bZero: Int32, outZero: Int32,
        aMultiplier: Int32, bMultiplier: Int32, shift: Int32, dtype: DType
    ) -> [Int32] {
        var out = [Int32](repeating: 0, count: a.count)
        let ma = Int64(aMultiplier)
        let mb = Int64(bMultiplier)
        for index in 0..<a.count {
            let total = (Int64(a[index]) - Int64(aZero)) &* ma &+ (Int64(b[index]) - Int64(bZero)) &* mb
            out[index] = dtype.saturate(Int64(outZero) &+ FixedPoint.roundingShift(total, Int64(shift)))
        }
        return out
    }

    /// `y = stage((a − za)(b − zb))`.
    public static func mul(_ a: [Int32], _ b: [Int32], aZero: Int32, bZero: Int32, stage: OutputStage) -> [Int32] {
        var out = [Int32](repeating: 0, count: a.count)
        for index in 0..<a.count {
            out[index] = stage.finish((Int64(a[index]) - Int64(aZero)) &* (Int64(b[index]) - Int64(bZero)))
        }
        return out
    }

    /// The operands joined along `axis` (their other dimensions are equal): for each index of the dimensions
    /// before the axis, every operand's block of `shape[axis] · (inner size)` values in operand order.
    public static func concatenate(_ parts: [Tensor], axis: Int) -> [Int32] {
        var outer = 1
        for d in 0..<axis { outer *= parts[0].shape[d] }
        var inner = 1
        for d in (axis + 1)..<parts[0].shape.count { inner *= parts[0].shape[d] }
        var total = 0
        for part in parts { total += part.count }
        var out: [Int32] = []
        out.reserveCapacity(total)
        for block in 0..<outer {
            for part in parts {
                let width = part.shape[axis] * inner
                out.append(contentsOf: part.values[(block * width)..<((block + 1) * width)])
            }
        }
        return out
    }

    /// `y = max(x, zeroPoint)`.
    public static func relu(_ x: [Int32], zeroPoint: Int32) -> [Int32] {
        var out = x
        for index in 0..<out.count where out[index] < zeroPoint { out[index] = zeroPoint }
        return out
    }

    /// Max or average pooling of `[C, H, W]` with a `kh × kw` window and the given strides, no padding.
    /// The average rounds half toward +∞.
    public static func pool(
        _ x: [Int32], channels: Int, height: Int, width: Int,
        kernelHeight: Int, kernelWidth: Int, strideH: Int, strideW: Int, average: Bool
    ) -> [Int32] {
        let outHeight = (height - kernelHeight) / strideH + 1
        let outWidth = (width - kernelWidth) / strideW + 1
        var out = [Int32](repeating: 0, count: channels * outHeight * outWidth)
        let window = Int64(kernelHeight * kernelWidth)
        x.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for c in 0..<channels {
                    for oy in 0..<outHeight {
                        for ox in 0..<outWidth {
                            var largest = Int32.min
                            var total: Int64 = 0
                            for ky in 0..<kernelHeight {
                                let rowBase = (c * height + oy * strideH + ky) * width + ox * strideW
                                for kx in 0..<kernelWidth {
                                    let value = source[rowBase + kx]
                                    if value > largest { largest = value }
                                    total += Int64(value)
                                }
                            }
                            target[(c * outHeight + oy) * outWidth + ox] = average
                                ? Int32(truncatingIfNeeded: FixedPoint.roundingDivide(total, window)) : largest
                        }
                    }
                }
            }
        }
        return out
    }
}
