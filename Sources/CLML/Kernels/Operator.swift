/// The operators a graph node can apply, with their `u16` codes in the model format.
/// The inputs and attributes of each are listed in docs/PROTOCOL.md ("ML model format").
public enum Operator: UInt16, Sendable {
    /// `y = requant(Σ (x − zx)·W + b)` over the last axis. Inputs: x `[…, K]`, W `[N, K]` int8, b `[N]` int32.
    /// Attributes: input zero point, output zero point, multiplier, shift, fused ReLU (0/1).
    case linear = 1
    /// `Y = requant((A − za)(B − zb))`. Inputs: A `[M, K]`, B `[K, N]`.
    /// Attributes: a zero point, b zero point, output zero point, multiplier, shift.
    case matmul = 2
    /// 2-D convolution over `[C, H, W]`. Inputs: x, W `[O, C, KH, KW]` int8, b `[O]` int32.
    /// Attributes: stride h, stride w, padding h, padding w, input zero point, output zero point,
    /// multiplier, shift, fused ReLU (0/1). Padding reads the input zero point.
    case conv2d = 3
    /// `y = zo + round(((a − za)·ma + (b − zb)·mb) / 2^shift)` elementwise on equal shapes.
    /// Attributes: a zero point, b zero point, output zero point, a multiplier, b multiplier, shift.
    case add = 4
    /// `y = zo + requant((a − za)(b − zb))` elementwise. Attributes: a zp, b zp, output zp, multiplier, shift.
    case mul = 5
    /// `y = max(x, z)`. Attribute: the zero point `z`.
    case relu = 6
    /// Max pooling over `[C, H, W]`. Attributes: kernel h, kernel w, stride h, stride w.
    case maxPool = 7
    /// Average pooling over `[C, H, W]`, rounding half up. Attributes: kernel h, kernel w, stride h, stride w.
    case averagePool = 8
    /// Same values, new shape. Attributes: the new dimensions.
    case reshape = 9
    /// Same values, one dimension. No attributes.
    case flatten = 10
    /// Softmax over the last axis into Q15 probabilities (int16 or int32 output).
    /// Attributes: multiplier and shift taking `x − max(x)` into Q16 real units.
    case softmax = 11
    /// Layer normalisation over the last axis. Inputs: x (int8/int16), γ `[D]`, β `[D]` int32.
    /// Attributes: ε in squared input units, output zero point, multiplier, shift (of `z_Q12·γ + β`).
    case layerNorm = 12
    /// RMS normalisation over the last axis. Inputs: x (int8/int16), γ `[D]`.
    /// Attributes: ε in squared input units, output zero point, multiplier, shift (of `z_Q12·γ`).
    case rmsNorm = 13
    /// GELU as `x·σ(1.702x)`. Attributes: input zero point, multiplier and shift taking `1.702·(x − zx)`
    /// into Q16 real units, output zero point, multiplier and shift of `(x − zx)·σ_Q16`.
    case gelu = 14
    /// SiLU `x·σ(x)`; attributes as for GELU without the 1.702 factor.
    case silu = 15
    /// Row lookup. Inputs: token ids `[T]` int32, table `[V, D]`. Output `[T, D]` in the table's type.
    case embedding = 16
    /// Rotary position embedding on interleaved pairs. Inputs: x `[T, H, Dh]`, table `[P, Dh/2, 2]`
    /// int16 of (cos, sin) in Q14. Position of row t is the session position plus t.
    case rotaryEmbedding = 17
    /// Causal self-attention with a KV cache. Inputs: q, k, v `[T, H, Dh]` (zero point 0).
    /// Attributes: score multiplier and shift (q·k into Q16 logits, 1/√Dh included), output multiplier
    /// and shift (of Σ p_Q15·v), cache capacity in positions.
    case attention = 18
    /// Concatenation of one or more operands along an axis (the tiles of a split node, docs/PROTOCOL.md,
    /// "Graph tiling"). Every operand has the node's type and rank and equal dimensions except along the axis.
    /// Attribute: the axis.
    case concat = 19

    // Training (docs/TRAINING.md): int32 graph values throughout, every scaling a rounding shift.

