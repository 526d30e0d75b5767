/// One tensor's description from the tensor-info section, with its data range resolved.
public struct GGUFTensorInfo: Equatable, Sendable {
    /// The tensor's name (`blk.0.attn_q.weight`).
    public let name: String
    /// How the elements are stored.
    public let type: GGMLType
    /// The dimensions in file order: `shape[0]` (ggml's `ne[0]`) varies fastest, as gguf-py's `shape`.
    public let shape: [Int]
    /// The offset stored in the file, relative to the start of the data section.
    public let relativeOffset: Int
    /// The absolute byte offset of the tensor's data in the file.
    public let offset: Int
    /// The number of elements (product of `shape`).
    public let elementCount: Int
    /// The number of bytes: `elementCount / type.blockSize * type.typeSize`.
    public let byteCount: Int

    /// The absolute byte range of the tensor's data.
    public var byteRange: Range<Int> { offset..<offset + byteCount }
}

/// A parsed GGUF file: header, metadata in file order, tensor infos in file order, and the data section's geometry.
///
/// Layout (little-endian, versions 2 and 3): magic `GGUF`, u32 version, u64 tensor count,
/// u64 metadata count; then each metadata entry (string key, u32 value type, value); then each
/// tensor info (string name, u32 dimension count, u64 per dimension, u32 type, u64 offset);
/// then padding to `alignment`, and the data section. Strings are a u64 length and UTF-8 bytes;
/// arrays are a u32 element type, a u64 count and the elements.
public struct GGUFFile: Sendable {
    /// The header's version (2 or 3).
    public let version: UInt32
    /// Metadata entries in file order.
    public let metadata: [(key: String, value: GGUFValue)]
    /// Tensor infos in file order.
    public let tensors: [GGUFTensorInfo]
    /// The data alignment: `general.alignment` if present, else 32.
    public let alignment: Int
    /// The absolute offset of the data section (end of the tensor infos, rounded up to `alignment`).
    public let dataOffset: Int
    /// The size of the file that was read.
    public let fileSize: Int

    /// The value of metadata key `key`, if present.
    public func value(_ key: String) -> GGUFValue? {
        metadata.first(where: { $0.key == key })?.value
    }

    /// The tensor named `name`, if present.
    public func tensor(_ name: String) -> GGUFTensorInfo? {
        tensors.first(where: { $0.name == name })
    }

    /// The magic bytes "GGUF".
    public static let magic: [UInt8] = [0x47, 0x47, 0x55, 0x46]
    /// The alignment when `general.alignment` is absent.
    public static let defaultAlignment = 32
    /// The most dimensions a tensor may have (ggml's `GGML_MAX_DIMS`).
    public static let maxDimensions = 4
    /// The deepest nesting of arrays the reader accepts (arrays of arrays of ...).
    public static let maxArrayDepth = 4

    /// Parses `bytes` (the whole file) and checks every tensor's data range: inside the file,
    /// aligned, and not overlapping another. Throws a `GGUFError` for any malformed input.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(GGUFError) {
        var c = GGUFCursor(bytes)
        try c.need(4)
        guard (0..<4).allSatisfy({ bytes[$0] == GGUFFile.magic[$0] }) else { throw GGUFError(.badMagic, at: 0) }
        c.offset = 4
        let version = try c.u32()
        guard version == 2 || version == 3 else { throw GGUFError(.unsupportedVersion(version), at: 4) }
        // Minimal sizes bound the counts: a tensor info is at least 8+4+8+4+8 bytes, an entry 8+4+1.
        let tensorCount = try c.length(unit: 32)
        let kvCount = try c.length(unit: 13)

        var metadata: [(key: String, value: GGUFValue)] = []
        metadata.reserveCapacity(kvCount)
        var keys = Set<String>()
        for _ in 0..<kvCount {
            let at = c.offset
            let key = try c.string()
            guard keys.insert(key).inserted else { throw GGUFError(.duplicateKey(key), at: at) }
            let typeAt = c.offset
            let raw = try c.u32()
            guard let type = GGUFValueType(rawValue: raw) else { throw GGUFError(.unknownValueType(raw), at: typeAt) }
            metadata.append((key, try GGUFFile.value(of: type, from: &c, depth: 0)))
        }

        var alignment = GGUFFile.defaultAlignment
        if let a = metadata.first(where: { $0.key == "general.alignment" })?.value {
            guard case .uint32(let v) = a, v != 0, v & (v - 1) == 0 else { throw GGUFError(.invalidAlignment, at: 0) }
            alignment = Int(v)
        }

