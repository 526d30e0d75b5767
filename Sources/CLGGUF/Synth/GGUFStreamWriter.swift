/// Writes a GGUF file (version 3) front to back through a byte sink, so a multi-gigabyte model is never held
/// in memory: the header, metadata and tensor infos are written first (every tensor's offset follows from the
/// sizes declared up front), then each tensor's data in declaration order, padded to `alignment`.
///
/// Use: `begin(metadata:tensors:)` once, then `tensorData(_:)` once per declared tensor, in order, each call
/// giving exactly that tensor's bytes in one or more chunks, then `finish()`.
public struct GGUFStreamWriter {
    /// A declared tensor: its name, type and shape in file order (`shape[0]` fastest).
    public struct Tensor: Sendable, Equatable {
        /// The tensor's name.
        public let name: String
        /// How its elements are stored.
        public let type: GGMLType
        /// The dimensions in file order.
        public let shape: [Int]
        /// A tensor of `type` and `shape`; `shape[0]` must be a multiple of the type's block size.
        public init(name: String, type: GGMLType, shape: [Int]) {
            precondition(!shape.isEmpty && shape.allSatisfy { $0 > 0 } && shape[0] % type.blockSize == 0,
                         "a tensor shape must be positive and block aligned")
            self.name = name
            self.type = type
            self.shape = shape
        }
        /// The size of its data in bytes.
        public var byteCount: Int { shape.reduce(1, *) / type.blockSize * type.typeSize }
    }

    /// Where the bytes go (a file, or an array in tests).
    public typealias Sink = (UnsafeRawBufferPointer) throws -> Void

    /// The data alignment written (`general.alignment` is not written, so readers use the default 32).
    public let alignment = GGUFFile.defaultAlignment
    private let sink: Sink
    private var tensors: [Tensor] = []
    private var next = 0
    private var writtenOfNext = 0
    private var position = 0

    /// A writer that sends every byte to `sink`.
    public init(sink: @escaping Sink) { self.sink = sink }

    /// Writes the header, `metadata` in order, and the infos of `tensors`, then the padding before the data.
    public mutating func begin(metadata: [(key: String, value: GGUFValue)], tensors: [Tensor]) throws {
        var out: [UInt8] = GGUFFile.magic
        Self.append(UInt32(3), to: &out)
        Self.append(UInt64(tensors.count), to: &out)
        Self.append(UInt64(metadata.count), to: &out)
        for (key, value) in metadata {
            Self.append(string: key, to: &out)
            Self.append(UInt32(value.type.rawValue), to: &out)
            Self.append(value: value, to: &out)
        }
        var offset = 0
        for t in tensors {
            Self.append(string: t.name, to: &out)
            Self.append(UInt32(t.shape.count), to: &out)
            for d in t.shape { Self.append(UInt64(d), to: &out) }
            Self.append(t.type.rawValue, to: &out)
            Self.append(UInt64(offset), to: &out)
            offset += Self.padded(t.byteCount, alignment)
        }
        out += [UInt8](repeating: 0, count: Self.padded(out.count, alignment) - out.count)
        self.tensors = tensors
        try emit(out)
    }

    /// Writes the next chunk of the current tensor's data; moving on to the next tensor once one is complete.
    public mutating func tensorData(_ chunk: UnsafeRawBufferPointer) throws {
        precondition(next < tensors.count, "more tensor data than declared")
        let size = tensors[next].byteCount
        precondition(writtenOfNext + chunk.count <= size, "more bytes than tensor \(tensors[next].name) holds")
        try sink(chunk)
        position += chunk.count
        writtenOfNext += chunk.count
        if writtenOfNext == size {
            try emit([UInt8](repeating: 0, count: Self.padded(size, alignment) - size))
            next += 1
            writtenOfNext = 0
        }
    }

    /// Checks that every declared tensor was written in full; returns the file size.
    public func finish() -> Int {
        precondition(next == tensors.count && writtenOfNext == 0, "tensor data missing")
        return position
    }

    private mutating func emit(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try sink($0) }
        position += bytes.count
    }

    static func padded(_ n: Int, _ alignment: Int) -> Int { (n + alignment - 1) / alignment * alignment }

    static func append<T: FixedWidthInteger>(_ v: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }

    static func append(string s: String, to out: inout [UInt8]) {
        append(UInt64(s.utf8.count), to: &out)
        out += s.utf8
    }

    static func append(value: GGUFValue, to out: inout [UInt8]) {
        switch value {
        case .uint8(let v): append(v, to: &out)
        case .int8(let v): append(v, to: &out)
        case .uint16(let v): append(v, to: &out)
        case .int16(let v): append(v, to: &out)
        case .uint32(let v): append(v, to: &out)
        case .int32(let v): append(v, to: &out)
        case .float32(let bits): append(bits, to: &out)
        case .bool(let b): append(UInt8(b ? 1 : 0), to: &out)
        case .string(let s): append(string: s, to: &out)
        case .uint64(let v): append(v, to: &out)
        case .int64(let v): append(v, to: &out)
        case .float64(let bits): append(bits, to: &out)
        case .array(let element, let items):
            append(element.rawValue, to: &out)
            append(UInt64(items.count), to: &out)
            for item in items {
                precondition(item.type == element, "an array element of the wrong type")
                append(value: item, to: &out)
            }
        }
    }
}
