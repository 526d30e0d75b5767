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
                lanes.absorbBlock(buffer)
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
        lanes.absorbBlock(buffer)
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
            let padding = UnsafeMutableRawBufferPointer(rebasing: dst[position..<Keccak256.rate])
            _ = padding.initializeMemory(as: UInt8.self, repeating: 0)
        }
    }

    @inlinable mutating func xorByte(_ value: UInt8, at position: Int) {
        Swift.withUnsafeMutableBytes(of: &words) { $0[position] ^= value }
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

    /// XORs a buffered block into the state straight from its words (no copy to memory) and permutes.
    @inlinable mutating func absorbBlock(_ block: KeccakBlock) {
        let w = block.words
        s.0 ^= UInt64(littleEndian: w.0); s.1 ^= UInt64(littleEndian: w.1); s.2 ^= UInt64(littleEndian: w.2)
        s.3 ^= UInt64(littleEndian: w.3); s.4 ^= UInt64(littleEndian: w.4); s.5 ^= UInt64(littleEndian: w.5)
        s.6 ^= UInt64(littleEndian: w.6); s.7 ^= UInt64(littleEndian: w.7); s.8 ^= UInt64(littleEndian: w.8)
        s.9 ^= UInt64(littleEndian: w.9); s.10 ^= UInt64(littleEndian: w.10); s.11 ^= UInt64(littleEndian: w.11)
        s.12 ^= UInt64(littleEndian: w.12); s.13 ^= UInt64(littleEndian: w.13); s.14 ^= UInt64(littleEndian: w.14)
        s.15 ^= UInt64(littleEndian: w.15); s.16 ^= UInt64(littleEndian: w.16)
        permute()
    }

    @inlinable func digest() -> Bytes32 {
        var out = (s.0.littleEndian, s.1.littleEndian, s.2.littleEndian, s.3.littleEndian)
        return Swift.withUnsafeBytes(of: &out) { Bytes32(copying: $0) }
    }

    /// Keccak-f[1600]: 24 rounds of θ, ρ, π, χ, ι over lanes held in locals.
    ///
    /// Lane `aXY` is a[x, y] with index x + 5y. Each round is written output plane by output plane:
    /// the five lanes of plane y after ρ and π (`b0`…`b4`, b[x, y] = rot(a[x + 3y, x] ^ d[x + 3y], r))
    /// go straight through χ, so only five of them are live at a time, and the column parities the
    /// next round's θ needs are accumulated as the new lanes are produced.
    @inlinable mutating func permute() {
        var a00 = s.0, a01 = s.1, a02 = s.2, a03 = s.3, a04 = s.4
        var a05 = s.5, a06 = s.6, a07 = s.7, a08 = s.8, a09 = s.9
        var a10 = s.10, a11 = s.11, a12 = s.12, a13 = s.13, a14 = s.14
        var a15 = s.15, a16 = s.16, a17 = s.17, a18 = s.18, a19 = s.19
        var a20 = s.20, a21 = s.21, a22 = s.22, a23 = s.23, a24 = s.24
        @inline(__always) func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { (x &<< n) | (x &>> (64 &- n)) }
        // Column parities of the current state.
        var c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20
        var c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21
        var c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22
        var c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23
        var c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24
        for round in 0..<24 {
            // θ
            let d0 = c4 ^ rotl(c1, 1), d1 = c0 ^ rotl(c2, 1), d2 = c1 ^ rotl(c3, 1)
            let d3 = c2 ^ rotl(c4, 1), d4 = c3 ^ rotl(c0, 1)
            // Plane 0: ρ, π, χ, ι.
            var b0 = a00 ^ d0, b1 = rotl(a06 ^ d1, 44), b2 = rotl(a12 ^ d2, 43)
            var b3 = rotl(a18 ^ d3, 21), b4 = rotl(a24 ^ d4, 14)
            let e00 = b0 ^ (~b1 & b2) ^ keccakRoundConstants[round], e01 = b1 ^ (~b2 & b3)
            let e02 = b2 ^ (~b3 & b4), e03 = b3 ^ (~b4 & b0), e04 = b4 ^ (~b0 & b1)
            // Plane 1.
            b0 = rotl(a03 ^ d3, 28); b1 = rotl(a09 ^ d4, 20); b2 = rotl(a10 ^ d0, 3)
            b3 = rotl(a16 ^ d1, 45); b4 = rotl(a22 ^ d2, 61)
            let e05 = b0 ^ (~b1 & b2), e06 = b1 ^ (~b2 & b3), e07 = b2 ^ (~b3 & b4)
            let e08 = b3 ^ (~b4 & b0), e09 = b4 ^ (~b0 & b1)
            // Plane 2.
            b0 = rotl(a01 ^ d1, 1); b1 = rotl(a07 ^ d2, 6); b2 = rotl(a13 ^ d3, 25)
            b3 = rotl(a19 ^ d4, 8); b4 = rotl(a20 ^ d0, 18)
            let e10 = b0 ^ (~b1 & b2), e11 = b1 ^ (~b2 & b3), e12 = b2 ^ (~b3 & b4)
            let e13 = b3 ^ (~b4 & b0), e14 = b4 ^ (~b0 & b1)
            // Plane 3.
            b0 = rotl(a04 ^ d4, 27); b1 = rotl(a05 ^ d0, 36); b2 = rotl(a11 ^ d1, 10)
            b3 = rotl(a17 ^ d2, 15); b4 = rotl(a23 ^ d3, 56)
            let e15 = b0 ^ (~b1 & b2), e16 = b1 ^ (~b2 & b3), e17 = b2 ^ (~b3 & b4)
            let e18 = b3 ^ (~b4 & b0), e19 = b4 ^ (~b0 & b1)
            // Plane 4.
            b0 = rotl(a02 ^ d2, 62); b1 = rotl(a08 ^ d3, 55); b2 = rotl(a14 ^ d4, 39)
            b3 = rotl(a15 ^ d0, 41); b4 = rotl(a21 ^ d1, 2)
            let e20 = b0 ^ (~b1 & b2), e21 = b1 ^ (~b2 & b3), e22 = b2 ^ (~b3 & b4)
            let e23 = b3 ^ (~b4 & b0), e24 = b4 ^ (~b0 & b1)
            // The next round's column parities, then the new state.
            c0 = e00 ^ e05 ^ e10 ^ e15 ^ e20
            c1 = e01 ^ e06 ^ e11 ^ e16 ^ e21
            c2 = e02 ^ e07 ^ e12 ^ e17 ^ e22
            c3 = e03 ^ e08 ^ e13 ^ e18 ^ e23
            c4 = e04 ^ e09 ^ e14 ^ e19 ^ e24
            a00 = e00; a01 = e01; a02 = e02; a03 = e03; a04 = e04
            a05 = e05; a06 = e06; a07 = e07; a08 = e08; a09 = e09
            a10 = e10; a11 = e11; a12 = e12; a13 = e13; a14 = e14
            a15 = e15; a16 = e16; a17 = e17; a18 = e18; a19 = e19
            a20 = e20; a21 = e21; a22 = e22; a23 = e23; a24 = e24
        }
        s = (a00, a01, a02, a03, a04, a05, a06, a07, a08, a09, a10, a11, a12,
             a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24)
    }
}

/// The ι-step constants of the 24 rounds.
@usableFromInline
let keccakRoundConstants: [UInt64] = [
    0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
    0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
    0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
    0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
    0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
    0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
]
