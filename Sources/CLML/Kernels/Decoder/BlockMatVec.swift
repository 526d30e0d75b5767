/// Matrix-vector products over block-quantized weights (the GGUF Q8_0, Q4_0 and Q4_1 blocks, kept as the
/// file's integers with fixed-point block scales), for LLaMA-class decoders.
///
/// The rule (docs/PROTOCOL.md, "Integer decoder"):
/// 1. The activation vector `x` (Q16, Int64) is cut into blocks of 32. Block `b` gets the exponent
///    `e_b = max(0, bitWidth(max_j |x_j|) − 15)` and the Int16 values `a_j = min(roundingShift(x_j, e_b),
///    2^15 − 1)` (`FixedPoint.roundingShift`: halves toward +∞); `e_b = 0` keeps the block exact.
/// 2. Weight block `b` of row `r`, with integers `q_j` and scale `S_b` (and minimum `M_b`) in Q24, gives the
///    exact integer `T_b`: Q8_0 `S_b·Σ q_j a_j`; Q4_0 `S_b·Σ (q_j − 8) a_j`; Q4_1 `S_b·Σ q_j a_j + M_b·Σ a_j`.
/// 3. The row's output is `y_r = roundingShift(Σ_b T_b·2^e_b, 24)` in Q16.
/// All of it is integer and exact up to the final rounding while `|Σ_b T_b·2^e_b| < 2^63` (scales and
/// activations of real models stay many bits below); beyond that the sums wrap, they never trap.
public enum BlockMatVec {
    /// The block formats (the same layouts as `BlockQuantizedMatrix` in CLGGUF).
    public enum Format: UInt8, Sendable {
        /// One int8 per element, 32 bytes per block.
        case q8_0
        /// 4-bit values offset by 8, 16 bytes per block (element `j` low nibble, `j + 16` high nibble).
        case q4_0
        /// 4-bit values with a block minimum, 16 bytes per block as Q4_0.
        case q4_1

        /// Bytes of integers per block.
        @inlinable public var quantBytes: Int { self == .q8_0 ? 32 : 16 }
    }

    /// Elements per block.
    public static let blockSize = 32
    /// The largest magnitude bit width of a quantized activation.
    public static let activationBits = 15

    /// Step 1 of the rule (Int16 values, so that the products vectorize as 16-bit multiplies): quantizes `x` (a multiple of 32 long) into `values` (same length), one exponent
    /// and one sum `Σ a_j` per block into `exponents` and `sums`.
    @inlinable
    public static func quantize(_ x: UnsafePointer<Int64>, count: Int, values: UnsafeMutablePointer<Int16>,
                                exponents: UnsafeMutablePointer<Int32>, sums: UnsafeMutablePointer<Int64>) {
        var b = 0
        while b * blockSize < count {
            let base = b * blockSize
            var largest: UInt64 = 0
            for j in 0..<blockSize { largest = max(largest, x[base + j].magnitude) }
            let width = 64 - largest.leadingZeroBitCount
            let e = max(0, width - activationBits)
            var total: Int64 = 0
            for j in 0..<blockSize {
                let a = min(FixedPoint.roundingShift(x[base + j], Int64(e)), Int64(Int16.max))
                values[base + j] = Int16(truncatingIfNeeded: a)
                total &+= a
            }
            exponents[b] = Int32(e)
            sums[b] = total
            b += 1
        }
    }

    /// Steps 2 and 3 for rows `rows` of a matrix with `columns` columns: `out[r] = y_r` (Q16).
    /// `minimums` is read only for Q4_1.
    @inlinable
    public static func rows(_ rows: Range<Int>, format: Format, columns: Int, quants: UnsafePointer<UInt8>,
                            scales: UnsafePointer<Int32>, minimums: UnsafePointer<Int32>?,
                            values: UnsafePointer<Int16>, exponents: UnsafePointer<Int32>, sums: UnsafePointer<Int64>,
                            into out: UnsafeMutablePointer<Int64>) {
        let blocks = columns / blockSize
        switch format {
        case .q8_0:
            for r in rows {
                out[r] = rowQ8(quants + r * blocks * 32, scales + r * blocks, blocks: blocks, values, exponents)
            }
        case .q4_0, .q4_1:
            for r in rows {
                out[r] = rowQ4(quants + r * blocks * 16, scales + r * blocks,
                               format == .q4_1 ? minimums! + r * blocks : nil, blocks: blocks, values, exponents, sums)
            }
        }
    }

    /// One Q8_0 row: `roundingShift(Σ_b S_b·(Σ_j q_j a_j)·2^e_b, 24)`.
    @inlinable
    static func rowQ8(_ q: UnsafePointer<UInt8>, _ scales: UnsafePointer<Int32>, blocks: Int,
                      _ values: UnsafePointer<Int16>, _ exponents: UnsafePointer<Int32>) -> Int64 {
        var acc: Int64 = 0
        for b in 0..<blocks {
            let w = q + b * 32, a = values + b * 32
            var dot: Int32 = 0
            for j in 0..<32 { dot &+= Int32(Int8(bitPattern: w[j])) &* Int32(a[j]) }
            acc &+= (Int64(scales[b]) &* Int64(dot)) &<< Int64(exponents[b])
        }
        return FixedPoint.roundingShift(acc, 24)
    }

    /// One Q4_0 row (`minimums` nil: `q − 8`) or Q4_1 row (`S_b·Σ q_j a_j + M_b·Σ a_j`).
    @inlinable
    static func rowQ4(_ q: UnsafePointer<UInt8>, _ scales: UnsafePointer<Int32>, _ minimums: UnsafePointer<Int32>?,
                      blocks: Int, _ values: UnsafePointer<Int16>, _ exponents: UnsafePointer<Int32>,
                      _ sums: UnsafePointer<Int64>) -> Int64 {
        var acc: Int64 = 0
        for b in 0..<blocks {
            let w = q + b * 16, a = values + b * 32
            var dot: Int32 = 0
            for j in 0..<16 {
                let byte = w[j]
                dot &+= Int32(byte & 0x0F) &* Int32(a[j]) &+ Int32(byte &>> 4) &* Int32(a[j + 16])
            }
            let t: Int64
            if let minimums {
                t = Int64(scales[b]) &* Int64(dot) &+ Int64(minimums[b]) &* sums[b]
            } else {
                t = Int64(scales[b]) &* (Int64(dot) &- 8 &* sums[b])
            }
            acc &+= t &<< Int64(exponents[b])
        }
        return FixedPoint.roundingShift(acc, 24)
    }

    /// Row `row` of the matrix as Q16 values (`roundingShift(element·2^24, 8)`), for embedding lookups.
    @inlinable
    public static func dequantizeRow(_ row: Int, format: Format, columns: Int, quants: UnsafePointer<UInt8>,
                                     scales: UnsafePointer<Int32>, minimums: UnsafePointer<Int32>?,
                                     into out: UnsafeMutablePointer<Int64>) {
        let blocks = columns / blockSize
        for b in 0..<blocks {
            let block = row * blocks + b
            let s = Int64(scales[block])
            let q = quants + block * format.quantBytes
            for j in 0..<32 {
                let v: Int64
                switch format {
                case .q8_0: v = s * Int64(Int8(bitPattern: q[j]))
                case .q4_0: v = s * (Int64(j < 16 ? q[j] & 0x0F : q[j - 16] >> 4) - 8)
                case .q4_1: v = s * Int64(j < 16 ? q[j] & 0x0F : q[j - 16] >> 4) + Int64(minimums![block])
                }
                out[b * blockSize + j] = FixedPoint.roundingShift(v, 8)
            }
        }
    }
}
