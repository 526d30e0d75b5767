import CLPrimitives

// The input sampler of Scripts/gen-uint256-vectors.py, re-implemented draw for draw: the fixtures
// store only the results of sampled vectors, so both sides must produce the same inputs from the
// same seed. Words are built limb by limb here, never with the UInt256 arithmetic under test.

/// splitmix64 (Steele, Lea and Flood), as `SplitMix64` in the generator script.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: UInt64) -> UInt64 { next() % bound }

    /// Four fresh limbs, least significant first.
    mutating func word() -> Limbs {
        let w0 = next(), w1 = next(), w2 = next(), w3 = next()
        return Limbs([w0, w1, w2, w3])
    }
}

/// Four limbs with the few operations the sampler needs, independent of `UInt256`'s own.
struct Limbs {
    var limbs: [UInt64]

    init(_ limbs: [UInt64]) { self.limbs = limbs }

    static let zero = Limbs([0, 0, 0, 0])
    static let max = Limbs([.max, .max, .max, .max])

    /// 2^exponent for exponent < 256.
    static func powerOfTwo(_ exponent: Int) -> Limbs {
        var out = zero
        out.limbs[exponent / 64] = 1 << UInt64(exponent % 64)
        return out
    }

    /// 2^bits − 1 for bits ≤ 256.
    static func lowOnes(_ bits: Int) -> Limbs {
        var out = zero
        for i in 0..<4 {
            let inLimb = min(Swift.max(bits - 64 * i, 0), 64)
            out.limbs[i] = inLimb == 64 ? .max : (1 << UInt64(inLimb)) - 1
        }
        return out
    }

    static func small(_ value: UInt64) -> Limbs { Limbs([value, 0, 0, 0]) }

    func and(_ other: Limbs) -> Limbs { Limbs((0..<4).map { limbs[$0] & other.limbs[$0] }) }
    func or(_ other: Limbs) -> Limbs { Limbs((0..<4).map { limbs[$0] | other.limbs[$0] }) }
    var inverted: Limbs { Limbs(limbs.map { ~$0 }) }

    /// This value plus `delta` (−1, 0 or +1) modulo 2^256.
    func offset(by delta: Int) -> Limbs {
        var out = self
        if delta > 0 {
            for i in 0..<4 {
                out.limbs[i] &+= 1
                if out.limbs[i] != 0 { break }
            }
        } else if delta < 0 {
            for i in 0..<4 {
                out.limbs[i] &-= 1
                if out.limbs[i] != .max { break }
            }
        }
        return out
    }

    var word: UInt256 { UInt256(w0: limbs[0], w1: limbs[1], w2: limbs[2], w3: limbs[3]) }
}

/// The sampler: edge-biased words and the per-operation operand choices.
enum VectorSampler {
    static let limbPatterns: [UInt64] = [0, 1, 1 << 63, (1 << 63) - 1, (1 << 63) + 1, .max, .max - 1]

    static func edgeWord(_ rng: inout SplitMix64) -> Limbs {
        switch rng.below(16) {
        case 0: return .zero
        case 1: return .small(1)
        case 2: return .max
        case 3: return .powerOfTwo(255)
        case 4: return Limbs.powerOfTwo(255).offset(by: 1)
        case 5: return Limbs.powerOfTwo(255).offset(by: -1)
        case 6: return .powerOfTwo(Int(rng.below(256)))
        case 7: return .lowOnes(Int(rng.below(257)))
        case 8: return Limbs.powerOfTwo(Int(rng.below(256))).offset(by: 1)
        case 9: return .small(rng.below(257))
        case 10: // 2^256 − s for s in 1...256, i.e. ~(s − 1)
            return Limbs.small(rng.below(256)).inverted
        case 11: // 2^256 − 2^e, i.e. ~(2^e − 1)
            return Limbs.lowOnes(Int(rng.below(256))).inverted
        case 12:
            let length = 1 + Int(rng.below(32))
            return rng.word().and(.lowOnes(8 * length)).or(.powerOfTwo(8 * (length - 1)))
        case 13:
            var out = Limbs.zero
            for i in 0..<4 {
                let choice = Int(rng.below(8))
                out.limbs[i] = choice < 7 ? limbPatterns[choice] : rng.next()
            }
            return out
        default:
            return rng.word()
        }
    }

    static func smallOrWord(_ rng: inout SplitMix64, limit: UInt64) -> Limbs {
        if rng.below(4) != 0 { return .small(rng.below(limit)) }
        return edgeWord(&rng)
    }

    static func related(_ rng: inout SplitMix64, to a: Limbs) -> Limbs {
        switch rng.below(8) {
        case 0: return a
        case 1: return a.offset(by: Int(rng.below(3)) - 1)
        default: return edgeWord(&rng)
        }
    }

    /// The inputs of the next sampled vector of `operation`, in EVM stack order.
    static func inputs(for operation: UInt256Operation, _ rng: inout SplitMix64) -> [UInt256] {
        switch operation {
        case .shl, .shr, .sar:
            let shift = smallOrWord(&rng, limit: 260)
            return [shift.word, edgeWord(&rng).word]
        case .byte, .signextend:
            let index = smallOrWord(&rng, limit: 34)
            return [index.word, edgeWord(&rng).word]
        case .exp:
            let base = edgeWord(&rng)
            return [base.word, smallOrWord(&rng, limit: 300).word]
        default:
            let a = edgeWord(&rng)
            if operation.arity == 1 { return [a.word] }
            let b = related(&rng, to: a)
            if operation.arity == 2 { return [a.word, b.word] }
            return [a.word, b.word, edgeWord(&rng).word]
        }
    }
}
