internal import COpenSSL

/// Why a modular exponentiation could not be computed.
public enum ModExpError: Error, Equatable, Sendable {
    /// An operand longer than OpenSSL's `int` length parameter allows (2³¹ − 1 bytes).
    case operandTooLarge(byteCount: Int)
    /// OpenSSL reported a failure (it fails only when it cannot allocate memory).
    case openSSLFailure(operation: String)
}

/// Arbitrary-size unsigned arithmetic through OpenSSL's BN library.
public enum BigNumber {
    /// base^exponent mod modulus over big-endian byte strings of any length (leading zeros allowed),
    /// with the EVM modexp precompile's conventions (EIP-198): the result is exactly as long as
    /// `modulus` (left-padded with zeros), and a zero modulus (of any length) gives all zeros.
    public static func modexp(base: UnsafeRawBufferPointer, exponent: UnsafeRawBufferPointer,
                              modulus: UnsafeRawBufferPointer) throws(ModExpError) -> [UInt8] {
        let length = modulus.count
        var result = [UInt8](repeating: 0, count: length)
        guard modulus.contains(where: { $0 != 0 }) else { return result }
        for operand in [base.count, exponent.count, length] where operand > Int(Int32.max) {
            throw .operandTooLarge(byteCount: operand)
        }

        guard let context = BN_CTX_new() else { throw .openSSLFailure(operation: "BN_CTX_new") }
        defer { BN_CTX_free(context) }
        let a = bigNumber(base), p = bigNumber(exponent), m = bigNumber(modulus), r = BN_new()
        defer { BN_free(a); BN_free(p); BN_free(m); BN_free(r) }
        guard let a, let p, let m, let r else { throw .openSSLFailure(operation: "BN_bin2bn") }

        guard BN_mod_exp(r, a, p, m, context) == 1 else { throw .openSSLFailure(operation: "BN_mod_exp") }
        let written = result.withUnsafeMutableBufferPointer { BN_bn2binpad(r, $0.baseAddress, Int32(length)) }
        // r < m, so it always fits in the modulus's length.
        guard written == Int32(length) else { throw .openSSLFailure(operation: "BN_bn2binpad") }
        return result
    }

    /// base^exponent mod modulus over byte arrays (see the raw-memory variant).
    public static func modexp(base: [UInt8], exponent: [UInt8], modulus: [UInt8]) throws(ModExpError) -> [UInt8] {
        // withUnsafeBytes rethrows untyped errors, so the typed error travels out in a Result.
        let outcome = base.withUnsafeBytes { b in
            exponent.withUnsafeBytes { e in
                modulus.withUnsafeBytes { m in
                    Result { () throws(ModExpError) -> [UInt8] in try modexp(base: b, exponent: e, modulus: m) }
                }
            }
        }
        return try outcome.get()
    }

    /// A fresh BIGNUM holding the big-endian bytes (zero for no bytes), or nil when allocation fails.
    static func bigNumber(_ bytes: UnsafeRawBufferPointer) -> OpaquePointer? {
        BN_bin2bn(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(bytes.count), nil)
    }
}
