/// A GGUF weight matrix imported for the integer engine: the file's own quantized integers, kept as they
/// are, with each block's binary16 scale (and minimum) turned into a fixed-point integer by an exact rule.
///
/// The rule (docs/PROTOCOL.md, "GGUF import"): every finite binary16 value is an integer multiple of
/// 2^−24, so `S = d · 2^24` is an integer, exactly; it is kept when |S| < 2^31 (|d| < 128), else the import
/// fails with `GGUFError.Kind.scaleOutOfRange`. An element is then, exactly:
/// - Q8_0: `S · q · 2^−24`, with `q` the block's int8;
/// - Q4_0: `S · (q − 8) · 2^−24`, with `q` the 4-bit value 0…15;
/// - Q4_1: `(S · q + M) · 2^−24`, with `M = m · 2^24` from the block's minimum `m`.
/// So the engine's product of a block with fixed-point activations is an integer sum, and the result equals
/// the GGUF value times the activations without rounding.
public struct BlockQuantizedMatrix: Sendable, Equatable {
    /// How the integers of a block are stored.
    public enum Format: String, Sendable {
        /// 32 signed 8-bit values per block.
        case q8_0 = "Q8_0"
        /// 32 unsigned 4-bit values per block, offset by 8.
        case q4_0 = "Q4_0"
        /// 32 unsigned 4-bit values per block, with a block minimum.
        case q4_1 = "Q4_1"
    }

    /// The elements of a block.
    public static let blockSize = 32
    /// The fraction bits of `scales` and `minimums`.
    public static let scaleFractionBits = 24

    /// The storage format.
    public let format: Format
    /// The number of rows (the product of the tensor's dimensions after the first).
    public let rows: Int
    /// Elements per row (the tensor's first dimension, `ne[0]`), a multiple of 32.
    public let columns: Int
    /// Q8_0: one int8 per element, row-major. Q4_0/Q4_1: 16 bytes per block as in the file (byte `j` holds
    /// element `j` in its low nibble and element `j + 16` in its high nibble), blocks row-major.
    public let quants: [UInt8]
    /// One fixed-point scale per block (`d · 2^24`), blocks row-major.
    public let scales: [Int32]
    /// Q4_1: one fixed-point minimum per block (`m · 2^24`); empty for the other formats.
    public let minimums: [Int32]

    /// Blocks per row.
    public var blocksPerRow: Int { columns / Self.blockSize }

    /// Builds a matrix from parts (for tests and synthetic models); the sizes must agree.
    public init(format: Format, rows: Int, columns: Int, quants: [UInt8], scales: [Int32], minimums: [Int32]) {
        precondition(columns % Self.blockSize == 0 && rows >= 0, "columns must be a multiple of 32")
        let blocks = rows * columns / Self.blockSize
        precondition(scales.count == blocks && quants.count == blocks * (format == .q8_0 ? 32 : 16)
                     && minimums.count == (format == .q4_1 ? blocks : 0), "matrix parts of the wrong size")
        self.format = format
        self.rows = rows
        self.columns = columns
        self.quants = quants
        self.scales = scales
        self.minimums = minimums
    }

    /// The integer `q` of element `column` of `row` (int8 for Q8_0, 0…15 for the 4-bit formats).
    @inlinable
    public func quant(row: Int, column: Int) -> Int32 {
        let block = row * blocksPerRow + column / 32, j = column % 32
        switch format {
        case .q8_0:
            return Int32(Int8(bitPattern: quants[block * 32 + j]))
        case .q4_0, .q4_1:
            let byte = quants[block * 16 + j % 16]
            return Int32(j < 16 ? byte & 0x0F : byte >> 4)
        }
    }

    /// Element `column` of `row` as a fixed-point integer with 24 fraction bits: exactly the GGUF value · 2^24.
    @inlinable
    public func fixedValue(row: Int, column: Int) -> Int64 {
        let block = row * blocksPerRow + column / 32
        let q = Int64(quant(row: row, column: column)), s = Int64(scales[block])
        switch format {
        case .q8_0: return s * q
        case .q4_0: return s * (q - 8)
        case .q4_1: return s * q + Int64(minimums[block])
        }
    }
}
