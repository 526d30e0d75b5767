import CLPrimitives

/// Arithmetic every BN254 field (Fp, Fp2, Fp12) provides, so curve and pairing code is generic.
protocol BN254Field: Equatable {
    static var zero: Self { get }
    static var one: Self { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    /// Multiplicative inverse (of a non-zero element).
    var inverse: Self { get }
    var isZero: Bool { get }
}

/// The BN254 base-field modulus p.
let bn254P = UInt256(hex: "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47")!
/// The BN254 group order r.
let bn254R = UInt256(hex: "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001")!

/// An element of Fp (kept reduced below p).
struct Fp: BN254Field {
    var v: UInt256

    init(_ v: UInt256) { self.v = v }
    init(_ small: UInt64) { v = UInt256(small) }

    static let zero = Fp(UInt256.zero)
    static let one = Fp(UInt256.one)
    static func + (a: Fp, b: Fp) -> Fp { Fp(a.v.addmod(b.v, bn254P)) }
    static func - (a: Fp, b: Fp) -> Fp { Fp(a.v.addmod(bn254P &- b.v, bn254P)) }
    static func * (a: Fp, b: Fp) -> Fp { Fp(a.v.mulmod(b.v, bn254P)) }
    static prefix func - (a: Fp) -> Fp { a.v.isZero ? a : Fp(bn254P &- a.v) }
    var isZero: Bool { v.isZero }

    func power(_ e: UInt256) -> Fp {
        var result = Fp.one, base = self
        for i in 0..<e.bitWidth {
            if (e >> i).w0 & 1 == 1 { result = result * base }
            base = base * base
        }
        return result
    }

    var inverse: Fp { power(bn254P &- UInt256(2 as UInt64)) }
}

/// Fp2 = Fp[i] / (i² + 1).
struct Fp2: BN254Field {
    var c0: Fp, c1: Fp

    static let zero = Fp2(c0: .zero, c1: .zero)
    static let one = Fp2(c0: .one, c1: .zero)
    static func + (a: Fp2, b: Fp2) -> Fp2 { Fp2(c0: a.c0 + b.c0, c1: a.c1 + b.c1) }
    static func - (a: Fp2, b: Fp2) -> Fp2 { Fp2(c0: a.c0 - b.c0, c1: a.c1 - b.c1) }
    static func * (a: Fp2, b: Fp2) -> Fp2 {
        Fp2(c0: a.c0 * b.c0 - a.c1 * b.c1, c1: a.c0 * b.c1 + a.c1 * b.c0)
    }
    var isZero: Bool { c0.isZero && c1.isZero }
    var inverse: Fp2 {
        let norm = (c0 * c0 + c1 * c1).inverse
        return Fp2(c0: c0 * norm, c1: -(c1 * norm))
    }
}

/// Fp12 = Fp[w] / (w¹² − 18w⁶ + 82), as twelve coefficients (the representation used by the
/// reference pairing in py_ecc, which keeps the tower implicit).
struct Fp12: BN254Field {
    var c: [Fp]

    init(_ c: [Fp]) { self.c = c }

    static let zero = Fp12([Fp](repeating: .zero, count: 12))
    static let one: Fp12 = {
        var c = [Fp](repeating: .zero, count: 12)
        c[0] = .one
        return Fp12(c)
    }()

    static func + (a: Fp12, b: Fp12) -> Fp12 { Fp12((0..<12).map { a.c[$0] + b.c[$0] }) }
    static func - (a: Fp12, b: Fp12) -> Fp12 { Fp12((0..<12).map { a.c[$0] - b.c[$0] }) }

    static func * (a: Fp12, b: Fp12) -> Fp12 {
        var product = [Fp](repeating: .zero, count: 23)
        for i in 0..<12 where !a.c[i].isZero {
            for j in 0..<12 { product[i + j] = product[i + j] + a.c[i] * b.c[j] }
        }
        // Reduce with w¹² = 18w⁶ − 82.
        let eighteen = Fp(18 as UInt64), eightyTwo = Fp(82 as UInt64)
        for d in stride(from: 22, through: 12, by: -1) where !product[d].isZero {
            let top = product[d]
            product[d - 6] = product[d - 6] + top * eighteen
            product[d - 12] = product[d - 12] - top * eightyTwo
            product[d] = .zero
        }
        return Fp12(Array(product[0..<12]))
    }

    var isZero: Bool { c.allSatisfy { $0.isZero } }

    /// Inverse by the extended Euclidean algorithm on polynomials over Fp.
    var inverse: Fp12 {
        var lm: [Fp] = [.one] + [Fp](repeating: .zero, count: 12)
        var hm = [Fp](repeating: .zero, count: 13)
        var low = c + [.zero]
        var high: [Fp] = [Fp(82 as UInt64), .zero, .zero, .zero, .zero, .zero, -Fp(18 as UInt64),
                          .zero, .zero, .zero, .zero, .zero, .one]
        while Fp12.degree(low) > 0 {
            let r = Fp12.roundedDivision(high, low)
            var nm = hm, new = high
            for i in 0..<13 {
                for j in 0..<(13 - i) {
                    nm[i + j] = nm[i + j] - lm[i] * r[j]
                    new[i + j] = new[i + j] - low[i] * r[j]
                }
            }
            hm = lm; lm = nm
            high = low; low = new
        }
        let scale = low[0].inverse
        return Fp12((0..<12).map { lm[$0] * scale })
    }

    static func degree(_ p: [Fp]) -> Int {
        var d = p.count - 1
        while d > 0 && p[d].isZero { d -= 1 }
        return d
    }

    /// Quotient of polynomial division, dropping the remainder.
    static func roundedDivision(_ a: [Fp], _ b: [Fp]) -> [Fp] {
        let dega = degree(a), degb = degree(b)
        var temp = a
        var out = [Fp](repeating: .zero, count: a.count)
        let leadInverse = b[degb].inverse
        if dega >= degb {
            for i in stride(from: dega - degb, through: 0, by: -1) {
                out[i] = out[i] + temp[degb + i] * leadInverse
                for j in 0...degb { temp[i + j] = temp[i + j] - out[i] * b[j] }
            }
        }
        return out
    }

    func power(_ e: [UInt64]) -> Fp12 {
        var result = Fp12.one
        var base = self
        for limb in e {
            for bit in 0..<64 {
                if (limb >> UInt64(bit)) & 1 == 1 { result = result * base }
                base = base * base
            }
        }
        return result
    }

    /// An Fp element as the constant coefficient.
    init(constant: Fp) {
        var c = [Fp](repeating: .zero, count: 12)
        c[0] = constant
        self.init(c)
    }
}
