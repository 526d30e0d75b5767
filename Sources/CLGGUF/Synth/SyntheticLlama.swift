/// A LLaMA-architecture model with seeded random weights, written as GGUF tensor by tensor (`write`), for
/// measuring the engine at shapes no model at hand has (LLaMA-7B) and for small end-to-end tests.
///
/// The weights (docs/ARCHITECTURE.md, "Synthetic models"):
/// - every linear layer (`attn_q/k/v/output`, `ffn_gate/up/down`) is Q4_0 with 4-bit values `q` drawn
///   from 1…15, so the element `d·(q − 8)` is symmetric in ±7d with mean 0 and variance `d²·56/3`; one scale
///   per tensor, `d = f16(1 / sqrt(56/3 · fan_in))`, so each element's standard deviation is about
///   `1/sqrt(fan_in)` and a product of a unit-RMS vector has unit RMS again;
/// - `token_embd` is Q8_0 with int8 values drawn from −127…127 (variance 127·128/3) and
///   `d = f16(1 / sqrt(127·128/3))`: the embedding rows have unit RMS; `output` (untied, as in LLaMA) is Q8_0
///   with the same values scaled for fan-in `width`, so the logits have about unit spread;
/// - the norm weights (`attn_norm`, `ffn_norm`, `output_norm`) are F32 ones.
/// A byte `b` of the random stream becomes `1 + ⌊15b/256⌋` (4-bit) or `−127 + ⌊255b/256⌋` (8-bit), nearly
/// uniform. The stream of tensor `i` (in file order) is SplitMix64 started at `seed + (i+1)·0x9E3779B97F4A7C15`,
/// eight bytes per draw, lowest byte first.
///
/// The tokenizer metadata is a synthetic byte-level vocabulary: tokens 0…255 are the GPT-2 byte-level
/// characters of bytes 0…255 (normal tokens), the rest up to `vocabulary` are `<unused_N>` (type unused);
/// there are no merges, so any text encodes to one token per UTF-8 byte (pre-tokenizer `smollm`). No BOS or
/// EOS id is written, so generation never stops early.
public enum SyntheticLlama {
    /// The shape of a synthetic model.
    public struct Shape: Sendable, Equatable {
        /// The preset's name (`llama-7b`).
        public let name: String
        /// Transformer blocks.
        public let blockCount: Int
        /// Model width.
        public let width: Int
        /// SwiGLU hidden width (a multiple of 32).
        public let feedForward: Int
        /// Query heads.
        public let heads: Int
        /// Key/value heads.
        public let kvHeads: Int
        /// Tokens in the vocabulary (at least 256).
        public let vocabulary: Int
        /// Context length written to the metadata.
        public let contextLength: Int
        /// RoPE base θ.
        public let ropeBase: Int

        /// Elements per head.
        public var headWidth: Int { width / heads }

        /// LLaMA-7B: 32 blocks, width 4096, FFN 11008, 32 heads and 32 key/value heads, vocabulary 32000,
        /// RoPE base 10000, context 2048.
        public static let llama7B = Shape(name: "llama-7b", blockCount: 32, width: 4096, feedForward: 11008,
                                          heads: 32, kvHeads: 32, vocabulary: 32000, contextLength: 2048, ropeBase: 10000)
        /// A test model: 2 blocks, width 64, FFN 128, 4 heads and 2 key/value heads (grouped-query attention),
        /// vocabulary 512, context 128.
        public static let tiny = Shape(name: "tiny", blockCount: 2, width: 64, feedForward: 128,
                                       heads: 4, kvHeads: 2, vocabulary: 512, contextLength: 128, ropeBase: 10000)
        /// The presets, by name.
        public static let presets: [Shape] = [tiny, llama7B]

        /// The preset named `name`, or nil.
        public static func preset(named name: String) -> Shape? { presets.first { $0.name == name } }
    }

