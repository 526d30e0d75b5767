/// Why a model, a tensor or a graph evaluation was rejected. Malformed input always ends here,
/// never in a crash.
public enum MLError: Error, Equatable, Sendable {
    /// The bytes ended early: `needed` more bytes were required at byte `offset`.
    case truncated(offset: Int, needed: Int)
    /// The file does not start with the model magic `CLML`.
    case badMagic
    /// The format version is not one this reader understands.
    case unsupportedVersion(UInt16)
    /// An element-type byte that is not 1, 2 or 4.
    case unknownDType(UInt8)
    /// An operator code this engine does not implement.
    case unknownOperator(UInt16)
    /// A tensor header with more dimensions than the format allows, or a zero-size dimension.
    case badShape(offset: Int)
    /// A tensor larger than the engine accepts.
    case tensorTooLarge(elements: Int)
    /// A reserved field was not zero.
    case reservedNotZero(offset: Int)
    /// A constant's data does not hash to the Keccak-256 recorded in the node list.
    case hashMismatch(constant: Int)
    /// Bytes were left over after the last section.
    case trailingBytes(count: Int)
    /// A node refers to a value that does not exist or is not computed before it.
    case badReference(node: Int, input: Int)
    /// A node has the wrong number of inputs for its operator.
    case wrongInputCount(node: Int, expected: Int, actual: Int)
    /// A node has the wrong number of attributes for its operator.
    case wrongAttributeCount(node: Int, expected: Int, actual: Int)
    /// An attribute value is out of its legal range (a zero stride, a shift over 62, ...).
    case badAttribute(node: Int, index: Int)
    /// The shapes or element types reaching a node do not fit its operator.
    case shapeMismatch(node: Int)
    /// An input tensor does not match the graph's declared input (shape or element type).
    case inputMismatch(index: Int)
    /// A value lies outside its element type's range.
    case valueOutOfRange(offset: Int)
    /// A node index past the end of the graph.
    case noSuchNode(Int)
    /// The graph has no nodes, or declares no input.
    case emptyGraph
    /// A token id or a position lies outside the table a node reads.
    case indexOutOfRange(node: Int, index: Int)
    /// A KV cache is full: the attention node was asked for more positions than it holds.
    case cacheFull(node: Int)
}
