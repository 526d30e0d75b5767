/// The tensor encoding (docs/PROTOCOL.md, "ML model format"): a 4-byte header
/// `dtype u8 ‖ rank u8 ‖ reserved u16 = 0`, `rank` dimensions as `u32`, then the elements,
/// little-endian, `dtype.width` bytes each. A tensor's commitment is the Keccak-256 of this encoding.
public enum TensorCoding {
    /// The most dimensions a tensor may have.
    public static let maxRank = 8
    /// The most elements a tensor may have (2^26, 256 MiB as `Int32`).
    public static let maxElements = 1 << 26

    /// Encodes a tensor.
    public static func encode(_ tensor: Tensor) -> [UInt8] {
        var writer = ByteWriter()
        writer.bytes.reserveCapacity(4 + 4 * tensor.shape.count + tensor.count * tensor.dtype.width)
        writer.u8(tensor.dtype.rawValue)
        writer.u8(UInt8(truncatingIfNeeded: tensor.shape.count))
        writer.u16(0)
        for dimension in tensor.shape { writer.u32(UInt32(truncatingIfNeeded: dimension)) }
        switch tensor.dtype {
        case .int8:
            for value in tensor.values { writer.u8(UInt8(bitPattern: Int8(truncatingIfNeeded: value))) }
        case .int16:
            for value in tensor.values { writer.u16(UInt16(bitPattern: Int16(truncatingIfNeeded: value))) }
        case .int32:
            for value in tensor.values { writer.i32(value) }
        }
        return writer.bytes
    }

    /// Decodes one tensor at the reader's position, advancing past it.
    public static func decode(_ reader: inout ByteReader) throws(MLError) -> Tensor {
        let start = reader.offset
        let code = try reader.u8()
        guard let dtype = DType(rawValue: code) else { throw MLError.unknownDType(code) }
        let rank = Int(try reader.u8())
        if try reader.u16() != 0 { throw MLError.reservedNotZero(offset: start + 2) }
        if rank == 0 || rank > maxRank { throw MLError.badShape(offset: start) }
        var shape: [Int] = []
        var elements = 1
        for _ in 0..<rank {
            let dimension = Int(try reader.u32())
            if dimension == 0 { throw MLError.badShape(offset: start) }
            if dimension > maxElements || elements * dimension > maxElements {
                throw MLError.tensorTooLarge(elements: elements * min(dimension, maxElements + 1))
            }
            elements *= dimension
            shape.append(dimension)
        }
        try reader.require(elements * dtype.width)
        let dataStart = reader.offset
        // Filled in place (no zero fill first): every element is written exactly once.
        let values = reader.bytes.withUnsafeBufferPointer { bytes in
            [Int32](unsafeUninitializedCapacity: elements) { target, initialized in
                let source = bytes.baseAddress! + dataStart
                switch dtype {
                case .int8:
                    for index in 0..<elements { target[index] = Int32(Int8(bitPattern: source[index])) }
                case .int16:
                    for index in 0..<elements {
                        let raw = UInt16(source[2 * index]) | UInt16(source[2 * index + 1]) << 8
                        target[index] = Int32(Int16(bitPattern: raw))
                    }
                case .int32:
                    for index in 0..<elements {
                        let at = source + 4 * index
                        let raw = UInt32(at[0]) | UInt32(at[1]) << 8 | UInt32(at[2]) << 16 | UInt32(at[3]) << 24
                        target[index] = Int32(bitPattern: raw)
                    }
                }
                initialized = elements
            }
        }
        try reader.skip(elements * dtype.width)
        return Tensor(dtype: dtype, shape: shape, values: values)
    }

    /// Decodes a byte array holding exactly one tensor.
    public static func decode(_ bytes: [UInt8]) throws(MLError) -> Tensor {
        var reader = ByteReader(bytes)
        let tensor = try decode(&reader)
        if reader.remaining != 0 { throw MLError.trailingBytes(count: reader.remaining) }
        return tensor
    }
}