        var infos: [(name: String, type: GGMLType, shape: [Int], count: Int, bytes: Int, rel: UInt64, at: Int)] = []
        infos.reserveCapacity(tensorCount)
        var names = Set<String>()
        for _ in 0..<tensorCount {
            let at = c.offset
            let name = try c.string()
            guard names.insert(name).inserted else { throw GGUFError(.duplicateTensorName(name), at: at) }
            let nDims = try c.u32()
            guard nDims >= 1, nDims <= GGUFFile.maxDimensions else { throw GGUFError(.invalidShape(name), at: at) }
            var shape: [Int] = []
            var count = 1
            for _ in 0..<nDims {
                let d = try c.u64()
                guard d >= 1, d <= UInt64(Int.max) else { throw GGUFError(.invalidShape(name), at: at) }
                let (p, o) = count.multipliedReportingOverflow(by: Int(d))
                guard !o else { throw GGUFError(.invalidShape(name), at: at) }
                count = p
                shape.append(Int(d))
            }
            let typeAt = c.offset
            let rawType = try c.u32()
            guard let type = GGMLType(rawValue: rawType) else { throw GGUFError(.unknownTensorType(rawType), at: typeAt) }
            guard shape[0] % type.blockSize == 0 else { throw GGUFError(.shapeNotBlockAligned(name), at: at) }
            let (nBytes, o) = (count / type.blockSize).multipliedReportingOverflow(by: type.typeSize)
            guard !o else { throw GGUFError(.invalidShape(name), at: at) }
            let rel = try c.u64()
            infos.append((name, type, shape, count, nBytes, rel, at))
        }

        let end = c.offset
        let padded = end + (alignment - end % alignment) % alignment
        // The data section may be empty (no tensors), in which case the padding need not be present.
        guard padded <= bytes.count || tensorCount == 0 else { throw GGUFError(.truncated, at: end) }

        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(infos.count)
        for i in infos {
            guard i.rel % UInt64(alignment) == 0 else { throw GGUFError(.misalignedTensorData(i.name), at: i.at) }
            // padded ≤ bytes.count here (checked above, or no tensors); subtract rather than add, so nothing overflows.
            let room = bytes.count - padded
            guard i.rel <= UInt64(room), i.bytes <= room - Int(i.rel) else {
                throw GGUFError(.tensorDataOutOfBounds(i.name), at: i.at)
            }
            tensors.append(GGUFTensorInfo(name: i.name, type: i.type, shape: i.shape, relativeOffset: Int(i.rel),
                                          offset: padded + Int(i.rel), elementCount: i.count, byteCount: i.bytes))
        }
        let byStart = tensors.sorted { ($0.offset, $0.byteCount) < ($1.offset, $1.byteCount) }
        for (a, b) in zip(byStart, byStart.dropFirst()) where b.offset < a.offset + a.byteCount {
            throw GGUFError(.overlappingTensorData(a.name, b.name), at: b.offset)
        }

        self.version = version
        self.metadata = metadata
        self.tensors = tensors
        self.alignment = alignment
        self.dataOffset = padded
        self.fileSize = bytes.count
    }

    /// Parses a file held in an array.
    public init(parsing bytes: [UInt8]) throws(GGUFError) {
        let r: Result<GGUFFile, GGUFError> = bytes.withUnsafeBytes { buffer in
            do throws(GGUFError) { return .success(try GGUFFile(parsing: buffer)) } catch { return .failure(error) }
        }
        self = try r.get()
    }

    /// The bytes of `tensor` within `bytes`, the same buffer this file was parsed from.
    public func data(of tensor: GGUFTensorInfo, in bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        precondition(bytes.count == fileSize, "data(of:in:) needs the buffer the file was parsed from")
        return UnsafeRawBufferPointer(rebasing: bytes[tensor.byteRange])
    }

    static func value(of type: GGUFValueType, from c: inout GGUFCursor, depth: Int) throws(GGUFError) -> GGUFValue {
        let at = c.offset
        switch type {
        case .uint8: return .uint8(try c.u8())
        case .int8: return .int8(Int8(bitPattern: try c.u8()))
        case .uint16: return .uint16(try c.u16())
        case .int16: return .int16(Int16(bitPattern: try c.u16()))
        case .uint32: return .uint32(try c.u32())
        case .int32: return .int32(Int32(bitPattern: try c.u32()))
        case .float32: return .float32(bits: try c.u32())
        case .uint64: return .uint64(try c.u64())
        case .int64: return .int64(Int64(bitPattern: try c.u64()))
        case .float64: return .float64(bits: try c.u64())
        case .bool:
            let b = try c.u8()
            guard b <= 1 else { throw GGUFError(.invalidBool(b), at: at) }
            return .bool(b == 1)
        case .string: return .string(try c.string())
        case .array:
            guard depth < GGUFFile.maxArrayDepth else { throw GGUFError(.nestingTooDeep, at: at) }
            let raw = try c.u32()
            guard let element = GGUFValueType(rawValue: raw) else { throw GGUFError(.unknownValueType(raw), at: at) }
            // Each element takes at least its fixed size, or 8 bytes for a string, 12 for an array.
            let count = try c.length(unit: element.fixedSize ?? (element == .string ? 8 : 12))
            var items: [GGUFValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try value(of: element, from: &c, depth: depth + 1)) }
            return .array(element, items)
        }
    }
}
