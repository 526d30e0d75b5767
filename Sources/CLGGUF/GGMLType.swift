/// A GGML tensor type: how the tensor's elements are stored, in blocks of `blockSize`
/// elements taking `typeSize` bytes each (ggml's `ggml_type_traits`, gguf-py's `GGML_QUANT_SIZES`).
///
/// One table is the single source of truth for every known type: its id, name and block geometry.
public struct GGMLType: Hashable, Sendable, CustomStringConvertible {
    /// The type id stored in a tensor info.
    public let rawValue: UInt32
    /// The name ggml gives the type (`Q4_1`).
    public let name: String
    /// Elements per block (1 for plain types, 32 for Q4_0/Q4_1/Q8_0, 256 for the K-quants).
    public let blockSize: Int
    /// Bytes per block.
    public let typeSize: Int

    public var description: String { name }

    /// Every type this reader knows, by id. Block sizes as in gguf-py 0.19.0 (`QK_K` = 256).
    public static let table: [GGMLType] = [
        GGMLType(rawValue: 0, name: "F32", blockSize: 1, typeSize: 4),
        GGMLType(rawValue: 1, name: "F16", blockSize: 1, typeSize: 2),
        GGMLType(rawValue: 2, name: "Q4_0", blockSize: 32, typeSize: 2 + 16),
        GGMLType(rawValue: 3, name: "Q4_1", blockSize: 32, typeSize: 2 + 2 + 16),
        GGMLType(rawValue: 6, name: "Q5_0", blockSize: 32, typeSize: 2 + 4 + 16),
        GGMLType(rawValue: 7, name: "Q5_1", blockSize: 32, typeSize: 2 + 2 + 4 + 16),
        GGMLType(rawValue: 8, name: "Q8_0", blockSize: 32, typeSize: 2 + 32),
        GGMLType(rawValue: 9, name: "Q8_1", blockSize: 32, typeSize: 4 + 4 + 32),
        GGMLType(rawValue: 10, name: "Q2_K", blockSize: 256, typeSize: 2 + 2 + 256 / 16 + 256 / 4),
        GGMLType(rawValue: 11, name: "Q3_K", blockSize: 256, typeSize: 2 + 256 / 4 + 256 / 8 + 12),
        GGMLType(rawValue: 12, name: "Q4_K", blockSize: 256, typeSize: 2 + 2 + 256 / 2 + 12),
        GGMLType(rawValue: 13, name: "Q5_K", blockSize: 256, typeSize: 2 + 2 + 256 / 2 + 256 / 8 + 12),
        GGMLType(rawValue: 14, name: "Q6_K", blockSize: 256, typeSize: 2 + 256 / 2 + 256 / 4 + 256 / 16),
        GGMLType(rawValue: 15, name: "Q8_K", blockSize: 256, typeSize: 4 + 256 + 256 / 8),
        GGMLType(rawValue: 24, name: "I8", blockSize: 1, typeSize: 1),
        GGMLType(rawValue: 25, name: "I16", blockSize: 1, typeSize: 2),
        GGMLType(rawValue: 26, name: "I32", blockSize: 1, typeSize: 4),
        GGMLType(rawValue: 27, name: "I64", blockSize: 1, typeSize: 8),
        GGMLType(rawValue: 28, name: "F64", blockSize: 1, typeSize: 8),
        GGMLType(rawValue: 30, name: "BF16", blockSize: 1, typeSize: 2),
    ]

    /// The known type with id `rawValue`, or nil.
    public init?(rawValue: UInt32) {
        guard let t = GGMLType.table.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = t
    }

    private init(rawValue: UInt32, name: String, blockSize: Int, typeSize: Int) {
        self.rawValue = rawValue
        self.name = name
        self.blockSize = blockSize
        self.typeSize = typeSize
    }

    public static let f32 = GGMLType(rawValue: 0)!
    public static let f16 = GGMLType(rawValue: 1)!
    public static let q4_0 = GGMLType(rawValue: 2)!
    public static let q4_1 = GGMLType(rawValue: 3)!
    public static let q8_0 = GGMLType(rawValue: 8)!
    public static let q4_K = GGMLType(rawValue: 12)!
    public static let q6_K = GGMLType(rawValue: 14)!
}
