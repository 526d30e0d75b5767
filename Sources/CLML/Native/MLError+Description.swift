/// Readable messages for the native build (the guest reports errors by exit code only).
extension MLError: CustomStringConvertible {
    /// A one-line explanation of the error.
    public var description: String {
        switch self {
        case .truncated(let offset, let needed): return "truncated: \(needed) more bytes needed at offset \(offset)"
        case .badMagic: return "not a ChainLearn model (bad magic)"
        case .unsupportedVersion(let version): return "unsupported model format version \(version)"
        case .unknownDType(let code): return "unknown element type \(code)"
        case .unknownOperator(let code): return "unknown operator \(code)"
        case .badShape(let offset): return "bad tensor shape at offset \(offset) (rank 1...8, dimensions >= 1)"
        case .tensorTooLarge(let elements): return "tensor too large (\(elements) elements)"
        case .reservedNotZero(let offset): return "reserved field at offset \(offset) is not zero"
        case .hashMismatch(let constant): return "constant \(constant) does not match its Keccak-256"
        case .trailingBytes(let count): return "\(count) unexpected bytes after the end"
        case .badReference(let node, let input): return "node \(node): operand \(input) refers to a missing or later value"
        case .wrongInputCount(let node, let expected, let actual):
            return "node \(node): \(actual) operands, the operator takes \(expected)"
        case .wrongAttributeCount(let node, let expected, let actual):
            return "node \(node): \(actual) attributes, the operator takes \(expected)"
        case .badAttribute(let node, let index): return "node \(node): attribute \(index) out of range"
        case .shapeMismatch(let node): return "node \(node): operand shapes or element types do not fit the operator"
        case .inputMismatch(let index): return "input \(index) does not match the declared element type and shape"
        case .valueOutOfRange(let offset): return "value out of its element type's range (item \(offset))"
        case .noSuchNode(let index): return "no node \(index)"
        case .emptyGraph: return "the graph has no nodes or no inputs"
        case .indexOutOfRange(let node, let index): return "node \(node): index \(index) outside its table"
        case .cacheFull(let node): return "node \(node): KV cache full"
        }
    }
}
