// The EIP-2537 encoding of points (the Prague BLS12-381 precompiles): each Fp element is 64 bytes,
// big-endian, with the top 16 bytes zero and the value below p; a G1 point is x ‖ y (128 bytes), a
// G2 point x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1 (256 bytes; note c0 first, unlike the ZCash format); the point
// at infinity is all zeros. Decoding checks the curve equation, not the subgroup (the precompiles
// that need it check it themselves).

extension Fp {
    /// The element in the 64 bytes at `offset` (16 zero bytes, then 48 below p), or nil.
    public init?(eip2537 bytes: [UInt8], offset: Int) {
        guard offset >= 0, bytes.count >= offset + 64 else { return nil }
        for i in 0..<16 where bytes[offset + i] != 0 { return nil }
        self.init(bytes: bytes, offset: offset + 16)
    }

    /// The 64-byte EIP-2537 encoding.
    public var eip2537Bytes: [UInt8] { [UInt8](repeating: 0, count: 16) + bytes }
}

extension JacobianPoint where F == Fp {
    /// Decodes a 128-byte EIP-2537 G1 point; nil for a wrong length, a bad coordinate, or a point off the curve.
    public init?(eip2537 bytes: [UInt8]) {
        guard bytes.count == 128, let x = Fp(eip2537: bytes, offset: 0), let y = Fp(eip2537: bytes, offset: 64) else {
            return nil
        }
        if x.isZero && y.isZero { self = .infinity; return }
        self.init(affineX: x, affineY: y)
        guard isOnCurve else { return nil }
    }

    /// The 128-byte EIP-2537 encoding.
    public var eip2537Bytes: [UInt8] {
        guard let (x, y) = affine else { return [UInt8](repeating: 0, count: 128) }
        return x.eip2537Bytes + y.eip2537Bytes
    }
}

extension JacobianPoint where F == Fp2 {
    /// Decodes a 256-byte EIP-2537 G2 point; nil for a wrong length, a bad coordinate, or a point off the curve.
    public init?(eip2537 bytes: [UInt8]) {
        guard bytes.count == 256, let x0 = Fp(eip2537: bytes, offset: 0), let x1 = Fp(eip2537: bytes, offset: 64),
              let y0 = Fp(eip2537: bytes, offset: 128), let y1 = Fp(eip2537: bytes, offset: 192) else { return nil }
        let x = Fp2(x0, x1), y = Fp2(y0, y1)
        if x.isZero && y.isZero { self = .infinity; return }
        self.init(affineX: x, affineY: y)
        guard isOnCurve else { return nil }
    }

    /// The 256-byte EIP-2537 encoding.
    public var eip2537Bytes: [UInt8] {
        guard let (x, y) = affine else { return [UInt8](repeating: 0, count: 256) }
        return x.c0.eip2537Bytes + x.c1.eip2537Bytes + y.c0.eip2537Bytes + y.c1.eip2537Bytes
    }
}