    /// `y = round((Σ_k x·W + (b << biasShift)) / 2^outShift)` over the last axis with graph-value weights.
    /// Inputs: x `[…, K]`, W `[N, K]`, b `[N]`. Attributes: bias shift, output shift.
    case dense = 20
    /// `dx = round(Σ_n g·W / 2^shift)`. Inputs: g `[…, N]`, W `[N, K]`. Attribute: shift.
    case denseInputGradient = 21
    /// `dW = round(Σ_rows g·x / 2^shift)`. Inputs: g `[…, N]`, x `[…, K]` (equal leading dimensions). Attribute: shift.
    case denseWeightGradient = 22
    /// The sum over every axis but one, shifted left (a bias gradient). Attributes: the axis, the left shift (0...32).
    case sumToAxis = 23
    /// `g` where the forward output `y` is positive, else 0. Inputs: g, y (equal shapes).
    case reluGradient = 24
    /// Batch-mean softmax cross-entropy gradient over the logits. Inputs: logits `[B, C]`, labels `[B]` int32.
    /// Attributes: multiplier and shift taking logits into Q16, the left shift from Q15 to the gradient's format.
    case softmaxCrossEntropyGradient = 25
    /// `v' = round(v·multiplier / 2^shift) + g`. Inputs: v, g (equal shapes). Attributes: multiplier, shift.
    case momentum = 26
    /// `W' = W − round(u·multiplier / 2^shift)`. Inputs: W, u (equal shapes). Attributes: multiplier, shift.
    case sgdStep = 27
    /// Batched convolution with graph-value weights. Inputs: x `[B, C, H, W]`, W `[O, C, KH, KW]`, b `[O]`.
    /// Attributes: stride h, stride w, padding h, padding w, bias shift, output shift. Padding reads zero.
    case convolution = 28
    /// The input gradient of `convolution`. Inputs: g `[B, O, H', W']`, W `[O, C, KH, KW]`.
    /// Attributes: stride h, stride w, padding h, padding w, input height, input width, shift.
    case convolutionInputGradient = 29
    /// The weight gradient of `convolution`. Inputs: g `[B, O, H', W']`, x `[B, C, H, W]`.
    /// Attributes: stride h, stride w, padding h, padding w, kernel height, kernel width, shift.
    case convolutionWeightGradient = 30
    /// The gradient of `maxPool` over `[C, H, W]`. Inputs: the pooling's input x, g `[C, H', W']`.
    /// Attributes: as `maxPool`.
    case maxPoolGradient = 31

    /// How many inputs the operator takes, or -1 when it takes any number from 1 to 255 (concat).
    public var inputCount: Int {
        switch self {
        case .linear, .conv2d, .layerNorm: return 3
        case .matmul, .add, .mul, .rmsNorm, .embedding, .rotaryEmbedding: return 2
        case .attention: return 3
        case .concat: return -1
        case .dense, .convolution: return 3
        case .denseInputGradient, .denseWeightGradient, .reluGradient, .softmaxCrossEntropyGradient, .momentum, .sgdStep,
             .convolutionInputGradient, .convolutionWeightGradient, .maxPoolGradient: return 2
        case .sumToAxis: return 1
        case .relu, .maxPool, .averagePool, .reshape, .flatten, .softmax, .gelu, .silu: return 1
        }
    }

    /// How many attributes the operator takes, or -1 when it takes any positive number (reshape).
    public var attributeCount: Int {
        switch self {
        case .linear: return 5
        case .matmul: return 5
        case .conv2d: return 9
        case .add: return 6
        case .mul: return 5
        case .relu: return 1
        case .maxPool, .averagePool: return 4
        case .reshape: return -1
        case .flatten: return 0
        case .softmax: return 2
        case .layerNorm, .rmsNorm: return 4
        case .gelu, .silu: return 6
        case .embedding, .rotaryEmbedding: return 0
        case .attention: return 5
        case .concat: return 1
        case .dense, .sumToAxis, .momentum, .sgdStep: return 2
        case .denseInputGradient, .denseWeightGradient: return 1
        case .reluGradient: return 0
        case .softmaxCrossEntropyGradient: return 3
        case .convolution: return 6
        case .convolutionInputGradient, .convolutionWeightGradient: return 7
        case .maxPoolGradient: return 4
        }
    }
}
