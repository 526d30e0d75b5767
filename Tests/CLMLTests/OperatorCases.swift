import CLML
import Foundation

/// One single-operator model with seeded random inputs, and a float reference of what it should compute.
struct OperatorCase: CustomStringConvertible, Sendable {
    let name: String
    let model: Model
    let inputs: [Tensor]
    /// The float result the integer output should approximate (already in output units), and the
    /// largest difference allowed, in output integer steps.
    let reference: [Double]
    let tolerance: Double
    var description: String { name }
}

/// `(multiplier, shift)` with `multiplier ∈ [2^30, 2^31)` and `real ≈ multiplier / 2^shift`.
func fixedMultiplier(_ real: Double) -> (Int32, Int32) {
    let exponent = Int(floor(log2(real)))
    var shift = 30 - exponent
    var multiplier = (real * pow(2, Double(shift))).rounded()
    if multiplier >= 2_147_483_648 { multiplier /= 2; shift -= 1 }
    return (Int32(multiplier), Int32(shift))
}

func randomValues(_ generator: inout SplitMix64, count: Int, in range: ClosedRange<Int32>) -> [Int32] {
    (0..<count).map { _ in Int32.random(in: range, using: &generator) }
}

func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

/// Builds the operator cases from one seed.
enum OperatorCases {
    static func all(seed: UInt64) throws -> [OperatorCase] {
        var g = SplitMix64(seed: seed)
        var cases: [OperatorCase] = []
        let q = Quantization.identity

        // linear: x int8 [3, 40] (zp -5), W [24, 40], b; output int8 with zp 3.
        do {
            let x = randomValues(&g, count: 120, in: -128...127), w = randomValues(&g, count: 960, in: -127...127)
            let b = randomValues(&g, count: 24, in: -2000...2000)
            let real = 0.0009
            let (m, s) = fixedMultiplier(real)
            let model = try Model(
                inputs: [ValueInfo(dtype: .int8, shape: [3, 40], quantization: q)],
                constants: [Tensor(dtype: .int8, shape: [24, 40], values: w), Tensor(dtype: .int32, shape: [24], values: b)],
                constantQuantization: [q, q],
                nodes: [Node(op: .linear, dtype: .int8, inputs: [.input(0), .constant(0), .constant(1)],
                             attributes: [-5, 3, m, s, 0], quantization: q)])
            var reference: [Double] = []
            for row in 0..<3 {
                for n in 0..<24 {
                    var total = Double(b[n])
                    for k in 0..<40 { total += Double(x[row * 40 + k] + 5) * Double(w[n * 40 + k]) }
                    reference.append(min(127, max(-128, 3 + total * real)))
                }
            }
            cases.append(OperatorCase(name: "linear", model: model,
                                      inputs: [Tensor(dtype: .int8, shape: [3, 40], values: x)], reference: reference, tolerance: 0.51))
        }
        // conv2d: x int8 [C, H, W], W [O, C, KH, KW], fused ReLU; a wide and a narrow image.
        // Int8 inputs take the 16-bit product path, int16 inputs the 32-bit one, and int16 inputs whose
        // centred values exceed 16 bits the 64-bit direct loops.
        let convolutions: [(String, DType, ClosedRange<Int32>, Int32, Int, Int, Int, Int, Int, Int, Int, Int)] = [
            ("conv2d", .int8, -128...127, 7, 3, 9, 8, 5, 3, 3, 2, 1), ("conv2d-narrow", .int8, -128...127, 7, 2, 4, 3, 3, 3, 3, 2, 1),
            ("conv2d-int16", .int16, -3000...3000, 7, 2, 6, 5, 3, 3, 3, 1, 1),
            ("conv2d-wide", .int16, -32768...32767, -30000, 2, 5, 5, 2, 3, 2, 1, 0)]
        for (name, dtype, range, zero, c, h, wd, o, kh, kw, stride, pad) in convolutions {
            let x = randomValues(&g, count: c * h * wd, in: range)
            let w = randomValues(&g, count: o * c * kh * kw, in: -127...127)
            let b = randomValues(&g, count: o, in: -3000...3000)
            let real = dtype == .int8 ? 0.002 : 0.00002
            let (m, s) = fixedMultiplier(real)
            let model = try Model(
                inputs: [ValueInfo(dtype: dtype, shape: [c, h, wd], quantization: q)],
                constants: [Tensor(dtype: .int8, shape: [o, c, kh, kw], values: w), Tensor(dtype: .int32, shape: [o], values: b)],
                constantQuantization: [q, q],
                nodes: [Node(op: .conv2d, dtype: .int8, inputs: [.input(0), .constant(0), .constant(1)],
                             attributes: [Int32(stride), Int32(stride), Int32(pad), Int32(pad), zero, -10, m, s, 1], quantization: q)])
            let outH = (h + 2 * pad - kh) / stride + 1, outW = (wd + 2 * pad - kw) / stride + 1
            var reference: [Double] = []
            for oc in 0..<o {
                for oy in 0..<outH {
                    for ox in 0..<outW {
                        var total = Double(b[oc])
                        for ic in 0..<c {
                            for ky in 0..<kh {
                                for kx in 0..<kw {
                                    let iy = oy * stride - pad + ky, ix = ox * stride - pad + kx
                                    if iy < 0 || iy >= h || ix < 0 || ix >= wd { continue }
                                    total += Double(x[(ic * h + iy) * wd + ix] - zero) * Double(w[((oc * c + ic) * kh + ky) * kw + kx])
                                }
                            }
                        }
                        reference.append(min(127, max(-10, -10 + total * real)))
                    }
                }
            }
            cases.append(OperatorCase(name: name, model: model,
                                      inputs: [Tensor(dtype: dtype, shape: [c, h, wd], values: x)], reference: reference, tolerance: 0.51))
        }
        // matmul of two computed int8 tensors into int16.
        do {
            let a = randomValues(&g, count: 4 * 6, in: -128...127), b = randomValues(&g, count: 6 * 5, in: -128...127)
            let real = 0.05
            let (m, s) = fixedMultiplier(real)
            let model = try Model(
                inputs: [ValueInfo(dtype: .int8, shape: [4, 6], quantization: q), ValueInfo(dtype: .int8, shape: [6, 5], quantization: q)],
                constants: [], constantQuantization: [],
                nodes: [Node(op: .matmul, dtype: .int16, inputs: [.input(0), .input(1)], attributes: [2, -3, 1, m, s], quantization: q)])
            var reference: [Double] = []
            for r in 0..<4 {
                for c in 0..<5 {
                    var total = 0.0
                    for k in 0..<6 { total += Double(a[r * 6 + k] - 2) * Double(b[k * 5 + c] + 3) }
                    reference.append(1 + total * real)
                }
            }
            cases.append(OperatorCase(name: "matmul", model: model,
                                      inputs: [Tensor(dtype: .int8, shape: [4, 6], values: a), Tensor(dtype: .int8, shape: [6, 5], values: b)],
                                      reference: reference, tolerance: 0.51))
        }
        // add and mul of two int8 tensors with different scales.
        do {
            let a = randomValues(&g, count: 50, in: -128...127), b = randomValues(&g, count: 50, in: -128...127)
            let (ma, shift) = fixedMultiplier(0.75)
            let mb = Int32((0.3 * pow(2, Double(shift))).rounded())
            let addModel = try Model(
                inputs: [ValueInfo(dtype: .int8, shape: [5, 10], quantization: q), ValueInfo(dtype: .int8, shape: [5, 10], quantization: q)],
                constants: [], constantQuantization: [],
                nodes: [Node(op: .add, dtype: .int8, inputs: [.input(0), .input(1)], attributes: [4, -4, 2, ma, mb, shift], quantization: q)])
            let addReference = (0..<50).map { min(127, max(-128, 2 + Double(a[$0] - 4) * 0.75 + Double(b[$0] + 4) * 0.3)) }
            let inputs = [Tensor(dtype: .int8, shape: [5, 10], values: a), Tensor(dtype: .int8, shape: [5, 10], values: b)]
            cases.append(OperatorCase(name: "add", model: addModel, inputs: inputs, reference: addReference, tolerance: 0.51))
            let (mm, sm) = fixedMultiplier(0.01)
            let mulModel = try Model(
                inputs: addModel.inputs, constants: [], constantQuantization: [],
                nodes: [Node(op: .mul, dtype: .int8, inputs: [.input(0), .input(1)], attributes: [1, 0, -1, mm, sm], quantization: q)])
            let mulReference = (0..<50).map { min(127, max(-128, -1 + Double(a[$0] - 1) * Double(b[$0]) * 0.01)) }
            cases.append(OperatorCase(name: "mul", model: mulModel, inputs: inputs, reference: mulReference, tolerance: 0.51))
        }
        // relu, max pool, average pool, reshape, flatten on one [2, 6, 6] int8 tensor.
        do {
            let x = randomValues(&g, count: 72, in: -128...127)
            let info = [ValueInfo(dtype: .int8, shape: [2, 6, 6], quantization: q)]
            let input = [Tensor(dtype: .int8, shape: [2, 6, 6], values: x)]
            func single(_ op: Operator, _ attributes: [Int32]) throws -> Model {
                try Model(inputs: info, constants: [], constantQuantization: [],
                          nodes: [Node(op: op, dtype: .int8, inputs: [.input(0)], attributes: attributes, quantization: q)])
            }
            cases.append(OperatorCase(name: "relu", model: try single(.relu, [-20]), inputs: input,
                                      reference: x.map { Double(max($0, -20)) }, tolerance: 0))
            var maxReference: [Double] = [], averageReference: [Double] = []
            for c in 0..<2 {
                for oy in 0..<2 {
                    for ox in 0..<2 {
                        var window: [Int32] = []
                        for ky in 0..<3 { for kx in 0..<3 { window.append(x[(c * 6 + oy * 2 + ky) * 6 + ox * 2 + kx]) } }
                        maxReference.append(Double(window.max()!))
                        averageReference.append(Double(window.reduce(0, +)) / 9)
                    }
                }
            }
            cases.append(OperatorCase(name: "maxPool", model: try single(.maxPool, [3, 3, 2, 2]), inputs: input,
                                      reference: maxReference, tolerance: 0))
            cases.append(OperatorCase(name: "averagePool", model: try single(.averagePool, [3, 3, 2, 2]), inputs: input,
                                      reference: averageReference, tolerance: 0.5))
            cases.append(OperatorCase(name: "reshape", model: try single(.reshape, [12, 6]), inputs: input,
                                      reference: x.map(Double.init), tolerance: 0))
            cases.append(OperatorCase(name: "flatten", model: try single(.flatten, []), inputs: input,
                                      reference: x.map(Double.init), tolerance: 0))
        }
        // softmax: int8 logits at scale 1/16 into Q15 int16 probabilities.
        do {
            let x = randomValues(&g, count: 3 * 20, in: -128...127)
            let (m, s) = fixedMultiplier(65536.0 / 16)
            let model = try Model(
                inputs: [ValueInfo(dtype: .int8, shape: [3, 20], quantization: q)], constants: [], constantQuantization: [],
                nodes: [Node(op: .softmax, dtype: .int16, inputs: [.input(0)], attributes: [m, s], quantization: q)])
            var reference: [Double] = []
            for row in 0..<3 {
                let logits = (0..<20).map { Double(x[row * 20 + $0]) / 16 }
                let top = logits.max()!
                let total = logits.map { exp($0 - top) }.reduce(0, +)
                reference += logits.map { min(32767, exp($0 - top) / total * 32768) }
            }
            cases.append(OperatorCase(name: "softmax", model: model,
                                      inputs: [Tensor(dtype: .int8, shape: [3, 20], values: x)], reference: reference, tolerance: 2))
        }
        // layer norm and RMS norm of int16 rows, γ int16 at scale 1/1024, output int8 at scale 1/32.
        for isLayer in [true, false] {
            let width = 24
            let x = randomValues(&g, count: 4 * width, in: -3000...3000).enumerated().map { $0.element + Int32($0.offset % 7) * 400 }
            let gamma = randomValues(&g, count: width, in: 500...2000), beta = randomValues(&g, count: width, in: -40000...40000)
            let outScale = 1.0 / 32, gammaScale = 1.0 / 1024
            let (m, s) = fixedMultiplier(gammaScale / 4096 / outScale)
            let epsilon: Int32 = 10
            let constants = isLayer
                ? [Tensor(dtype: .int16, shape: [width], values: gamma), Tensor(dtype: .int32, shape: [width], values: beta)]
                : [Tensor(dtype: .int16, shape: [width], values: gamma)]
            let model = try Model(
                inputs: [ValueInfo(dtype: .int16, shape: [4, width], quantization: q)], constants: constants,
                constantQuantization: constants.map { _ in q },
                nodes: [Node(op: isLayer ? .layerNorm : .rmsNorm, dtype: .int8,
                             inputs: isLayer ? [.input(0), .constant(0), .constant(1)] : [.input(0), .constant(0)],
                             attributes: [epsilon, 0, m, s], quantization: q)])
            var reference: [Double] = []
            for row in 0..<4 {
                let v = (0..<width).map { Double(x[row * width + $0]) }
                let mean = isLayer ? v.reduce(0, +) / Double(width) : 0
                let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
                for i in 0..<width {
                    let z = (v[i] - mean) / (variance + Double(epsilon)).squareRoot()
                    let y = z * Double(gamma[i]) * gammaScale + (isLayer ? Double(beta[i]) * gammaScale / 4096 : 0)
                    reference.append(min(127, max(-128, y / outScale)))
                }
            }
            cases.append(OperatorCase(name: isLayer ? "layerNorm" : "rmsNorm", model: model,
                                      inputs: [Tensor(dtype: .int16, shape: [4, width], values: x)], reference: reference, tolerance: 1))
        }
        // GELU (as x·σ(1.702x)) and SiLU of int8 input at scale 1/16, output int8 at scale 1/32.
        for isGelu in [true, false] {
            let x = randomValues(&g, count: 64, in: -128...127)
            let alpha = isGelu ? 1.702 : 1.0
            let (gm, gs) = fixedMultiplier(alpha * 65536 / 16)
            let (m, s) = fixedMultiplier((1.0 / 16) / 65536 / (1.0 / 32))
            let model = try Model(
                inputs: [ValueInfo(dtype: .int8, shape: [64], quantization: q)], constants: [], constantQuantization: [],
                nodes: [Node(op: isGelu ? .gelu : .silu, dtype: .int8, inputs: [.input(0)],
                             attributes: [-2, gm, gs, 1, m, s], quantization: q)])
            let reference = x.map { value -> Double in
                let real = Double(value + 2) / 16
                return min(127, max(-128, 1 + real * sigmoid(alpha * real) * 32))
            }
            cases.append(OperatorCase(name: isGelu ? "gelu" : "silu", model: model,
                                      inputs: [Tensor(dtype: .int8, shape: [64], values: x)], reference: reference, tolerance: 0.51))
        }
        // embedding lookup.
        do {
            let table = randomValues(&g, count: 11 * 6, in: -128...127)
            let ids = randomValues(&g, count: 5, in: 0...10)
            let model = try Model(
                inputs: [ValueInfo(dtype: .int32, shape: [5], quantization: q)],
                constants: [Tensor(dtype: .int8, shape: [11, 6], values: table)], constantQuantization: [q],
                nodes: [Node(op: .embedding, dtype: .int8, inputs: [.input(0), .constant(0)], attributes: [], quantization: q)])
            let reference = ids.flatMap { id in (0..<6).map { Double(table[Int(id) * 6 + $0]) } }
            cases.append(OperatorCase(name: "embedding", model: model,
                                      inputs: [Tensor(dtype: .int32, shape: [5], values: ids)], reference: reference, tolerance: 0))
        }
        // rotary embedding of int16 [3, 2, 8] with a Q14 table for 8 positions.
        do {
            let x = randomValues(&g, count: 48, in: -20000...20000)
            var table: [Int32] = []
            for p in 0..<8 {
                for i in 0..<4 {
                    let angle = Double(p) * pow(10000, -Double(2 * i) / 8)
                    table += [Int32((cos(angle) * 16384).rounded()), Int32((sin(angle) * 16384).rounded())]
                }
            }
            let model = try Model(
                inputs: [ValueInfo(dtype: .int16, shape: [3, 2, 8], quantization: q)],
                constants: [Tensor(dtype: .int16, shape: [8, 4, 2], values: table)], constantQuantization: [q],
                nodes: [Node(op: .rotaryEmbedding, dtype: .int16, inputs: [.input(0), .constant(0)], attributes: [], quantization: q)])
            var reference: [Double] = []
            for t in 0..<3 {
                for h in 0..<2 {
                    for i in 0..<4 {
                        let angle = Double(t) * pow(10000, -Double(2 * i) / 8)
                        let x0 = Double(x[(t * 2 + h) * 8 + 2 * i]), x1 = Double(x[(t * 2 + h) * 8 + 2 * i + 1])
                        reference += [x0 * cos(angle) - x1 * sin(angle), x0 * sin(angle) + x1 * cos(angle)]
                    }
                }
            }
            cases.append(OperatorCase(name: "rotaryEmbedding", model: model,
                                      inputs: [Tensor(dtype: .int16, shape: [3, 2, 8], values: x)], reference: reference, tolerance: 3))
        }
        // causal attention over 4 tokens, 2 heads of 8, int8 q/k/v at scale 1/32, output int8 at 1/32.
        do {
            let (tokens, heads, dim) = (4, 2, 8)
            let count = tokens * heads * dim
            let qs = randomValues(&g, count: count, in: -64...64), ks = randomValues(&g, count: count, in: -64...64)
            let vs = randomValues(&g, count: count, in: -128...127)
            let scale = 1.0 / 32
            let (sm, ss) = fixedMultiplier(scale * scale / Double(dim).squareRoot() * 65536)
            let (om, os) = fixedMultiplier(1.0 / 32768)
            let info = ValueInfo(dtype: .int8, shape: [tokens, heads, dim], quantization: q)
            let model = try Model(
                inputs: [info, info, info], constants: [], constantQuantization: [],
                nodes: [Node(op: .attention, dtype: .int8, inputs: [.input(0), .input(1), .input(2)],
                             attributes: [sm, ss, om, os, 16], quantization: q)])
            var reference = [Double](repeating: 0, count: count)
            for t in 0..<tokens {
                for h in 0..<heads {
                    var logits: [Double] = []
                    for j in 0...t {
                        var dot = 0.0
                        for d in 0..<dim { dot += Double(qs[(t * heads + h) * dim + d]) * Double(ks[(j * heads + h) * dim + d]) }
                        logits.append(dot * scale * scale / Double(dim).squareRoot())
                    }
                    let top = logits.max()!
                    let weights = logits.map { exp($0 - top) }
                    let total = weights.reduce(0, +)
                    for d in 0..<dim {
                        var y = 0.0
                        for j in 0...t { y += weights[j] / total * Double(vs[(j * heads + h) * dim + d]) }
                        reference[(t * heads + h) * dim + d] = y
                    }
                }
            }
            let shape = [tokens, heads, dim]
            cases.append(OperatorCase(
                name: "attention", model: model,
                inputs: [Tensor(dtype: .int8, shape: shape, values: qs), Tensor(dtype: .int8, shape: shape, values: ks),
                         Tensor(dtype: .int8, shape: shape, values: vs)],
                reference: reference, tolerance: 1))
        }
        return cases
    }
}
