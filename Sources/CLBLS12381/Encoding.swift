// The ZCash serialization of G1 and G2 points (used by KZG, BLS signatures and the consensus layer).
// The top three bits of the first byte are flags: 0x80 compressed, 0x40 point at infinity,
// 0x20 the sign of y (set when y is the lexicographically larger root). An Fp2 coordinate is
// written c1 first, then c0. Decoding checks every rule and the curve equation; the subgroup
// check is separate (`isInSubgroup`), as callers decide when to pay for it.

/// The three flag bits of a ZCash-encoded point.
private struct Flags {
    var compressed: Bool, infinity: Bool, sign: Bool
    init(_ byte: UInt8) { compressed = byte & 0x80 != 0; infinity = byte & 0x40 != 0; sign = byte & 0x20 != 0 }
    static func byte(compressed: Bool, infinity: Bool, sign: Bool) -> UInt8 {
        (compressed ? 0x80 : 0) | (infinity ? 0x40 : 0) | (sign ? 0x20 : 0)
    }
}

/// True when every byte but the flag bits is zero (the only valid body of the point at infinity).
private func restIsZero(_ bytes: [UInt8]) -> Bool {
    bytes[0] & 0x1f == 0 && bytes.dropFirst().allSatisfy { $0 == 0 }
}

/// The bytes with the flag bits cleared.
private func stripped(_ bytes: [UInt8]) -> [UInt8] {
    var body = bytes
    body[0] &= 0x1f
    return body
}

extension JacobianPoint where F == Fp {
    /// Decodes a 48-byte compressed point; nil for a wrong length, bad flags, x ≥ p, or x off the curve.
    public init?(compressed bytes: [UInt8]) {
        guard bytes.count == 48 else { return nil }
        let flags = Flags(bytes[0])
        guard flags.compressed else { return nil }
        if flags.infinity {
            guard !flags.sign, restIsZero(bytes) else { return nil }
            self = .infinity
            return
        }
        guard let x = Fp(bytes: stripped(bytes)), var y = (x.squared * x + Fp.curveB).squareRoot else { return nil }
        if y.isLexicographicallyLargest != flags.sign { y = -y }
        self.init(affineX: x, affineY: y)
    }

    /// Decodes a 96-byte uncompressed point; nil for a wrong length, bad flags, a coordinate ≥ p, or a point off the curve.
    public init?(uncompressed bytes: [UInt8]) {
        guard bytes.count == 96 else { return nil }
        let flags = Flags(bytes[0])
        guard !flags.compressed, !flags.sign else { return nil }
        if flags.infinity {
            guard restIsZero(bytes) else { return nil }
            self = .infinity
            return
        }
        let body = stripped(bytes)
        guard let x = Fp(bytes: body, offset: 0), let y = Fp(bytes: body, offset: 48) else { return nil }
        self.init(affineX: x, affineY: y)
        guard isOnCurve else { return nil }
    }

    /// The 48-byte compressed encoding.
    public var compressed: [UInt8] {
        guard let (x, y) = affine else { return [0xc0] + [UInt8](repeating: 0, count: 47) }
        var out = x.bytes
        out[0] |= Flags.byte(compressed: true, infinity: false, sign: y.isLexicographicallyLargest)
        return out
    }

    /// The 96-byte uncompressed encoding.
    public var uncompressed: [UInt8] {
        guard let (x, y) = affine else { return [0x40] + [UInt8](repeating: 0, count: 95) }
        return x.bytes + y.bytes
    }
}

extension JacobianPoint where F == Fp2 {
    /// Decodes a 96-byte compressed point; nil for a wrong length, bad flags, a coefficient ≥ p, or x off the curve.
    public init?(compressed bytes: [UInt8]) {
        guard bytes.count == 96 else { return nil }
        let flags = Flags(bytes[0])
        guard flags.compressed else { return nil }
        if flags.infinity {
            guard !flags.sign, restIsZero(bytes) else { return nil }
            self = .infinity
            return
        }
        let body = stripped(bytes)
        guard let c1 = Fp(bytes: body, offset: 0), let c0 = Fp(bytes: body, offset: 48) else { return nil }
        let x = Fp2(c0, c1)
        guard var y = (x.squared * x + Fp2.curveB).squareRoot else { return nil }
        if y.isLexicographicallyLargest != flags.sign { y = -y }
        self.init(affineX: x, affineY: y)
    }

    /// Decodes a 192-byte uncompressed point (x.c1, x.c0, y.c1, y.c0); nil when malformed or off the curve.
    public init?(uncompressed bytes: [UInt8]) {
        guard bytes.count == 192 else { return nil }
        let flags = Flags(bytes[0])
        guard !flags.compressed, !flags.sign else { return nil }
        if flags.infinity {
            guard restIsZero(bytes) else { return nil }
            self = .infinity
            return
        }
        let body = stripped(bytes)
        guard let x1 = Fp(bytes: body, offset: 0), let x0 = Fp(bytes: body, offset: 48),
              let y1 = Fp(bytes: body, offset: 96), let y0 = Fp(bytes: body, offset: 144) else { return nil }
        self.init(affineX: Fp2(x0, x1), affineY: Fp2(y0, y1))
        guard isOnCurve else { return nil }
    }

    /// The 96-byte compressed encoding.
    public var compressed: [UInt8] {
        guard let (x, y) = affine else { return [0xc0] + [UInt8](repeating: 0, count: 95) }
        var out = x.c1.bytes + x.c0.bytes
        out[0] |= Flags.byte(compressed: true, infinity: false, sign: y.isLexicographicallyLargest)
        return out
    }

    /// The 192-byte uncompressed encoding.
    public var uncompressed: [UInt8] {
        guard let (x, y) = affine else { return [0x40] + [UInt8](repeating: 0, count: 191) }
        return x.c1.bytes + x.c0.bytes + y.c1.bytes + y.c0.bytes
    }
}
