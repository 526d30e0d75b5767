import CLGGUF
import CLML
import Dispatch

/// A LLaMA-architecture decoder in the engine's integer arithmetic (docs/PROTOCOL.md, "Integer decoder"):
/// block-quantized matrix products (`BlockMatVec`), RMSNorm, RoPE from the integer `RopeTable`,
/// grouped-query causal attention over a key/value cache with an integer softmax, SwiGLU, and the output
/// projection tied to the token embedding when the file has none. One token is run at a time; the
/// matrix rows and the attention heads are split across `threads` threads, which changes no result
/// (every output value is computed by one thread with the same operations).
public final class LlamaDecoder {
    /// The model's shape.
    public let hyperparameters: LlamaHyperparameters
    /// Positions the key/value cache holds.
    public let contextLength: Int
    /// Threads the products and heads are split across.
    public let threads: Int
    /// Tokens run so far (the position of the next one).
    public private(set) var position = 0

    struct Layer {
        let attentionNorm: [Int32], feedForwardNorm: [Int32]
        let query, key, value, output, gate, up, down: PackedMatrix
        let keys: UnsafeMutableBufferPointer<Int32>, values: UnsafeMutableBufferPointer<Int32>
    }

    let layers: [Layer]
    let embedding: PackedMatrix
    let outputProjection: PackedMatrix
    let outputNorm: [Int32]
    let rope: RopeTable
    let epsilonQ48: Int64
    let scoreScale: Int64
    // Scratch vectors (Q16).
    let x, normed, q, k, v, attended, projected, gate, up, logitBuffer: UnsafeMutableBufferPointer<Int64>
    let scratch: [UnsafeMutableBufferPointer<Int64>]
    let quantized: QuantizedVector

    /// A decoder over `weights` with room for `contextLength` positions, split across `threads` ≥ 1 threads.
    /// Throws `badContextLength` for a context below 1 or beyond the model's trained context.
    public init(_ weights: LlamaWeights, contextLength: Int, threads: Int = 2) throws(LlamaDecoderError) {
        let h = weights.hyperparameters
        guard contextLength >= 1, contextLength <= h.contextLength else { throw LlamaDecoderError(.badContextLength(contextLength)) }
        precondition(threads >= 1, "at least one thread")
        hyperparameters = h
        self.contextLength = contextLength
        self.threads = threads
        let kvWidth = h.kvHeads * h.headWidth
        layers = weights.layers.map { l in
            let keys = UnsafeMutableBufferPointer<Int32>.allocate(capacity: contextLength * kvWidth)
            keys.initialize(repeating: 0)
            let values = UnsafeMutableBufferPointer<Int32>.allocate(capacity: contextLength * kvWidth)
            values.initialize(repeating: 0)
            return Layer(attentionNorm: l.attentionNorm, feedForwardNorm: l.feedForwardNorm,
                         query: PackedMatrix(l.query), key: PackedMatrix(l.key), value: PackedMatrix(l.value),
                         output: PackedMatrix(l.output), gate: PackedMatrix(l.gate), up: PackedMatrix(l.up),
                         down: PackedMatrix(l.down), keys: keys, values: values)
        }
        embedding = PackedMatrix(weights.tokenEmbedding)
        outputProjection = weights.output.map(PackedMatrix.init) ?? embedding
        outputNorm = weights.outputNorm
        do { rope = try RopeTable(base: h.ropeBase, dimensions: h.ropeDimensions, positions: contextLength) } catch {
            throw LlamaDecoderError(.badContextLength(contextLength))
        }
        epsilonQ48 = h.rmsEpsilon.fixedPoint(fractionBits: 48) ?? 0
        scoreScale = DecoderKernels.scoreScaleQ30(headWidth: h.headWidth)
        x = zeroed(h.width)
        normed = zeroed(h.width)
        q = zeroed(h.width)
        k = zeroed(kvWidth)
        v = zeroed(kvWidth)
        attended = zeroed(h.width)
        projected = zeroed(h.width)
        gate = zeroed(h.feedForward)
        up = zeroed(h.feedForward)
        logitBuffer = zeroed(h.vocabulary)
        scratch = (0..<threads).map { _ in zeroed(2 * contextLength) }
        quantized = QuantizedVector(capacity: max(h.width, h.feedForward))
    }

    deinit {
        for l in layers {
            l.keys.deallocate()
            l.values.deallocate()
        }
        for b in [x, normed, q, k, v, attended, projected, gate, up, logitBuffer] + scratch { b.deallocate() }
    }

    /// Forgets every position: the next token is at position 0.
    public func reset() { position = 0 }

