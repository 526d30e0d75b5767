/// The per-token kernels of a LLaMA-class decoder besides the matrix products (`BlockMatVec`): RMSNorm,
/// rotary position embedding from a Q30 table, grouped-query causal attention over a key/value cache with
/// an integer softmax, SwiGLU and the greedy choice. Activations are Q16 in Int64; every rounding is
/// `FixedPoint.roundingShift` or `FixedPoint.roundingDivide` (halves toward +∞). The rules are in
/// docs/PROTOCOL.md, "Integer decoder".
public enum DecoderKernels {
    /// RMSNorm: `y_j = x_j·γ_j / √(mean(x²) + ε)` in Q16, with `γ` in Q16 and `ε` in Q48.
    ///
    /// With `s = max(bitWidth(max |x|) − 24, −8)`, `u_j = x_j·2^−s` (a rounding shift, or an exact left
    /// shift when `s < 0`), `v = ⌊Σ u_j² / n⌋ + roundingShift(ε, 16 + 2s)` and `ρ = ⌊√v⌋` (the RMS in
    /// units of `2^(s−16)`), the output is `roundingDivide(x_j·γ_j, ρ·2^s)` (for `s < 0`,
    /// `roundingDivide(x_j·γ_j·2^−s, ρ)`), and zero when `ρ = 0`.
    @inlinable
    public static func rmsNorm(_ x: UnsafePointer<Int64>, count n: Int, weight: UnsafePointer<Int32>,
                               epsilonQ48: Int64, into out: UnsafeMutablePointer<Int64>) {
        var largest: UInt64 = 0
        for j in 0..<n { largest = max(largest, x[j].magnitude) }
        let s = max(64 - largest.leadingZeroBitCount - 24, -8)
        var squares: Int64 = 0
        for j in 0..<n {
            let u = s >= 0 ? FixedPoint.roundingShift(x[j], Int64(s)) : x[j] &<< Int64(-s)
            squares &+= u &* u
        }
        let v = squares / Int64(n) &+ FixedPoint.roundingShift(epsilonQ48, Int64(16 + 2 * s))
        let rho = Int64(truncatingIfNeeded: FixedPoint.squareRoot(UInt64(bitPattern: max(v, 0))))
        for j in 0..<n {
            if rho == 0 { out[j] = 0; continue }
            let p = x[j] &* Int64(weight[j])
            out[j] = s >= 0 ? FixedPoint.roundingDivide(p, rho &<< Int64(s))
                            : FixedPoint.roundingDivide(p &<< Int64(-s), rho)
        }
    }

    /// Rotates `heads` heads of `headWidth` values in place by the table row of one position (`cos` and `sin`,
    /// `rotated/2` Q30 values each), over adjacent pairs `(x_2i, x_2i+1)` of the first `rotated` dimensions
    /// (GGML's "normal" RoPE): `y_2i = roundingShift(x_2i·c − x_2i+1·s, 30)`,
    /// `y_2i+1 = roundingShift(x_2i·s + x_2i+1·c, 30)`. Exact while `|x| < 2^32`.
    @inlinable
    public static func rope(_ x: UnsafeMutablePointer<Int64>, heads: Int, headWidth: Int, rotated: Int,
                            cos: UnsafePointer<Int32>, sin: UnsafePointer<Int32>) {
        for h in 0..<heads {
            let base = x + h * headWidth
            for i in 0..<(rotated / 2) {
                let c = Int64(cos[i]), s = Int64(sin[i])
                let x0 = base[2 * i], x1 = base[2 * i + 1]
                base[2 * i] = FixedPoint.roundingShift(x0 &* c &- x1 &* s, 30)
                base[2 * i + 1] = FixedPoint.roundingShift(x0 &* s &+ x1 &* c, 30)
            }
        }
    }

