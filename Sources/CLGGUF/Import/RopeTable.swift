/// Rotary position embedding tables in fixed point, computed with integers only, so every machine
/// derives the same table from the GGUF's `rope.freq_base`, whatever its floating-point library.
///
/// Rule (docs/PROTOCOL.md, "GGUF import"): for head dimension `d` (`rope.dimension_count`) and pair
/// `i` in `0..<d/2`, the frequency is `θ_i = base^(−2i/d)`; position `p` rotates pair `i` by `p·θ_i`.
/// `cos` and `sin` hold `cos(p·θ_i)` and `sin(p·θ_i)` for `p` in `0..<positions`, row `p` of `d/2` values,
/// as Int32 with 30 fraction bits. They are computed in 56-fraction-bit integers (`Q56`): `ln 2 = 2·atanh(1/3)`,
/// `π = 16·atan(1/5) − 4·atan(1/239)`, `ln base = k·ln 2 + 2·atanh((m−1)/(m+1))` for `base = m·2^k`,
/// `m ∈ [1, 2)`; `θ_i = exp(−t)` with `t = ⌊2i·ln base / d⌋` split as `t = j·ln 2 + r`, `exp(−r)` by its
/// Taylor series and then shifted right by `j`; the angle `p·θ_i` reduced modulo `2π` exactly on those
/// integers (128-bit product and division), moved into `(−π, π]`, and `sin`/`cos` by their Taylor series.
/// Each series stops at the first zero term; products round to nearest, divisions truncate; the final
/// Q56 → Q30 step rounds half away from zero. For SmolLM2 (base 100000, d = 64, 8192 positions) every
/// entry is the binary64 value rounded to the nearest unit of 2^−30 (`RopeTableTests`).
public struct RopeTable: Sendable, Equatable {
    /// The fraction bits of `cos` and `sin`.
    public static let fractionBits = 30

    /// Rotated dimensions per head (`d`).
    public let dimensions: Int
    /// Positions covered.
    public let positions: Int
    /// `cos(p·θ_i)` at `p·(d/2) + i`.
    public let cos: [Int32]
    /// `sin(p·θ_i)` at `p·(d/2) + i`.
    public let sin: [Int32]

    /// The table for `base` (exactly as in the file) and `dimensions` rotated dimensions, for `positions` ≥ 0
    /// positions. Throws `valueOutOfRange` for a base outside 2...2^40 (after rounding to an integer for the
    /// check only) or a dimension count that is not even and in 2...65536.
    public init(base: Dyadic, dimensions: Int, positions: Int) throws(GGUFError) {
        guard dimensions > 0, dimensions % 2 == 0, dimensions <= 1 << 16 else {
            throw GGUFError(.valueOutOfRange("rope.dimension_count"), at: 0)
        }
        precondition(positions >= 0, "a negative number of positions")
        guard base.mantissa > 0, let whole = base.fixedPoint(fractionBits: 0), whole >= 2, whole <= 1 << 40 else {
            throw GGUFError(.valueOutOfRange("rope.freq_base"), at: 0)
        }
        let half = dimensions / 2
        let lnBase = Q56.ln(base)
        let theta = (0..<half).map { i in
            let (hi, lo) = lnBase.multipliedFullWidth(by: Int64(2 * i))   // both ≥ 0
            return Q56.expNegative(Int64(UInt64(dimensions).dividingFullWidth((high: UInt64(hi), low: lo)).quotient))
        }
        var cos = [Int32](repeating: 0, count: positions * half), sin = cos
        for p in 0..<positions {
            for i in 0..<half {
                let x = Q56.reducedAngle(position: p, frequency: theta[i])
                let (s, c) = Q56.sinCos(x)
                sin[p * half + i] = Q56.toQ30(s)
                cos[p * half + i] = Q56.toQ30(c)
            }
        }
        self.dimensions = dimensions
        self.positions = positions
        self.cos = cos
        self.sin = sin
    }
}

