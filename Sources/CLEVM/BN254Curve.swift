import CLPrimitives

/// A point on y² = x³ + b over a BN254 field, in affine coordinates; nil-free: `infinity` flags O.
struct AffinePoint<F: BN254Field>: Equatable {
    var x: F, y: F
    var infinity: Bool

    static var identity: AffinePoint { AffinePoint(x: .zero, y: .zero, infinity: true) }

    func doubled() -> AffinePoint {
        if infinity || y.isZero { return .identity }
        let xx = x * x
        let slope = (xx + xx + xx) * (y + y).inverse
        let nx = slope * slope - x - x
        return AffinePoint(x: nx, y: slope * (x - nx) - y, infinity: false)
    }

    func adding(_ o: AffinePoint) -> AffinePoint {
        if infinity { return o }
        if o.infinity { return self }
        if x == o.x { return y == o.y ? doubled() : .identity }
        let slope = (o.y - y) * (o.x - x).inverse
        let nx = slope * slope - x - o.x
        return AffinePoint(x: nx, y: slope * (x - nx) - y, infinity: false)
    }

    var negated: AffinePoint { AffinePoint(x: x, y: F.zero - y, infinity: infinity) }

    func multiplied(by k: UInt256) -> AffinePoint {
        var result = AffinePoint.identity
        var i = k.bitWidth - 1
        while i >= 0 {
            result = result.doubled()
            if (k >> i).w0 & 1 == 1 { result = result.adding(self) }
            i -= 1
        }
        return result
    }
}

/// A G1 point in Jacobian coordinates (x = X/Z², y = Y/Z³), for fast scalar multiplication.
struct JacobianG1 {
    var X: Fp, Y: Fp, Z: Fp

    init(_ p: AffinePoint<Fp>) {
        if p.infinity { X = .one; Y = .one; Z = .zero } else { X = p.x; Y = p.y; Z = .one }
    }
    init(X: Fp, Y: Fp, Z: Fp) { self.X = X; self.Y = Y; self.Z = Z }

    var affine: AffinePoint<Fp> {
        if Z.isZero { return .identity }
        let zi = Z.inverse, zi2 = zi * zi
        return AffinePoint(x: X * zi2, y: Y * zi2 * zi, infinity: false)
    }

    func doubled() -> JacobianG1 {
        if Z.isZero || Y.isZero { return JacobianG1(X: .one, Y: .one, Z: .zero) }
        let a = X * X, b = Y * Y, c = b * b
        let t = X + b
        var d = t * t - a - c
        d = d + d
        let e = a + a + a, f = e * e
        let x3 = f - d - d
        let c8 = c + c + c + c + c + c + c + c
        return JacobianG1(X: x3, Y: e * (d - x3) - c8, Z: (Y * Z) + (Y * Z))
    }

    func adding(_ o: JacobianG1) -> JacobianG1 {
        if Z.isZero { return o }
        if o.Z.isZero { return self }
        let z1z1 = Z * Z, z2z2 = o.Z * o.Z
        let u1 = X * z2z2, u2 = o.X * z1z1
        let s1 = Y * z2z2 * o.Z, s2 = o.Y * z1z1 * Z
        if u1 == u2 { return s1 == s2 ? doubled() : JacobianG1(X: .one, Y: .one, Z: .zero) }
        let h = u2 - u1, r = s2 - s1
        let hh = h * h, hhh = hh * h
        let v = u1 * hh
        let x3 = r * r - hhh - v - v
        return JacobianG1(X: x3, Y: r * (v - x3) - s1 * hhh, Z: h * Z * o.Z)
    }

    func multiplied(by k: UInt256) -> JacobianG1 {
        var result = JacobianG1(X: .one, Y: .one, Z: .zero)
        var i = k.bitWidth - 1
        while i >= 0 {
            result = result.doubled()
            if (k >> i).w0 & 1 == 1 { result = result.adding(self) }
            i -= 1
        }
        return result
    }
}

/// The BN254 precompiles 0x06 (add), 0x07 (scalar multiply) and 0x08 (pairing check).
enum BN254Precompiles {
    static let g1B = Fp(3 as UInt64)
    /// b of the twist curve E'(Fp2): 3 / (9 + i).
    static let g2B: Fp2 = Fp2(c0: Fp(3 as UInt64), c1: .zero) * Fp2(c0: Fp(9 as UInt64), c1: .one).inverse

    /// Input bytes [offset, offset+32) as a word, zero past the end.
    static func word(_ input: [UInt8], _ offset: Int) -> UInt256 {
        input.withUnsafeBytes { loadPadded($0, UInt256(offset)) }
    }

    /// Decodes a G1 point (x ‖ y); nil when a coordinate is ≥ p or the point is off the curve.
    static func g1(_ input: [UInt8], _ offset: Int) -> AffinePoint<Fp>? {
        let x = word(input, offset), y = word(input, offset + 32)
        guard x < bn254P, y < bn254P else { return nil }
        if x.isZero && y.isZero { return .identity }
        let fx = Fp(x), fy = Fp(y)
        guard fy * fy == fx * fx * fx + g1B else { return nil }
        return AffinePoint(x: fx, y: fy, infinity: false)
    }

    /// Decodes a G2 point (x.im ‖ x.re ‖ y.im ‖ y.re); nil when off the twist or outside the subgroup.
    static func g2(_ input: [UInt8], _ offset: Int) -> AffinePoint<Fp2>? {
        let xi = word(input, offset), xr = word(input, offset + 32)
        let yi = word(input, offset + 64), yr = word(input, offset + 96)
        guard xi < bn254P, xr < bn254P, yi < bn254P, yr < bn254P else { return nil }
        if xi.isZero && xr.isZero && yi.isZero && yr.isZero { return .identity }
        let x = Fp2(c0: Fp(xr), c1: Fp(xi)), y = Fp2(c0: Fp(yr), c1: Fp(yi))
        guard y * y == x * x * x + g2B else { return nil }
        let point = AffinePoint(x: x, y: y, infinity: false)
        guard point.multiplied(by: bn254R).infinity else { return nil }
        return point
    }

    static func encode(_ p: AffinePoint<Fp>) -> [UInt8] {
        if p.infinity { return [UInt8](repeating: 0, count: 64) }
        return p.x.v.bigEndianBytes + p.y.v.bigEndianBytes
    }

    /// 0x06: P + Q.
    static func add(_ input: [UInt8]) -> [UInt8]? {
        guard let a = g1(input, 0), let b = g1(input, 64) else { return nil }
        return encode(a.adding(b))
    }

    /// 0x07: k · P.
    static func multiply(_ input: [UInt8]) -> [UInt8]? {
        guard let p = g1(input, 0) else { return nil }
        return encode(JacobianG1(p).multiplied(by: word(input, 64)).affine)
    }

    /// 0x08: 1 (as a word) when ∏ e(Pᵢ, Qᵢ) = 1, else 0; nil for malformed input.
    static func pairing(_ input: [UInt8]) -> [UInt8]? {
        guard input.count % 192 == 0 else { return nil }
        var f = Fp12.one
        for k in 0..<(input.count / 192) {
            guard let p = g1(input, 192 * k), let q = g2(input, 192 * k + 64) else { return nil }
            if p.infinity || q.infinity { continue }
            f = f * BN254Pairing.millerLoop(q, p)
        }
        let isOne = BN254Pairing.finalExponentiation(f) == Fp12.one
        var out = [UInt8](repeating: 0, count: 32)
        if isOne { out[31] = 1 }
        return out
    }
}