    /// `⌊2^30/√d⌋` for a head width `d` ≥ 1: the attention score scale in Q30.
    @inlinable
    public static func scoreScaleQ30(headWidth d: Int) -> Int64 {
        Int64(truncatingIfNeeded: FixedPoint.squareRoot((UInt64(1) << 60) / UInt64(d)))
    }

    /// Saturates a Q16 value into the Int32 a key/value cache stores.
    @inlinable
    public static func cacheEntry(_ v: Int64) -> Int32 {
        Int32(truncatingIfNeeded: min(max(v, Int64(Int32.min)), Int64(Int32.max)))
    }

    /// Causal attention of query heads `headRange` of one token over `length` cached positions (its own
    /// included). `query` holds all heads (`heads × headWidth`, Q16); `keys` and `values` hold
    /// `length × kvHeads × headWidth` Q16 entries; query head `h` reads key/value head `h / (heads/kvHeads)`.
    ///
    /// Logit `l_j = roundingShift(roundingShift(q·k_j, 16)·scale, 30)` (Q16, `scale = scoreScaleQ30`);
    /// `e_j = FixedPoint.expQ30(l_j − max l)`; `p_j = roundingDivide(e_j·2^30, Σ e)` (Q30); the output is
    /// `roundingShift(Σ p_j·v_j, 30)` (Q16). `scratch` holds at least `2·length` values.
    @inlinable
    public static func attention(query: UnsafePointer<Int64>, headRange: Range<Int>, heads: Int, kvHeads: Int,
                                 headWidth: Int, keys: UnsafePointer<Int32>, values: UnsafePointer<Int32>,
                                 length: Int, scale: Int64, scratch: UnsafeMutablePointer<Int64>,
                                 into out: UnsafeMutablePointer<Int64>) {
        let group = heads / kvHeads, stride = kvHeads * headWidth
        let logits = scratch, weights = scratch + length
        for h in headRange {
            let q = query + h * headWidth
            let kvOffset = (h / group) * headWidth
            var largest = Int64.min
            for j in 0..<length {
                let k = keys + j * stride + kvOffset
                var dot: Int64 = 0
                for d in 0..<headWidth { dot &+= q[d] &* Int64(k[d]) }
                let l = FixedPoint.roundingShift(FixedPoint.roundingShift(dot, 16) &* scale, 30)
                logits[j] = l
                largest = max(largest, l)
            }
            var total: Int64 = 0
            for j in 0..<length {
                let e = FixedPoint.expQ30(negativeQ16: logits[j] &- largest)
                weights[j] = e
                total &+= e
            }
            for j in 0..<length { weights[j] = FixedPoint.roundingDivide(weights[j] &<< 30, total) }
            let o = out + h * headWidth
            for d in 0..<headWidth { o[d] = 0 }
            for j in 0..<length {
                let v = values + j * stride + kvOffset, p = weights[j]
                for d in 0..<headWidth { o[d] &+= p &* Int64(v[d]) }
            }
            for d in 0..<headWidth { o[d] = FixedPoint.roundingShift(o[d], 30) }
        }
    }

    /// SwiGLU in place: `gate_j ← roundingShift(roundingShift(g_j·σ(g_j), 16)·u_j, 16)` with
    /// `σ = FixedPoint.sigmoidQ16` (all Q16).
    @inlinable
    public static func swiGLU(gate: UnsafeMutablePointer<Int64>, up: UnsafePointer<Int64>, count: Int) {
        for j in 0..<count {
            let g = gate[j]
            let silu = FixedPoint.roundingShift(g &* FixedPoint.sigmoidQ16(g), 16)
            gate[j] = FixedPoint.roundingShift(silu &* up[j], 16)
        }
    }

    /// The index of the largest value, the lowest index among equals (the greedy token).
    @inlinable
    public static func argmax(_ x: UnsafePointer<Int64>, count: Int) -> Int {
        var best = 0
        for j in 1..<max(count, 1) where x[j] > x[best] { best = j }
        return best
    }
}
