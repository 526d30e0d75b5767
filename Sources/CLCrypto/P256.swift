internal import COpenSSL

/// secp256r1 (NIST P-256) signature verification through OpenSSL's EC arithmetic (EIP-7951).
public enum P256 {
    /// True when (r, s) is a valid ECDSA signature of the 32-byte `hash` under the public key
    /// (x, y), all big-endian 32-byte values: 0 < r, s < n; x, y < p, not (0, 0) and on the curve;
    /// and the x coordinate of u1·G + u2·Q (u1 = h/s, u2 = r/s mod n) is r modulo n. Any other input,
    /// and any OpenSSL failure, is false.
    public static func verify(hash: ArraySlice<UInt8>, r: ArraySlice<UInt8>, s: ArraySlice<UInt8>,
                              x: ArraySlice<UInt8>, y: ArraySlice<UInt8>) -> Bool {
        guard hash.count == 32, r.count == 32, s.count == 32, x.count == 32, y.count == 32 else { return false }
        guard let group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1) else { return false }
        defer { EC_GROUP_free(group) }
        guard let context = BN_CTX_new() else { return false }
        defer { BN_CTX_free(context) }
        let n = BN_new(), p = BN_new(), a = BN_new(), b = BN_new()
        defer { BN_free(n); BN_free(p); BN_free(a); BN_free(b) }
        guard let n, let p, let a, let b, EC_GROUP_get_order(group, n, context) == 1,
              EC_GROUP_get_curve(group, p, a, b, context) == 1 else { return false }

        let rn = number(r), sn = number(s), xn = number(x), yn = number(y), e = number(hash)
        defer { BN_free(rn); BN_free(sn); BN_free(xn); BN_free(yn); BN_free(e) }
        guard let rn, let sn, let xn, let yn, let e else { return false }
        guard BN_is_zero(rn) == 0, BN_cmp(rn, n) < 0, BN_is_zero(sn) == 0, BN_cmp(sn, n) < 0 else { return false }
        guard BN_cmp(xn, p) < 0, BN_cmp(yn, p) < 0, BN_is_zero(xn) == 0 || BN_is_zero(yn) == 0 else { return false }

        guard let q = EC_POINT_new(group) else { return false }
        defer { EC_POINT_free(q) }
        guard EC_POINT_set_affine_coordinates(group, q, xn, yn, context) == 1,
              EC_POINT_is_on_curve(group, q, context) == 1 else { return false }

        let w = BN_new(), u1 = BN_new(), u2 = BN_new(), rx = BN_new(), ry = BN_new()
        defer { BN_free(w); BN_free(u1); BN_free(u2); BN_free(rx); BN_free(ry) }
        guard let w, let u1, let u2, let rx, let ry, BN_mod_inverse(w, sn, n, context) != nil,
              BN_nnmod(e, e, n, context) == 1, BN_mod_mul(u1, e, w, n, context) == 1,
              BN_mod_mul(u2, rn, w, n, context) == 1 else { return false }
        guard let point = EC_POINT_new(group) else { return false }
        defer { EC_POINT_free(point) }
        guard EC_POINT_mul(group, point, u1, q, u2, context) == 1,
              EC_POINT_is_at_infinity(group, point) == 0,
              EC_POINT_get_affine_coordinates(group, point, rx, ry, context) == 1,
              BN_nnmod(rx, rx, n, context) == 1 else { return false }
        return BN_cmp(rx, rn) == 0
    }

    /// A fresh BIGNUM of the big-endian bytes, or nil when allocation fails.
    private static func number(_ bytes: ArraySlice<UInt8>) -> OpaquePointer? {
        bytes.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
    }
}
