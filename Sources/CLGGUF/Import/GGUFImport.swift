/// Deterministic import of GGUF tensors into the integer engine's forms, by exact documented rules
/// (docs/PROTOCOL.md, "GGUF import"): block-quantized matrices keep their integers and get fixed-point
/// block scales (`BlockQuantizedMatrix`), F32 vectors (norm weights) become fixed-point integers.
public enum GGUFImport {
    /// The fraction bits of imported F32 vectors (norm weights): value · 2^16, rounded half away from zero.
    public static let vectorFractionBits = 16

    /// `tensor` (Q8_0, Q4_0 or Q4_1) of `file` as a matrix of `shape[0]` columns; `bytes` is the buffer the
    /// file was parsed from.
    public static func matrix(_ tensor: GGUFTensorInfo, of file: GGUFFile,
                              in bytes: UnsafeRawBufferPointer) throws(GGUFError) -> BlockQuantizedMatrix {
        let format: BlockQuantizedMatrix.Format
        switch tensor.type {
        case .q8_0: format = .q8_0
        case .q4_0: format = .q4_0
        case .q4_1: format = .q4_1
        default: throw GGUFError(.unsupportedOperation("import \(tensor.type.name) as a block-quantized matrix"), at: tensor.offset)
        }
        let data = file.data(of: tensor, in: bytes)
        let blocks = tensor.elementCount / 32, stride = tensor.type.typeSize
        let quantBytes = format == .q8_0 ? 32 : 16, quantStart = format == .q4_1 ? 4 : 2
        var quants = [UInt8](repeating: 0, count: blocks * quantBytes)
        var scales = [Int32](repeating: 0, count: blocks)
        var minimums = [Int32](repeating: 0, count: format == .q4_1 ? blocks : 0)
        for b in 0..<blocks {
            let base = b * stride
            scales[b] = try fixedScale(data, base, tensor)
            if format == .q4_1 { minimums[b] = try fixedScale(data, base + 2, tensor) }
            for j in 0..<quantBytes { quants[b * quantBytes + j] = data[base + quantStart + j] }
        }
        return BlockQuantizedMatrix(format: format, rows: tensor.elementCount / tensor.shape[0], columns: tensor.shape[0],
                                    quants: quants, scales: scales, minimums: minimums)
    }

    /// An F32 tensor as fixed-point integers with `fractionBits` fraction bits, each value · 2^fractionBits
    /// rounded half away from zero; a value outside the Int32 range is `valueOutOfRange`.
    public static func fixedVector(_ tensor: GGUFTensorInfo, of file: GGUFFile, in bytes: UnsafeRawBufferPointer,
                                   fractionBits: Int = vectorFractionBits) throws(GGUFError) -> [Int32] {
        guard tensor.type == .f32 else {
            throw GGUFError(.unsupportedOperation("import \(tensor.type.name) as a fixed-point vector"), at: tensor.offset)
        }
        let values = try GGUFDequantize.values(file.data(of: tensor, in: bytes), type: .f32, count: tensor.elementCount)
        var out: [Int32] = []
        out.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            guard let f = v.fixedPoint(fractionBits: fractionBits), let x = Int32(exactly: f) else {
                throw GGUFError(.valueOutOfRange(tensor.name), at: tensor.offset + 4 * i)
            }
            out.append(x)
        }
        return out
    }

    /// The binary16 at `at` of `data` times 2^24, exactly (an integer for every finite binary16 value).
    static func fixedScale(_ data: UnsafeRawBufferPointer, _ at: Int, _ tensor: GGUFTensorInfo) throws(GGUFError) -> Int32 {
        guard let d = Dyadic(float16Bits: UInt16(data[at]) | UInt16(data[at + 1]) << 8) else {
            throw GGUFError(.nonFiniteValue, at: tensor.offset + at)
        }
        guard let s = d.fixedPoint(fractionBits: BlockQuantizedMatrix.scaleFractionBits), let x = Int32(exactly: s) else {
            throw GGUFError(.scaleOutOfRange(tensor.name), at: tensor.offset + at)
        }
        return x
    }
}