/// Signed fixed point with 56 fraction bits in an Int64 (range ±128), for `RopeTable`.
enum Q56 {
    static let one: Int64 = 1 << 56

    /// `a · b`, rounded to nearest (ties up), through a 128-bit product.
    static func mul(_ a: Int64, _ b: Int64) -> Int64 {
        let (hi, lo) = a.multipliedFullWidth(by: b)
        let (sum, carry) = lo.addingReportingOverflow(1 << 55)
        return (hi &+ (carry ? 1 : 0)) << 8 | Int64(bitPattern: sum >> 56)
    }

    /// `a / b` for 0 ≤ a < 128·b, b > 0, truncated.
    static func div(_ a: Int64, _ b: Int64) -> Int64 {
        let (q, _) = UInt64(b).dividingFullWidth((high: UInt64(a) >> 8, low: UInt64(a) << 56))
        return Int64(q)
    }

    /// `Σ z^(2k+1) / (2k+1)`, with alternating signs when `alternating` (atan), else all positive (atanh).
    static func oddSeries(_ z: Int64, alternating: Bool) -> Int64 {
        let z2 = mul(z, z)
        var term = z, sum = z, k: Int64 = 0, negative = false
        while true {
            term = mul(term, z2)
            k += 1
            negative = alternating && !negative
            let t = term / (2 * k + 1)
            if t == 0 { return sum }
            sum += negative ? -t : t
        }
    }

    static let ln2: Int64 = 2 * oddSeries(one / 3, alternating: false)
    static let pi: Int64 = 16 * oddSeries(one / 5, alternating: true) - 4 * oddSeries(one / 239, alternating: true)
    static let twoPi: Int64 = 2 * pi

    /// The natural logarithm of `x` ≥ 1 (a Dyadic with at most 56 significant bits).
    static func ln(_ x: Dyadic) -> Int64 {
        let m = x.mantissa, bits = 64 - m.leadingZeroBitCount
        let k = bits - 1 + x.exponent                     // x = (m / 2^(bits−1)) · 2^k
        let normalized = m << (56 - (bits - 1))           // m / 2^(bits−1) in Q56, in [1, 2)
        let z = div(normalized - one, normalized + one)
        return Int64(k) * ln2 + 2 * oddSeries(z, alternating: false)
    }

    /// `exp(−t)` for t ≥ 0.
    static func expNegative(_ t: Int64) -> Int64 {
        let j = t / ln2, r = t - j * ln2
        var term = one, sum = one, n: Int64 = 0
        while true {
            n += 1
            term = mul(term, -r) / n
            if term == 0 { break }
            sum += term
        }
        return j >= 63 ? 0 : sum >> j
    }

    /// `position · frequency` modulo 2π, in (−π, π].
    static func reducedAngle(position: Int, frequency: Int64) -> Int64 {
        let (hi, lo) = UInt64(frequency).multipliedFullWidth(by: UInt64(position))
        let (_, r) = UInt64(twoPi).dividingFullWidth((high: hi, low: lo))
        let x = Int64(r)
        return x > pi ? x - twoPi : x
    }

    /// `(sin x, cos x)` for |x| ≤ π by their Taylor series.
    static func sinCos(_ x: Int64) -> (Int64, Int64) {
        let x2 = mul(x, x)
        var s = x, sTerm = x, c = one, cTerm = one, n: Int64 = 0
        while sTerm != 0 || cTerm != 0 {
            n += 1
            cTerm = -mul(cTerm, x2) / ((2 * n - 1) * (2 * n))
            sTerm = -mul(sTerm, x2) / ((2 * n) * (2 * n + 1))
            c += cTerm
            s += sTerm
        }
        return (s, c)
    }

    /// Q56 → Q30, rounding half away from zero.
    static func toQ30(_ v: Int64) -> Int32 {
        let m = v.magnitude, r = (m + (1 << 25)) >> 26
        return v < 0 ? -Int32(r) : Int32(r)
    }
}
