/// Quantisation parameters of a graph value: `real = scale · (q − zeroPoint)` with
/// `scale = scaleMantissa · 2^scaleExponent`. The engine never computes with the scale (converters
/// fold scales into each node's integer multipliers); it is carried so that results can be read back.
public struct Quantization: Equatable, Sendable {
    /// The scale's integer mantissa.
    public var scaleMantissa: Int32
    /// The scale's power-of-two exponent.
    public var scaleExponent: Int32
    /// The integer that stands for real zero.
    public var zeroPoint: Int32

    /// Quantisation parameters.
    public init(scaleMantissa: Int32, scaleExponent: Int32, zeroPoint: Int32) {
        self.scaleMantissa = scaleMantissa
        self.scaleExponent = scaleExponent
        self.zeroPoint = zeroPoint
    }

    /// Scale 1, zero point 0 (raw integers).
    public static let identity = Quantization(scaleMantissa: 1, scaleExponent: 0, zeroPoint: 0)
}

/// The declared type, shape and quantisation of a graph input.
public struct ValueInfo: Equatable, Sendable {
    /// Element type.
    public var dtype: DType
    /// Dimensions.
    public var shape: [Int]
    /// Quantisation parameters.
    public var quantization: Quantization

    /// A value description.
    public init(dtype: DType, shape: [Int], quantization: Quantization) {
        self.dtype = dtype
        self.shape = shape
        self.quantization = quantization
    }
}

/// Where a node input comes from. Encoded as a `u32`: the top two bits give the kind
/// (0 graph input, 1 node output, 2 constant), the low 30 bits the index.
public enum ValueReference: Equatable, Sendable {
    /// The graph input with this index.
    case input(Int)
    /// The output of the node with this index (an earlier node).
    case node(Int)
    /// The constant tensor with this index.
    case constant(Int)

    /// The `u32` encoding.
    public var encoded: UInt32 {
        switch self {
        case .input(let index): return UInt32(truncatingIfNeeded: index)
        case .node(let index): return (1 << 30) | UInt32(truncatingIfNeeded: index)
        case .constant(let index): return (2 << 30) | UInt32(truncatingIfNeeded: index)
        }
    }

    /// Decodes the `u32` form; `nil` for the unused kind 3.
    public init?(encoded: UInt32) {
        let index = Int(encoded & 0x3FFF_FFFF)
        switch encoded >> 30 {
        case 0: self = .input(index)
        case 1: self = .node(index)
        case 2: self = .constant(index)
        default: return nil
        }
    }
}

/// One step of the graph: an operator applied to earlier values, producing one tensor.
public struct Node: Equatable, Sendable {
    /// The operator.
    public var op: Operator
    /// The output element type.
    public var dtype: DType
    /// The operands, in the operator's order.
    public var inputs: [ValueReference]
    /// Integer attributes, in the operator's order (docs/PROTOCOL.md).
    public var attributes: [Int32]
    /// The output's quantisation parameters.
    public var quantization: Quantization

    /// A node.
    public init(op: Operator, dtype: DType, inputs: [ValueReference], attributes: [Int32], quantization: Quantization) {
        self.op = op
        self.dtype = dtype
        self.inputs = inputs
        self.attributes = attributes
        self.quantization = quantization
    }
}