    /// The F32 bits of RMSNorm ε, 1e−5 (LLaMA-7B's).
    public static let epsilonBits = Float(1e-5).bitPattern

    /// The metadata written for `shape`: the `llama.*` keys and the synthetic tokenizer.
    public static func metadata(_ shape: Shape, seed: UInt64) -> [(key: String, value: GGUFValue)] {
        var tokens: [GGUFValue] = (0..<256).map { .string(String(decoding: ByteLevel.utf8OfByte[$0], as: UTF8.self)) }
        var types = [GGUFValue](repeating: .int32(Int32(TokenType.normal.rawValue)), count: 256)
        for i in 256..<shape.vocabulary {
            tokens.append(.string("<unused_\(i)>"))
            types.append(.int32(Int32(TokenType.unused.rawValue)))
        }
        let u = { (v: Int) in GGUFValue.uint32(UInt32(v)) }
        return [
            ("general.architecture", .string("llama")),
            ("general.name", .string("synthetic \(shape.name) seed \(seed)")),
            ("general.file_type", u(2)),   // MOSTLY_Q4_0
            ("llama.context_length", u(shape.contextLength)),
            ("llama.embedding_length", u(shape.width)),
            ("llama.block_count", u(shape.blockCount)),
            ("llama.feed_forward_length", u(shape.feedForward)),
            ("llama.rope.dimension_count", u(shape.headWidth)),
            ("llama.attention.head_count", u(shape.heads)),
            ("llama.attention.head_count_kv", u(shape.kvHeads)),
            ("llama.attention.layer_norm_rms_epsilon", .float32(bits: epsilonBits)),
            ("llama.rope.freq_base", .float32(bits: Float(shape.ropeBase).bitPattern)),
            ("llama.vocab_size", u(shape.vocabulary)),
            ("tokenizer.ggml.model", .string("gpt2")),
            ("tokenizer.ggml.pre", .string("smollm")),
            ("tokenizer.ggml.tokens", .array(.string, tokens)),
            ("tokenizer.ggml.token_type", .array(.int32, types)),
            ("tokenizer.ggml.merges", .array(.string, [])),
        ]
    }

    /// How one tensor's values are drawn.
    struct Recipe {
        let tensor: GGUFStreamWriter.Tensor
        /// The block scale's binary16 bits (unused for F32 ones).
        let scale: UInt16
    }

    /// The tensors of `shape` in file order, with their scales.
    static func recipes(_ shape: Shape) -> [Recipe] {
        let kv = shape.kvHeads * shape.headWidth
        func linear(_ name: String, _ fanIn: Int, _ rows: Int) -> Recipe {
            Recipe(tensor: .init(name: name, type: .q4_0, shape: [fanIn, rows]), scale: f16(1 / (56.0 / 3 * Double(fanIn)).squareRoot()))
        }
        func norm(_ name: String) -> Recipe { Recipe(tensor: .init(name: name, type: .f32, shape: [shape.width]), scale: 0) }
        let int8Variance = 127.0 * 128 / 3
        var out = [Recipe(tensor: .init(name: "token_embd.weight", type: .q8_0, shape: [shape.width, shape.vocabulary]),
                          scale: f16(1 / int8Variance.squareRoot()))]
        for i in 0..<shape.blockCount {
            let p = "blk.\(i)."
            out += [norm(p + "attn_norm.weight"),
                    linear(p + "attn_q.weight", shape.width, shape.width),
                    linear(p + "attn_k.weight", shape.width, kv),
                    linear(p + "attn_v.weight", shape.width, kv),
                    linear(p + "attn_output.weight", shape.width, shape.width),
                    norm(p + "ffn_norm.weight"),
                    linear(p + "ffn_gate.weight", shape.width, shape.feedForward),
                    linear(p + "ffn_up.weight", shape.width, shape.feedForward),
                    linear(p + "ffn_down.weight", shape.feedForward, shape.width)]
        }
        out.append(norm("output_norm.weight"))
        out.append(Recipe(tensor: .init(name: "output.weight", type: .q8_0, shape: [shape.width, shape.vocabulary]),
                          scale: f16(1 / (int8Variance * Double(shape.width)).squareRoot())))
        return out
    }

