/// 0x09: the BLAKE2b compression function F (EIP-152, RFC 7693 §3.2).
///
/// Input (213 bytes): rounds (4, big-endian) ‖ h (8 × 8, little-endian) ‖ m (16 × 8, LE) ‖
/// t (2 × 8, LE) ‖ f (1 byte, 0 or 1). Output: the new h (64 bytes, LE). Gas: one per round.
enum Blake2F {
    static let iv: [UInt64] = [
        0x6a09_e667_f3bc_c908, 0xbb67_ae85_84ca_a73b, 0x3c6e_f372_fe94_f82b, 0xa54f_f53a_5f1d_36f1,
        0x510e_527f_ade6_82d1, 0x9b05_688c_2b3e_6c1f, 0x1f83_d9ab_fb41_bd6b, 0x5be0_cd19_137e_2179,
    ]

    static let sigma: [[Int]] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
        [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
        [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
        [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
        [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
        [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
        [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
        [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
        [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
    ]

    /// Gas: the round count (zero for malformed input, which then fails).
    static func gasCost(input: [UInt8]) -> Int {
        guard input.count == 213 else { return 0 }
        return Int(UInt32(input[0]) << 24 | UInt32(input[1]) << 16 | UInt32(input[2]) << 8 | UInt32(input[3]))
    }

    static func littleEndianWord(_ input: [UInt8], _ offset: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in (0..<8).reversed() { v = v << 8 | UInt64(input[offset + i]) }
        return v
    }

    /// Runs F; nil for a wrong length or a final flag other than 0 or 1.
    static func run(input: [UInt8]) -> [UInt8]? {
        guard input.count == 213, input[212] <= 1 else { return nil }
        let rounds = gasCost(input: input)
        var h = (0..<8).map { littleEndianWord(input, 4 + 8 * $0) }
        let m = (0..<16).map { littleEndianWord(input, 68 + 8 * $0) }
        let t0 = littleEndianWord(input, 196), t1 = littleEndianWord(input, 204)
        compress(&h, m, t0, t1, final: input[212] == 1, rounds: rounds)
        var out = [UInt8](repeating: 0, count: 64)
        for i in 0..<8 {
            for j in 0..<8 { out[8 * i + j] = UInt8(truncatingIfNeeded: h[i] >> UInt64(8 * j)) }
        }
        return out
    }

    static func compress(_ h: inout [UInt64], _ m: [UInt64], _ t0: UInt64, _ t1: UInt64, final: Bool, rounds: Int) {
        var v = h + iv
        v[12] ^= t0
        v[13] ^= t1
        if final { v[14] = ~v[14] }
        @inline(__always) func rotr(_ x: UInt64, _ n: UInt64) -> UInt64 { x >> n | x << (64 - n) }
        @inline(__always) func mix(_ a: Int, _ b: Int, _ c: Int, _ d: Int, _ x: UInt64, _ y: UInt64) {
            v[a] = v[a] &+ v[b] &+ x
            v[d] = rotr(v[d] ^ v[a], 32)
            v[c] = v[c] &+ v[d]
            v[b] = rotr(v[b] ^ v[c], 24)
            v[a] = v[a] &+ v[b] &+ y
            v[d] = rotr(v[d] ^ v[a], 16)
            v[c] = v[c] &+ v[d]
            v[b] = rotr(v[b] ^ v[c], 63)
        }
        for round in 0..<rounds {
            let s = sigma[round % 10]
            mix(0, 4, 8, 12, m[s[0]], m[s[1]])
            mix(1, 5, 9, 13, m[s[2]], m[s[3]])
            mix(2, 6, 10, 14, m[s[4]], m[s[5]])
            mix(3, 7, 11, 15, m[s[6]], m[s[7]])
            mix(0, 5, 10, 15, m[s[8]], m[s[9]])
            mix(1, 6, 11, 12, m[s[10]], m[s[11]])
            mix(2, 7, 8, 13, m[s[12]], m[s[13]])
            mix(3, 4, 9, 14, m[s[14]], m[s[15]])
        }
        for i in 0..<8 { h[i] ^= v[i] ^ v[i + 8] }
    }
}
