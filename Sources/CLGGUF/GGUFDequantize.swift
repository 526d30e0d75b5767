/// Exact dequantization of the block formats the SmolLM2 file uses, in integers only.
///
/// Block layouts (little-endian, 32 elements per block, as ggml's `block_q8_0`, `block_q4_0`, `block_q4_1`):
/// - Q8_0 (34 bytes): binary16 scale `d`, then 32 int8 `q`; element i = d · q[i].
/// - Q4_0 (18 bytes): binary16 `d`, then 16 bytes; byte j holds element j in its low nibble and
///   element j + 16 in its high nibble; element = d · (nibble − 8).
/// - Q4_1 (20 bytes): binary16 `d`, binary16 minimum `m`, then 16 bytes packed as Q4_0; element = d · nibble + m.
/// F32 and F16 tensors dequantize to their exact values. Infinite or NaN scales are rejected.
public enum GGUFDequantize {
    /// The exact values of the elements of `data`, a tensor of `type` holding `count` elements.
    public static func values(_ data: UnsafeRawBufferPointer, type: GGMLType, count: Int) throws(GGUFError) -> [Dyadic] {
        let (needed, overflow) = (count / type.blockSize).multipliedReportingOverflow(by: type.typeSize)
        guard count >= 0, count % type.blockSize == 0, !overflow, data.count >= needed else {
            throw GGUFError(.truncated, at: data.count)
        }
        var out: [Dyadic] = []
        out.reserveCapacity(count)
        func f16(_ at: Int) throws(GGUFError) -> Dyadic {
            guard let v = Dyadic(float16Bits: UInt16(data[at]) | UInt16(data[at + 1]) << 8) else {
                throw GGUFError(.nonFiniteValue, at: at)
            }
            return v
        }
        switch type {
        case .f32:
            for i in 0..<count {
                var bits: UInt32 = 0
                for k in 0..<4 { bits |= UInt32(data[4 * i + k]) << (8 * k) }
                guard let v = Dyadic(float32Bits: bits) else { throw GGUFError(.nonFiniteValue, at: 4 * i) }
                out.append(v)
            }
        case .f16:
            for i in 0..<count { out.append(try f16(2 * i)) }
        case .q8_0:
            for b in 0..<count / 32 {
                let base = b * 34
                let d = try f16(base)
                for i in 0..<32 { out.append(d.scaled(by: Int64(Int8(bitPattern: data[base + 2 + i])))) }
            }
        case .q4_0, .q4_1:
            let stride = type.typeSize
            for b in 0..<count / 32 {
                let base = b * stride
                let d = try f16(base)
                let m = type == .q4_1 ? try f16(base + 2) : nil
                let packed = base + (type == .q4_1 ? 4 : 2)
                for half in 0..<2 {
                    for j in 0..<16 {
                        let nibble = Int64(half == 0 ? data[packed + j] & 0x0F : data[packed + j] >> 4)
                        out.append(m.map { d.scaled(by: nibble) + $0 } ?? d.scaled(by: nibble - 8))
                    }
                }
            }
        default:
            throw GGUFError(.unsupportedOperation("dequantize \(type.name)"), at: 0)
        }
        return out
    }
}