    /// The tensors `write` writes for `shape`, in file order.
    public static func tensors(_ shape: Shape) -> [GGUFStreamWriter.Tensor] { recipes(shape).map(\.tensor) }

    /// Writes the whole model for `shape` and `seed` to `sink`, in chunks of at most about `chunkBytes`;
    /// returns the number of bytes written.
    @discardableResult
    public static func write(_ shape: Shape, seed: UInt64, chunkBytes: Int = 1 << 22,
                             to sink: @escaping GGUFStreamWriter.Sink) throws -> Int {
        precondition(shape.vocabulary >= 256 && shape.width % shape.heads == 0 && shape.heads % shape.kvHeads == 0,
                     "an inconsistent synthetic shape")
        let recipes = recipes(shape)
        var writer = GGUFStreamWriter(sink: sink)
        try writer.begin(metadata: metadata(shape, seed: seed), tensors: recipes.map(\.tensor))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes + 64, alignment: 8)
        defer { buffer.deallocate() }
        for (index, r) in recipes.enumerated() {
            var random = SplitMix64(seed: seed &+ UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15)
            let t = r.tensor, blockBytes = t.type.typeSize
            let blocksPerChunk = max(1, chunkBytes / blockBytes)
            var left = t.byteCount / blockBytes
            while left > 0 {
                let n = min(left, blocksPerChunk)
                for b in 0..<n { fill(buffer.baseAddress! + b * blockBytes, type: t.type, scale: r.scale, random: &random) }
                try writer.tensorData(UnsafeRawBufferPointer(rebasing: buffer[0..<n * blockBytes]))
                left -= n
            }
        }
        return writer.finish()
    }

    /// One block of `type` at `p`.
    @inline(__always)
    static func fill(_ p: UnsafeMutableRawPointer, type: GGMLType, scale: UInt16, random: inout SplitMix64) {
        switch type {
        case .f32:
            p.storeBytes(of: Float(1).bitPattern.littleEndian, as: UInt32.self)
        case .q4_0:
            p.storeBytes(of: scale.littleEndian, toByteOffset: 0, as: UInt16.self)
            // Bytes 2…17: element j in the low nibble, element j + 16 in the high nibble, j in 0…15.
            let low = (random.next(), random.next()), high = (random.next(), random.next())
            for j in 0..<16 {
                let a = nibble(UInt8(truncatingIfNeeded: j < 8 ? low.0 >> (8 * j) : low.1 >> (8 * (j - 8))))
                let b = nibble(UInt8(truncatingIfNeeded: j < 8 ? high.0 >> (8 * j) : high.1 >> (8 * (j - 8))))
                p.storeBytes(of: a | b << 4, toByteOffset: 2 + j, as: UInt8.self)
            }
        case .q8_0:
            p.storeBytes(of: scale.littleEndian, toByteOffset: 0, as: UInt16.self)
            for w in 0..<4 {
                let r = random.next()
                for j in 0..<8 {
                    let q = -127 + (Int(UInt8(truncatingIfNeeded: r >> (8 * j))) * 255) >> 8
                    p.storeBytes(of: Int8(q), toByteOffset: 2 + 8 * w + j, as: Int8.self)
                }
            }
        default:
            preconditionFailure("no synthetic blocks of \(type)")
        }
    }

    /// A random byte as a 4-bit value in 1…15.
    @inline(__always)
    static func nibble(_ b: UInt8) -> UInt8 { UInt8(1 + (Int(b) * 15) >> 8) }

    /// `x` rounded to the nearest binary16, as bits.
    static func f16(_ x: Double) -> UInt16 { Float16(x).bitPattern }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a 64-bit state stepped by the golden-ratio increment, each
/// output a mix of the state.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