    /// Runs `token` at the next position and returns the Q16 logits over the vocabulary (an empty array
    /// when `logits` is false, which skips the output projection).
    @discardableResult
    public func step(_ token: Int32, logits: Bool = true) throws(LlamaDecoderError) -> [Int64] {
        let h = hyperparameters
        guard token >= 0, Int(token) < h.vocabulary else { throw LlamaDecoderError(.tokenOutOfRange(token)) }
        guard position < contextLength else { throw LlamaDecoderError(.contextFull(context: contextLength)) }
        let p = position, kvWidth = h.kvHeads * h.headWidth, half = h.ropeDimensions / 2
        embedding.row(Int(token), into: x.baseAddress!)
        for layer in layers {
            norm(layer.attentionNorm)
            quantized.set(normed.baseAddress!, count: h.width)
            products([(layer.query, q), (layer.key, k), (layer.value, v)])
            rope.cos.withUnsafeBufferPointer { c in
                rope.sin.withUnsafeBufferPointer { s in
                    let cp = c.baseAddress! + p * half, sp = s.baseAddress! + p * half
                    DecoderKernels.rope(q.baseAddress!, heads: h.heads, headWidth: h.headWidth, rotated: h.ropeDimensions, cos: cp, sin: sp)
                    DecoderKernels.rope(k.baseAddress!, heads: h.kvHeads, headWidth: h.headWidth, rotated: h.ropeDimensions, cos: cp, sin: sp)
                }
            }
            for j in 0..<kvWidth {
                layer.keys[p * kvWidth + j] = DecoderKernels.cacheEntry(k[j])
                layer.values[p * kvWidth + j] = DecoderKernels.cacheEntry(v[j])
            }
            attention(layer, length: p + 1)
            quantized.set(attended.baseAddress!, count: h.width)
            products([(layer.output, projected)])
            for j in 0..<h.width { x[j] &+= projected[j] }
            norm(layer.feedForwardNorm)
            quantized.set(normed.baseAddress!, count: h.width)
            products([(layer.gate, gate), (layer.up, up)])
            DecoderKernels.swiGLU(gate: gate.baseAddress!, up: up.baseAddress!, count: h.feedForward)
            quantized.set(gate.baseAddress!, count: h.feedForward)
            products([(layer.down, projected)])
            for j in 0..<h.width { x[j] &+= projected[j] }
        }
        position += 1
        guard logits else { return [] }
        norm(outputNorm)
        quantized.set(normed.baseAddress!, count: h.width)
        products([(outputProjection, logitBuffer)])
        return Array(logitBuffer)
    }

    /// Runs `prompt` from the current position and returns the logits after its last token.
    /// Throws `emptyPrompt`, or `promptTooLong` when the prompt does not fit in the positions left.
    public func prefill(_ prompt: [Int32]) throws(LlamaDecoderError) -> [Int64] {
        guard !prompt.isEmpty else { throw LlamaDecoderError(.emptyPrompt) }
        guard position + prompt.count <= contextLength else {
            throw LlamaDecoderError(.promptTooLong(tokens: prompt.count, context: contextLength - position))
        }
        for t in prompt.dropLast() { try step(t, logits: false) }
        return try step(prompt[prompt.count - 1])
    }

    /// The token drawn from `logits` at generation step `step` with seeded integer sampling (`TokenSampler`;
    /// greedy when the temperature is 0).
    public static func sample(_ logits: [Int64], parameters: TokenSampler.Parameters, step: Int) -> Int32 {
        logits.withUnsafeBufferPointer { Int32(TokenSampler.pick($0, parameters: parameters, step: UInt32(truncatingIfNeeded: step))) }
    }

    /// The greedy choice from `logits`: the largest, the lowest id among equals.
    public static func greedy(_ logits: [Int64]) -> Int32 {
        logits.withUnsafeBufferPointer { Int32(DecoderKernels.argmax($0.baseAddress!, count: $0.count)) }
    }

    // MARK: - Steps

    func norm(_ weight: [Int32]) {
        weight.withUnsafeBufferPointer { w in
            DecoderKernels.rmsNorm(x.baseAddress!, count: hyperparameters.width, weight: w.baseAddress!,
                                   epsilonQ48: epsilonQ48, into: normed.baseAddress!)
        }
    }

    /// Each matrix times the quantized vector, the rows of every matrix split across the threads.
    func products(_ jobs: [(PackedMatrix, UnsafeMutableBufferPointer<Int64>)]) {
        let n = threads, a = quantized
        parallel { part in
            for (m, out) in jobs {
                m.rows(m.rows * part / n ..< m.rows * (part + 1) / n, a, into: out.baseAddress!)
            }
        }
    }

    func attention(_ layer: Layer, length: Int) {
        let h = hyperparameters, n = threads
        let query = q, out = attended, scale = scoreScale, scratch = scratch
        parallel { part in
            DecoderKernels.attention(query: query.baseAddress!, headRange: h.heads * part / n ..< h.heads * (part + 1) / n,
                                     heads: h.heads, kvHeads: h.kvHeads, headWidth: h.headWidth,
                                     keys: layer.keys.baseAddress!, values: layer.values.baseAddress!, length: length,
                                     scale: scale, scratch: scratch[part].baseAddress!, into: out.baseAddress!)
        }
    }

    /// Calls `body(part)` for `part` in `0..<threads`, concurrently when there is more than one thread.
    func parallel(_ body: (Int) -> Void) {
        if threads == 1 { return body(0) }
        withoutActuallyEscaping(body) { task in
            let shared = UncheckedClosure(task)
            DispatchQueue.concurrentPerform(iterations: threads) { shared.body($0) }
        }
    }
}

/// Carries a closure whose calls write disjoint memory into `concurrentPerform`.
private struct UncheckedClosure: @unchecked Sendable {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}
