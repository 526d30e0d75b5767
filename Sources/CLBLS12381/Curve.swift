/// The field operations the curve code needs, shared by Fp (G1) and Fp2 (G2).
public protocol BLSField: Sendable, Equatable {
    static var zero: Self { get }
    static var one: Self { get }
    /// The coefficient b of the curve y² = x³ + b over this field: 4 on G1, 4(1 + u) on G2's twist.
    static var curveB: Self { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    var squared: Self { get }
    var doubled: Self { get }
    var inverse: Self { get }
    var isZero: Bool { get }
}

extension Fp: BLSField {
    /// 4, in Montgomery form.
    public static let curveB = Fp(limbs: (
        0xaa27_0000_000c_fff3, 0x53cc_0032_fc34_000a, 0x478f_e97a_6b0a_807f,
        0xb1d3_7ebe_e6ba_24d7, 0x8ec9_733b_bf78_ab2f, 0x09d6_4551_3d83_de7e))
}

extension Fp2: BLSField {
    /// 4 + 4u, the twist's coefficient (the twist is of M type: b' = b·ξ).
    public static let curveB = Fp2(Fp.curveB, Fp.curveB)
}

/// A point of y² = x³ + b in Jacobian coordinates (x = X/Z², y = Y/Z³; Z = 0 is the point at infinity).
public struct JacobianPoint<F: BLSField>: Sendable {
    /// The Jacobian coordinates.
    public var x: F, y: F, z: F

    /// The point with Jacobian coordinates `(x, y, z)`.
    @inlinable public init(x: F, y: F, z: F) { self.x = x; self.y = y; self.z = z }

    /// The affine point `(x, y)`; not checked to be on the curve.
    @inlinable public init(affineX: F, affineY: F) { x = affineX; y = affineY; z = .one }

    /// The point at infinity (the group's identity).
    public static var infinity: JacobianPoint { JacobianPoint(x: .one, y: .one, z: .zero) }

    /// True for the point at infinity.
    @inlinable public var isInfinity: Bool { z.isZero }

    /// The affine coordinates, or nil for the point at infinity.
    public var affine: (x: F, y: F)? {
        if isInfinity { return nil }
        let zi = z.inverse, zi2 = zi.squared
        return (x * zi2, y * zi2 * zi)
    }

    /// True when the point satisfies the curve equation (the point at infinity does).
    public var isOnCurve: Bool {
        if isInfinity { return true }
        let z2 = z.squared
        let z6 = z2.squared * z2
        return y.squared == x.squared * x + F.curveB * z6
    }

    /// The negated point.
    @inlinable public static prefix func - (p: JacobianPoint) -> JacobianPoint { JacobianPoint(x: p.x, y: -p.y, z: p.z) }

    /// Twice the point (a = 0 doubling).
    @inlinable public var doubled: JacobianPoint {
        if isInfinity { return self }
        let a = x.squared, b = y.squared, c = b.squared
        let d = ((x + b).squared - a - c).doubled
        let e = a.doubled + a
        let f = e.squared
        let x3 = f - d.doubled
        let y3 = e * (d - x3) - c.doubled.doubled.doubled
        let z3 = (y * z).doubled
        return JacobianPoint(x: x3, y: y3, z: z3)
    }

    /// The sum of two points (complete: handles infinity, equal and opposite points).
    public static func + (p: JacobianPoint, q: JacobianPoint) -> JacobianPoint {
        if p.isInfinity { return q }
        if q.isInfinity { return p }
        let z1z1 = p.z.squared, z2z2 = q.z.squared
        let u1 = p.x * z2z2, u2 = q.x * z1z1
        let s1 = p.y * q.z * z2z2, s2 = q.y * p.z * z1z1
        let h = u2 - u1, r = s2 - s1
        if h.isZero { return r.isZero ? p.doubled : .infinity }
        let hh = h.squared, hhh = h * hh
        let v = u1 * hh
        let x3 = r.squared - hhh - v.doubled
        let y3 = r * (v - x3) - s1 * hhh
        let z3 = p.z * q.z * h
        return JacobianPoint(x: x3, y: y3, z: z3)
    }

    /// The difference of two points.
    public static func - (p: JacobianPoint, q: JacobianPoint) -> JacobianPoint { p + (-q) }

    /// `k·P` for a scalar given as big-endian bytes (any length; double and add from the top bit).
    public func multiplied(byBigEndian k: [UInt8]) -> JacobianPoint {
        var result = JacobianPoint.infinity
        for byte in k {
            for bit in stride(from: 7, through: 0, by: -1) {
                result = result.doubled
                if (byte >> UInt8(bit)) & 1 == 1 { result = result + self }
            }
        }
        return result
    }

