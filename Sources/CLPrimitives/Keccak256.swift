/// Keccak-256 as Ethereum uses it: the original Keccak padding (`0x01 … 0x80`),
/// rate 136 bytes, 24 rounds of Keccak-f[1600]. Not FIPS-202 SHA3-256 (which pads with `0x06`).
public enum Keccak256 {
    /// Bytes absorbed per permutation.
    public static let rate = 136

    /// Hashes raw memory.
    @inlinable
    public static func hash(_ input: UnsafeRawBufferPointer) -> Bytes32 {
        var state = KeccakState()
        state.absorb(input)
        return state.finalize()
    }

    /// Hashes a byte array.
    @inlinable
    public static func hash(_ input: [UInt8]) -> Bytes32 {
        input.withUnsafeBytes { hash($0) }
    }

    /// Hashes the concatenation of two 32-byte values (a Merkle node).
    @inlinable
    public static func hash(_ left: Bytes32, _ right: Bytes32) -> Bytes32 {
        var pair = (left, right)
        return Swift.withUnsafeBytes(of: &pair) { hash($0) }
    }
}

/// An incremental Keccak-256 sponge: absorb any number of pieces, then finalize.
public struct KeccakState: Sendable {
    @usableFromInline var lanes: KeccakLanes = KeccakLanes()
    @usableFromInline var buffer: KeccakBlock = KeccakBlock()
    @usableFromInline var buffered: Int = 0

    /// A fresh sponge.
    @inlinable public init() {}

    /// Absorbs more input.
    @inlinable
    public mutating func absorb(_ input: UnsafeRawBufferPointer) {
        var offset = 0
        let count = input.count
        if buffered > 0 {
            let take = min(Keccak256.rate - buffered, count)
            buffer.copy(from: input, offset: 0, count: take, at: buffered)
            buffered += take
            offset = take
            if buffered == Keccak256.rate {
                buffer.withBytes { lanes.absorbBlock($0) }
                buffered = 0
            }
        }
        while count - offset >= Keccak256.rate {
            lanes.absorbBlock(UnsafeRawBufferPointer(rebasing: input[offset..<(offset + Keccak256.rate)]))
            offset += Keccak256.rate
        }
        if offset < count {
            buffer.copy(from: input, offset: offset, count: count - offset, at: 0)
            buffered = count - offset
        }
    }

    /// Absorbs a byte array.
    @inlinable
    public mutating func absorb(_ input: [UInt8]) {
        input.withUnsafeBytes { absorb($0) }
    }

    /// Pads, permutes and returns the 32-byte digest.
    @inlinable
    public mutating func finalize() -> Bytes32 {
        buffer.zero(from: buffered)
        buffer.xorByte(0x01, at: buffered)
        buffer.xorByte(0x80, at: Keccak256.rate - 1)
        buffer.withBytes { lanes.absorbBlock($0) }
        return lanes.digest()
    }
}

/// One 136-byte rate block, stored inline (17 lanes).
@usableFromInline
struct KeccakBlock: Sendable {
    @usableFromInline var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                  UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    @inlinable init() {}

    @inlinable mutating func copy(from src: UnsafeRawBufferPointer, offset: Int, count: Int, at position: Int) {
        guard count > 0 else { return }
        Swift.withUnsafeMutableBytes(of: &words) { dst in
            dst.baseAddress!.advanced(by: position).copyMemory(from: src.baseAddress!.advanced(by: offset), byteCount: count)
        }
    }

    @inlinable mutating func zero(from position: Int) {
        Swift.withUnsafeMutableBytes(of: &words) { dst in
            for i in position..<Keccak256.rate { dst[i] = 0 }
        }
    }

    @inlinable mutating func xorByte(_ value: UInt8, at position: Int) {
        Swift.withUnsafeMutableBytes(of: &words) { $0[position] ^= value }
    }

    @inlinable func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        var copy = words
        return Swift.withUnsafeBytes(of: &copy) { body($0) }
    }
}

