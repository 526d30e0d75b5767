/// Exact dequantization of the plain and block formats (F32, F16, Q8_0, Q4_0, Q4_1, Q4_K, Q6_K), in integers only.
///
/// Block layouts (little-endian, 32 elements per block, as ggml's `block_q8_0`, `block_q4_0`, `block_q4_1`):
/// - Q8_0 (34 bytes): binary16 scale `d`, then 32 int8 `q`; element i = d · q[i].
/// - Q4_0 (18 bytes): binary16 `d`, then 16 bytes; byte j holds element j in its low nibble and
///   element j + 16 in its high nibble; element = d · (nibble − 8).
/// - Q4_1 (20 bytes): binary16 `d`, binary16 minimum `m`, then 16 bytes packed as Q4_0; element = d · nibble + m.
/// - Q4_K (144 bytes, 256 elements in 8 sub-blocks of 32): binary16 `d`, binary16 `dmin`, 12 bytes of 6-bit
///   scales `sc` and minimums `m` (sub-block j < 4: `sc = s[j] & 63`, `m = s[j+4] & 63`; j ≥ 4:
///   `sc = s[j+4] & 15 | (s[j−4] >> 6) << 4`, `m = s[j+4] >> 4 | (s[j] >> 6) << 4`), then 128 bytes: 32-byte group g
///   holds sub-block 2g in its low nibbles and 2g+1 in its high nibbles; element = d·sc·q − dmin·m.
/// - Q6_K (210 bytes, 256 elements): 128 bytes `ql` (low 4 bits), 64 bytes `qh` (high 2 bits), 16 int8 scales,
///   binary16 `d`; in each half h of 128 elements, element l + 32r (l < 32, r < 4) takes
///   `ql[64h + l + 32(r & 1)] >> 4(r >> 1)` and `qh[32h + l] >> 2r`; element = d·scale[e / 16]·(q − 32).
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
        case .q4_K:
            for b in 0..<count / 256 { try q4K(data, at: b * 144, into: &out) }
        case .q6_K:
            for b in 0..<count / 256 { try q6K(data, at: b * 210, into: &out) }
        default:
            throw GGUFError(.unsupportedOperation("dequantize \(type.name)"), at: 0)
        }
        return out
    }

    static func f16(_ data: UnsafeRawBufferPointer, _ at: Int) throws(GGUFError) -> Dyadic {
        guard let v = Dyadic(float16Bits: UInt16(data[at]) | UInt16(data[at + 1]) << 8) else {
            throw GGUFError(.nonFiniteValue, at: at)
        }
        return v
    }

    static func q4K(_ data: UnsafeRawBufferPointer, at base: Int, into out: inout [Dyadic]) throws(GGUFError) {
        let d = try f16(data, base), dmin = try f16(data, base + 2)
        let s = base + 4
        for j in 0..<8 {
            let sc, m: Int64
            if j < 4 {
                sc = Int64(data[s + j] & 63)
                m = Int64(data[s + j + 4] & 63)
            } else {
                sc = Int64(data[s + j + 4] & 15 | (data[s + j - 4] >> 6) << 4)
                m = Int64(data[s + j + 4] >> 4 | (data[s + j] >> 6) << 4)
            }
            let scale = d.scaled(by: sc), offset = dmin.scaled(by: -m)
            let group = base + 16 + 32 * (j / 2), shift = UInt8(4 * (j % 2))
            for l in 0..<32 { out.append(scale.scaled(by: Int64((data[group + l] >> shift) & 15)) + offset) }
        }
    }

    static func q6K(_ data: UnsafeRawBufferPointer, at base: Int, into out: inout [Dyadic]) throws(GGUFError) {
        let d = try f16(data, base + 208)
        for h in 0..<2 {
            for r in 0..<4 {
                for l in 0..<32 {
                    let low = (data[base + 64 * h + l + 32 * (r & 1)] >> UInt8(4 * (r >> 1))) & 15
                    let high = (data[base + 128 + 32 * h + l] >> UInt8(2 * r)) & 3
                    let e = 128 * h + 32 * r + l
                    let scale = Int64(Int8(bitPattern: data[base + 192 + e / 16]))
                    out.append(d.scaled(by: scale * (Int64(low | high << 4) - 32)))
                }
            }
        }
    }
}