    /// `k·P` for a scalar given as 64-bit limbs, least significant first.
    public func multiplied(byLimbs k: [UInt64]) -> JacobianPoint {
        var result = JacobianPoint.infinity
        for limb in k.reversed() {
            for bit in stride(from: 63, through: 0, by: -1) {
                result = result.doubled
                if (limb >> UInt64(bit)) & 1 == 1 { result = result + self }
            }
        }
        return result
    }

    /// True when `r·P` is the identity: the point lies in the prime-order subgroup.
    public var isInSubgroup: Bool { multiplied(byLimbs: Scalar.orderLimbs).isInfinity }
}

extension JacobianPoint: Equatable {
    /// Equality of the points represented (not of their coordinates).
    public static func == (p: JacobianPoint, q: JacobianPoint) -> Bool {
        if p.isInfinity || q.isInfinity { return p.isInfinity && q.isInfinity }
        let z1z1 = p.z.squared, z2z2 = q.z.squared
        return p.x * z2z2 == q.x * z1z1 && p.y * q.z * z2z2 == q.y * p.z * z1z1
    }
}

/// A point of G1 (over Fp).
public typealias G1Point = JacobianPoint<Fp>
/// A point of G2 (over Fp2, on the sextic twist).
public typealias G2Point = JacobianPoint<Fp2>

extension JacobianPoint where F == Fp {
    /// The standard generator of G1.
    public static let generator = G1Point(
        affineX: Fp(limbs: (0x5cb3_8790_fd53_0c16, 0x7817_fc67_9976_fff5, 0x154f_95c7_143b_a1c1,
                            0xf0ae_6acd_f3d0_e747, 0xedce_6ecc_21db_f440, 0x1201_7741_9e0b_fb75)),
        affineY: Fp(limbs: (0xbaac_93d5_0ce7_2271, 0x8c22_631a_7918_fd8e, 0xdd59_5f13_5707_25ce,
                            0x51ac_5829_5040_5194, 0x0e1c_8c3f_ad00_59c0, 0x0bbc_3efc_5008_a26a)))
}

extension JacobianPoint where F == Fp2 {
    /// The standard generator of G2.
    public static let generator = G2Point(
        affineX: Fp2(Fp(limbs: (0xf5f2_8fa2_0294_0a10, 0xb3f5_fb26_87b4_961a, 0xa1a8_93b5_3e2a_e580,
                                0x9894_999d_1a3c_aee9, 0x6f67_b763_1863_366b, 0x0581_9192_4350_bcd7)),
                     Fp(limbs: (0xa5a9_c075_9e23_f606, 0xaaa0_c59d_bccd_60c3, 0x3bb1_7e18_e286_7806,
                                0x1b1a_b6cc_8541_b367, 0xc2b6_ed0e_f215_8547, 0x1192_2a09_7360_edf3))),
        affineY: Fp2(Fp(limbs: (0x4c73_0af8_6049_4c4a, 0x597c_fa1f_5e36_9c5a, 0xe7e6_856c_aa0a_635a,
                                0xbbef_b5e9_6e0d_495f, 0x07d3_a975_f0ef_25a2, 0x0083_fd8e_7e80_dae5)),
                     Fp(limbs: (0xadc0_fc92_df64_b05d, 0x18aa_270a_2b14_61dc, 0x86ad_ac6a_3be4_eba0,
                                0x7949_5c4e_c93d_a33a, 0xe717_5850_a43c_caed, 0x0b2b_c2a1_63de_1bf2))))
}

/// Scalars modulo the group order r = 0x73eda753…00000001 (255 bits).
public enum Scalar {
    /// r as 64-bit limbs, least significant first.
    public static let orderLimbs: [UInt64] = [0xffff_ffff_0000_0001, 0x53bd_a402_fffe_5bfe,
                                              0x3339_d808_09a1_d805, 0x73ed_a753_299d_7d48]
    /// r as 32 big-endian bytes.
    public static var orderBytes: [UInt8] {
        var out: [UInt8] = []
        for limb in orderLimbs.reversed() {
            for i in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: limb >> UInt64(i))) }
        }
        return out
    }

    /// True when the 32 big-endian bytes at `offset` encode an integer below r (a canonical field element).
    public static func isCanonical(_ bytes: [UInt8], offset: Int = 0) -> Bool {
        guard offset >= 0, bytes.count >= offset + 32 else { return false }
        let order = orderBytes
        for i in 0..<32 where bytes[offset + i] != order[i] { return bytes[offset + i] < order[i] }
        return false
    }
}
