/// Why a GGUF file was rejected, with the byte offset where reading failed.
///
/// A public struct over a kind, so new kinds can be added without breaking callers that
/// switch on `kind` with a default. Malformed input always yields one of these, never a trap.
public struct GGUFError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: Equatable, Sendable {
        /// The first four bytes are not `GGUF`.
        case badMagic
        /// The header's version is not 2 or 3.
        case unsupportedVersion(UInt32)
        /// A count, length or value runs past the end of the file.
        case truncated
        /// A metadata value type outside 0...12.
        case unknownValueType(UInt32)
        /// A tensor type this reader does not know (its block size is unknown, so its length is too).
        case unknownTensorType(UInt32)
        /// A string that is not valid UTF-8.
        case invalidUTF8
        /// Two metadata entries with the same key.
        case duplicateKey(String)
        /// Two tensors with the same name.
        case duplicateTensorName(String)
        /// `general.alignment` is not a non-zero power of two, or not a UINT32.
        case invalidAlignment
        /// A tensor with no dimensions, more than four, or a zero or overflowing element count.
        case invalidShape(String)
        /// A tensor whose first dimension is not a multiple of its type's block size.
        case shapeNotBlockAligned(String)
        /// A tensor whose data offset is not a multiple of the alignment.
        case misalignedTensorData(String)
        /// A tensor whose bytes run past the end of the file.
        case tensorDataOutOfBounds(String)
        /// Two tensors whose byte ranges overlap.
        case overlappingTensorData(String, String)
        /// A BOOL value whose byte is neither 0 nor 1.
        case invalidBool(UInt8)
        /// Arrays nested deeper than the reader allows.
        case nestingTooDeep
        /// A floating-point value (scale or weight) that is infinite or NaN, where a finite one is needed.
        case nonFiniteValue
        /// An operation asked of a tensor type that does not support it (e.g. dequantizing Q5_K).
        case unsupportedOperation(String)
        /// A block scale or minimum of the named tensor too large for the import's 32-bit fixed point.
        case scaleOutOfRange(String)
        /// A value of the named tensor too large for the import's 32-bit fixed point.
        case valueOutOfRange(String)
        /// A metadata key the import needs is absent or of the wrong type.
        case missingMetadata(String)
        /// A tensor the import needs is absent, or has another type or shape than the model's parameters say.
        case unexpectedTensor(String)
    }

    /// The class of failure.
    public let kind: Kind
    /// The byte offset in the file where the failing item starts (or the tensor's data offset).
    public let offset: Int

    /// A failure of `kind` at byte `offset`.
    public init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    public var description: String { "GGUF error at byte \(offset): \(kind)" }
}
