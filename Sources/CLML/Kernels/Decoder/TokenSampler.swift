#if !CHAINLEARN_GUEST
import CLPrimitives  // the guest build compiles Keccak256.swift and Bytes32.swift into its own module
#endif

/// Seeded sampling of the next token that is itself integer and deterministic (docs/PROTOCOL.md, "Integer
/// decoder", "Seeded sampling"): the same logits, parameters, seed and step give the same token in every
/// build, so a sampled generation is as disputable as a greedy one.
public enum TokenSampler {
    /// The sampling parameters.
    public struct Parameters: Sendable, Equatable {
        /// The temperature in Q16 (65536 is 1.0); 0 means greedy.
        public var temperatureQ16: Int64
        /// Candidates kept: the `topK` largest logits (0 or more than the vocabulary keeps them all).
        public var topK: Int
        /// The seed.
        public var seed: UInt64

        /// Parameters.
        public init(temperatureQ16: Int64, topK: Int, seed: UInt64) {
            self.temperatureQ16 = temperatureQ16
            self.topK = topK
            self.seed = seed
        }
    }

    /// The magic of the random word's preimage.
    static let magic: [UInt8] = [0x43, 0x4C, 0x53, 0x50]  // CLSP

    /// The token drawn at generation step `step` (0 for the first generated token) from Q16 `logits`.
    ///
    /// Candidates are the `topK` largest logits, ordered by logit (larger first), then id (lower first).
    /// Each gets the weight `w = expQ30(rd((l − l_max)·2^16, τ))`, the engine's integer exponential of the
    /// logit difference over the temperature; `r = u mod Σ w` with `u` the first 8 bytes, big-endian, of
    /// `keccak256("CLSP" ‖ u64_be(seed) ‖ u32_be(step))`; the token is the first candidate whose running sum
    /// of weights exceeds `r`. A temperature of 0 or below is greedy (the largest logit, lowest id).
    public static func pick(_ logits: UnsafeBufferPointer<Int64>, parameters: Parameters, step: UInt32) -> Int {
        if logits.isEmpty { return 0 }
        if parameters.temperatureQ16 <= 0 { return DecoderKernels.argmax(logits.baseAddress!, count: logits.count) }
        let candidates = topCandidates(logits, count: parameters.topK)
        let largest = logits[candidates[0]]
        var weights: [Int64] = []
        weights.reserveCapacity(candidates.count)
        var total: Int64 = 0
        for id in candidates {
            // Differences below −2^40 (far under exp's zero) are clamped, so no product overflows.
            let difference = max(logits[id] &- largest, -(1 << 40))
            let scaled = FixedPoint.roundingDivide(difference << 16, parameters.temperatureQ16)
            let weight = FixedPoint.expQ30(negativeQ16: scaled)
            weights.append(weight)
            total &+= weight
        }
        // The largest candidate's weight is 2^30, so the total is positive.
        let r = Int64(bitPattern: randomWord(seed: parameters.seed, step: step) % UInt64(total))
        var running: Int64 = 0
        for index in 0..<candidates.count {
            running &+= weights[index]
            if running > r { return candidates[index] }
        }
        return candidates[candidates.count - 1]
    }

    /// The ids of the `count` largest logits (all when `count` is 0 or at least the vocabulary), larger logit
    /// first, lower id first among equals.
    public static func topCandidates(_ logits: UnsafeBufferPointer<Int64>, count: Int) -> [Int] {
        let k = count <= 0 || count >= logits.count ? logits.count : count
        func before(_ a: Int, _ b: Int) -> Bool { logits[a] > logits[b] || (logits[a] == logits[b] && a < b) }
        if k > 64 {
            var all = Array(0..<logits.count)
            all.sort(by: before)
            return Array(all[0..<k])
        }
        // A sorted list of the best k so far: each id is inserted in place when it beats the last.
        var best: [Int] = []
        best.reserveCapacity(k + 1)
        for id in 0..<logits.count {
            if best.count == k && !before(id, best[k - 1]) { continue }
            var at = best.count
            while at > 0 && before(id, best[at - 1]) { at -= 1 }
            best.insert(id, at: at)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    /// The first 8 bytes, big-endian, of `keccak256("CLSP" ‖ u64_be(seed) ‖ u32_be(step))`.
    public static func randomWord(seed: UInt64, step: UInt32) -> UInt64 {
        var preimage = magic
        for shift in stride(from: 56, through: 0, by: -8) { preimage.append(UInt8(truncatingIfNeeded: seed >> UInt64(shift))) }
        for shift in stride(from: 24, through: 0, by: -8) { preimage.append(UInt8(truncatingIfNeeded: step >> UInt32(shift))) }
        let digest = Keccak256.hash(preimage).bytes
        var word: UInt64 = 0
        for index in 0..<8 { word = word << 8 | UInt64(digest[index]) }
        return word
    }
}
