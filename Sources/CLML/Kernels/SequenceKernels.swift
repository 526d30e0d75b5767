/// The keys and values an attention node has seen, for incremental decoding.
public struct KVCache: Sendable {
    /// The most positions the cache holds.
    public let capacity: Int
    /// Heads per position.
    public let heads: Int
    /// Elements per head.
    public let headDim: Int
    /// Positions filled so far.
    public private(set) var length: Int = 0
    /// Keys, `[capacity, heads, headDim]`.
    public private(set) var keys: [Int64]
    /// Values, `[capacity, heads, headDim]`.
    public private(set) var values: [Int64]

    /// An empty cache.
    public init(capacity: Int, heads: Int, headDim: Int) {
        self.capacity = capacity
        self.heads = heads
        self.headDim = headDim
        keys = [Int64](repeating: 0, count: capacity * heads * headDim)
        values = [Int64](repeating: 0, count: capacity * heads * headDim)
    }

    /// Appends `tokens` positions of keys and values (`[tokens, heads, headDim]`); false when full.
    public mutating func append(keys newKeys: [Int32], values newValues: [Int32], tokens: Int) -> Bool {
        if length + tokens > capacity { return false }
        let stride = heads * headDim
        for index in 0..<(tokens * stride) {
            keys[length * stride + index] = Int64(newKeys[index])
            values[length * stride + index] = Int64(newValues[index])
        }
        length += tokens
        return true
    }
}

/// Embedding lookup, rotary position embedding and causal attention.
public enum SequenceKernels {
    /// Rows `table[ids[t]]`; returns the first out-of-range id's position on failure.
    public static func embedding(ids: [Int32], table: [Int32], vocabulary: Int, width: Int) -> (rows: [Int32], badIndex: Int?) {
        var out = [Int32](repeating: 0, count: ids.count * width)
        for t in 0..<ids.count {
            let id = Int(ids[t])
            if id < 0 || id >= vocabulary { return (out, t) }
            for d in 0..<width { out[t * width + d] = table[id * width + d] }
        }
        return (out, nil)
    }

    /// Rotates interleaved pairs of `x [T, H, Dh]` by the (cos, sin) Q14 pairs of `table [P, Dh/2, 2]`
    /// at positions `start + t`: `y0 = round((x0·c − x1·s)/2^14)`, `y1 = round((x0·s + x1·c)/2^14)`.
    public static func rotary(_ x: [Int32], tokens: Int, heads: Int, headDim: Int, table: [Int32], start: Int, dtype: DType) -> [Int32] {
        var out = [Int32](repeating: 0, count: x.count)
        let pairs = headDim / 2
        for t in 0..<tokens {
            let row = (start + t) * pairs * 2
            for h in 0..<heads {
                let base = (t * heads + h) * headDim
                for i in 0..<pairs {
                    let cosine = Int64(table[row + 2 * i])
                    let sine = Int64(table[row + 2 * i + 1])
                    let x0 = Int64(x[base + 2 * i])
                    let x1 = Int64(x[base + 2 * i + 1])
                    out[base + 2 * i] = dtype.saturate(FixedPoint.roundingShift(x0 * cosine - x1 * sine, 14))
                    out[base + 2 * i + 1] = dtype.saturate(FixedPoint.roundingShift(x0 * sine + x1 * cosine, 14))
                }
            }
        }
        return out
    }

    /// Causal attention of `q [T, H, Dh]` over the cache (which already holds this call's keys and
    /// values at positions `cache.length − T ..< cache.length`). Token `t` sees positions up to its own.
    /// Logits are `score(q·k)` in Q16, probabilities Q15, outputs `stage(Σ_j p_j·v_j)`.
    public static func attention(_ q: [Int32], tokens: Int, cache: KVCache, score: Requantizer, stage: OutputStage) -> [Int32] {
        let heads = cache.heads
        let headDim = cache.headDim
        let start = cache.length - tokens
        var out = [Int32](repeating: 0, count: q.count)
        var logits = [Int64](repeating: 0, count: cache.length)
        var probabilities = [Int64](repeating: 0, count: cache.length)
        let stride = heads * headDim
        for t in 0..<tokens {
            let visible = start + t + 1
            for h in 0..<heads {
                let queryBase = (t * heads + h) * headDim
                for j in 0..<visible {
                    let keyBase = j * stride + h * headDim
                    var total: Int64 = 0
                    for d in 0..<headDim { total &+= Int64(q[queryBase + d]) &* cache.keys[keyBase + d] }
                    logits[j] = score.apply(total)
                }
                logits.withUnsafeBufferPointer { source in
                    probabilities.withUnsafeMutableBufferPointer { target in
                        NormKernels.softmaxQ15(
                            UnsafeBufferPointer(rebasing: source[0..<visible]),
                            into: UnsafeMutableBufferPointer(rebasing: target[0..<visible]))
                    }
                }
                for d in 0..<headDim {
                    var total: Int64 = 0
                    for j in 0..<visible { total &+= probabilities[j] &* cache.values[j * stride + h * headDim + d] }
                    out[queryBase + d] = stage.finish(total)
                }
            }
        }
        return out
    }
}