/// The 25-lane Keccak-f[1600] state.
@usableFromInline
struct KeccakLanes: Sendable {
    @usableFromInline var s: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                              UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                              UInt64, UInt64, UInt64, UInt64, UInt64)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    @inlinable init() {}

    /// XORs one 136-byte block into the state (little-endian lanes) and permutes.
    @inlinable mutating func absorbBlock(_ block: UnsafeRawBufferPointer) {
        @inline(__always) func lane(_ i: Int) -> UInt64 {
            UInt64(littleEndian: block.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
        }
        s.0 ^= lane(0); s.1 ^= lane(1); s.2 ^= lane(2); s.3 ^= lane(3); s.4 ^= lane(4)
        s.5 ^= lane(5); s.6 ^= lane(6); s.7 ^= lane(7); s.8 ^= lane(8); s.9 ^= lane(9)
        s.10 ^= lane(10); s.11 ^= lane(11); s.12 ^= lane(12); s.13 ^= lane(13); s.14 ^= lane(14)
        s.15 ^= lane(15); s.16 ^= lane(16)
        permute()
    }

    @inlinable func digest() -> Bytes32 {
        var out = (s.0.littleEndian, s.1.littleEndian, s.2.littleEndian, s.3.littleEndian)
        return Swift.withUnsafeBytes(of: &out) { Bytes32(copying: $0) }
    }

    /// Keccak-f[1600]: 24 rounds of θ, ρ, π, χ, ι over lanes held in locals.
    @inlinable mutating func permute() {
        var a00 = s.0, a01 = s.1, a02 = s.2, a03 = s.3, a04 = s.4
        var a05 = s.5, a06 = s.6, a07 = s.7, a08 = s.8, a09 = s.9
        var a10 = s.10, a11 = s.11, a12 = s.12, a13 = s.13, a14 = s.14
        var a15 = s.15, a16 = s.16, a17 = s.17, a18 = s.18, a19 = s.19
        var a20 = s.20, a21 = s.21, a22 = s.22, a23 = s.23, a24 = s.24
        @inline(__always) func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { (x &<< n) | (x &>> (64 &- n)) }
        for round in 0..<24 {
            // θ
            let c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20
            let c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21
            let c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22
            let c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23
            let c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24
            let d0 = c4 ^ rotl(c1, 1), d1 = c0 ^ rotl(c2, 1), d2 = c1 ^ rotl(c3, 1)
            let d3 = c2 ^ rotl(c4, 1), d4 = c3 ^ rotl(c0, 1)
            // ρ and π: b[y, 2x+3y] = rot(a[x, y] ^ d[x], r[x, y]), index = x + 5y.
            let b00 = a00 ^ d0
            let b10 = rotl(a01 ^ d1, 1)
            let b20 = rotl(a02 ^ d2, 62)
            let b05 = rotl(a03 ^ d3, 28)
            let b15 = rotl(a04 ^ d4, 27)
            let b16 = rotl(a05 ^ d0, 36)
            let b01 = rotl(a06 ^ d1, 44)
            let b11 = rotl(a07 ^ d2, 6)
            let b21 = rotl(a08 ^ d3, 55)
            let b06 = rotl(a09 ^ d4, 20)
            let b07 = rotl(a10 ^ d0, 3)
            let b17 = rotl(a11 ^ d1, 10)
            let b02 = rotl(a12 ^ d2, 43)
            let b12 = rotl(a13 ^ d3, 25)
            let b22 = rotl(a14 ^ d4, 39)
            let b23 = rotl(a15 ^ d0, 41)
            let b08 = rotl(a16 ^ d1, 45)
            let b18 = rotl(a17 ^ d2, 15)
            let b03 = rotl(a18 ^ d3, 21)
            let b13 = rotl(a19 ^ d4, 8)
            let b14 = rotl(a20 ^ d0, 18)
            let b24 = rotl(a21 ^ d1, 2)
            let b09 = rotl(a22 ^ d2, 61)
            let b19 = rotl(a23 ^ d3, 56)
            let b04 = rotl(a24 ^ d4, 14)
            // χ
            a00 = b00 ^ (~b01 & b02); a01 = b01 ^ (~b02 & b03); a02 = b02 ^ (~b03 & b04)
            a03 = b03 ^ (~b04 & b00); a04 = b04 ^ (~b00 & b01)
            a05 = b05 ^ (~b06 & b07); a06 = b06 ^ (~b07 & b08); a07 = b07 ^ (~b08 & b09)
            a08 = b08 ^ (~b09 & b05); a09 = b09 ^ (~b05 & b06)
            a10 = b10 ^ (~b11 & b12); a11 = b11 ^ (~b12 & b13); a12 = b12 ^ (~b13 & b14)
            a13 = b13 ^ (~b14 & b10); a14 = b14 ^ (~b10 & b11)
            a15 = b15 ^ (~b16 & b17); a16 = b16 ^ (~b17 & b18); a17 = b17 ^ (~b18 & b19)
            a18 = b18 ^ (~b19 & b15); a19 = b19 ^ (~b15 & b16)
            a20 = b20 ^ (~b21 & b22); a21 = b21 ^ (~b22 & b23); a22 = b22 ^ (~b23 & b24)
            a23 = b23 ^ (~b24 & b20); a24 = b24 ^ (~b20 & b21)
            // ι
            a00 ^= keccakRoundConstant(round)
        }
        s = (a00, a01, a02, a03, a04, a05, a06, a07, a08, a09, a10, a11, a12,
             a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24)
    }
}

/// The ι-step constant of round `i`.
@inlinable @inline(__always)
func keccakRoundConstant(_ i: Int) -> UInt64 {
    switch i {
    case 0: 0x0000_0000_0000_0001; case 1: 0x0000_0000_0000_8082; case 2: 0x8000_0000_0000_808A
    case 3: 0x8000_0000_8000_8000; case 4: 0x0000_0000_0000_808B; case 5: 0x0000_0000_8000_0001
    case 6: 0x8000_0000_8000_8081; case 7: 0x8000_0000_0000_8009; case 8: 0x0000_0000_0000_008A
    case 9: 0x0000_0000_0000_0088; case 10: 0x0000_0000_8000_8009; case 11: 0x0000_0000_8000_000A
    case 12: 0x0000_0000_8000_808B; case 13: 0x8000_0000_0000_008B; case 14: 0x8000_0000_0000_8089
    case 15: 0x8000_0000_0000_8003; case 16: 0x8000_0000_0000_8002; case 17: 0x8000_0000_0000_0080
    case 18: 0x0000_0000_0000_800A; case 19: 0x8000_0000_8000_000A; case 20: 0x8000_0000_8000_8081
    case 21: 0x8000_0000_0000_8080; case 22: 0x0000_0000_8000_0001; default: 0x8000_0000_8000_8008
    }
}
