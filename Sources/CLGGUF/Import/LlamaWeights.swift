/// The shape of a LLaMA-architecture model, from the GGUF metadata `llama.*`.
public struct LlamaHyperparameters: Sendable, Equatable {
    /// Transformer blocks (`llama.block_count`).
    public let blockCount: Int
    /// Model width (`llama.embedding_length`).
    public let width: Int
    /// SwiGLU hidden width (`llama.feed_forward_length`).
    public let feedForward: Int
    /// Query heads (`llama.attention.head_count`).
    public let heads: Int
    /// Key/value heads (`llama.attention.head_count_kv`).
    public let kvHeads: Int
    /// Context length trained for (`llama.context_length`).
    public let contextLength: Int
    /// Rotated dimensions per head (`llama.rope.dimension_count`, else the head width).
    public let ropeDimensions: Int
    /// RoPE base θ (`llama.rope.freq_base`), exactly.
    public let ropeBase: Dyadic
    /// RMSNorm ε (`llama.attention.layer_norm_rms_epsilon`), exactly.
    public let rmsEpsilon: Dyadic
    /// Vocabulary size (rows of the token embedding).
    public let vocabulary: Int

    /// Elements per head (`width / heads`).
    public var headWidth: Int { width / heads }

    /// Reads the `llama.*` keys; `vocabulary` is taken from the token embedding's shape.
    public init(_ file: GGUFFile) throws(GGUFError) {
        func int(_ key: String) throws(GGUFError) -> Int {
            guard let v = file.value(key)?.integer, v > 0 else { throw GGUFError(.missingMetadata(key), at: 0) }
            return v
        }
        func real(_ key: String) throws(GGUFError) -> Dyadic {
            guard case .float32(let bits)? = file.value(key), let d = Dyadic(float32Bits: bits), d.mantissa > 0 else {
                throw GGUFError(.missingMetadata(key), at: 0)
            }
            return d
        }
        guard file.value("general.architecture")?.string == "llama" else { throw GGUFError(.missingMetadata("general.architecture"), at: 0) }
        blockCount = try int("llama.block_count")
        width = try int("llama.embedding_length")
        feedForward = try int("llama.feed_forward_length")
        heads = try int("llama.attention.head_count")
        kvHeads = try int("llama.attention.head_count_kv")
        contextLength = try int("llama.context_length")
        guard width % heads == 0, heads % kvHeads == 0 else { throw GGUFError(.missingMetadata("llama.attention.head_count"), at: 0) }
        ropeDimensions = file.value("llama.rope.dimension_count") == nil ? width / heads : try int("llama.rope.dimension_count")
        ropeBase = try real("llama.rope.freq_base")
        rmsEpsilon = try real("llama.attention.layer_norm_rms_epsilon")
        guard let embedding = file.tensor("token_embd.weight"), embedding.shape.count == 2 else {
            throw GGUFError(.unexpectedTensor("token_embd.weight"), at: 0)
        }
        vocabulary = embedding.shape[1]
    }
}

/// A LLaMA-architecture model's weights imported for the integer engine: matrices block-quantized with
/// fixed-point scales, norm weights in fixed point (`GGUFImport`). A matrix of `R` rows and `C` columns
/// maps a `C`-vector to an `R`-vector (GGUF `ne = [C, R]`).
public struct LlamaWeights: Sendable {
    /// One transformer block.
    public struct Layer: Sendable {
        /// RMSNorm weight before attention (`attn_norm`), fixed point with 16 fraction bits.
        public let attentionNorm: [Int32]
        /// Query, key, value and output projections (`attn_q`, `attn_k`, `attn_v`, `attn_output`).
        public let query, key, value, output: BlockQuantizedMatrix
        /// RMSNorm weight before the feed-forward network (`ffn_norm`).
        public let feedForwardNorm: [Int32]
        /// SwiGLU gate, up and down projections (`ffn_gate`, `ffn_up`, `ffn_down`).
        public let gate, up, down: BlockQuantizedMatrix
    }

    /// The model's shape.
    public let hyperparameters: LlamaHyperparameters
    /// Token embedding, one row per token (`token_embd`).
    public let tokenEmbedding: BlockQuantizedMatrix
    /// The blocks in order.
    public let layers: [Layer]
    /// Final RMSNorm weight (`output_norm`).
    public let outputNorm: [Int32]
    /// The output projection (`output`), or nil when it is tied to `tokenEmbedding` (absent from the file).
    public let output: BlockQuantizedMatrix?

    /// Imports every weight of `file` (parsed from `bytes`), checking each tensor's presence, type and shape.
    public init(_ file: GGUFFile, in bytes: UnsafeRawBufferPointer) throws(GGUFError) {
        let h = try LlamaHyperparameters(file)
        let kvWidth = h.headWidth * h.kvHeads
        func tensor(_ name: String, _ shape: [Int]) throws(GGUFError) -> GGUFTensorInfo {
            guard let t = file.tensor(name), t.shape == shape else { throw GGUFError(.unexpectedTensor(name), at: 0) }
            return t
        }
        func matrix(_ name: String, columns: Int, rows: Int) throws(GGUFError) -> BlockQuantizedMatrix {
            try GGUFImport.matrix(try tensor(name, [columns, rows]), of: file, in: bytes)
        }
        func vector(_ name: String) throws(GGUFError) -> [Int32] {
            try GGUFImport.fixedVector(try tensor(name, [h.width]), of: file, in: bytes)
        }
        var layers: [Layer] = []
        for i in 0..<h.blockCount {
            let p = "blk.\(i)."
            layers.append(Layer(
                attentionNorm: try vector(p + "attn_norm.weight"),
                query: try matrix(p + "attn_q.weight", columns: h.width, rows: h.width),
                key: try matrix(p + "attn_k.weight", columns: h.width, rows: kvWidth),
                value: try matrix(p + "attn_v.weight", columns: h.width, rows: kvWidth),
                output: try matrix(p + "attn_output.weight", columns: h.width, rows: h.width),
                feedForwardNorm: try vector(p + "ffn_norm.weight"),
                gate: try matrix(p + "ffn_gate.weight", columns: h.width, rows: h.feedForward),
                up: try matrix(p + "ffn_up.weight", columns: h.width, rows: h.feedForward),
                down: try matrix(p + "ffn_down.weight", columns: h.feedForward, rows: h.width)))
        }
        self.hyperparameters = h
        self.tokenEmbedding = try matrix("token_embd.weight", columns: h.width, rows: h.vocabulary)
        self.layers = layers
        self.outputNorm = try vector("output_norm.weight")
        self.output = file.tensor("output.weight") == nil ? nil : try matrix("output.weight", columns: h.width, rows: h.vocabulary)
    }
}
