import CLPrimitives
internal import COpenSSL

/// SHA-256 and RIPEMD-160 through OpenSSL's EVP interface (the EVM's precompiles 0x02 and 0x03).
public enum Digests {
    /// SHA-256 of raw memory.
    public static func sha256(_ input: UnsafeRawBufferPointer) -> Bytes32 {
        var digest = Bytes32.zero
        digest.withUnsafeMutableBytes { FetchedDigest.sha256.digest(input, into: $0) }
        return digest
    }

    /// SHA-256 of a byte array.
    public static func sha256(_ input: [UInt8]) -> Bytes32 {
        input.withUnsafeBytes { sha256($0) }
    }

    /// RIPEMD-160 of raw memory: 20 bytes.
    public static func ripemd160(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        Array(ripemd160Word(input).bytes[12..<32])
    }

    /// RIPEMD-160 of a byte array: 20 bytes.
    public static func ripemd160(_ input: [UInt8]) -> [UInt8] {
        input.withUnsafeBytes { ripemd160($0) }
    }

    /// RIPEMD-160 of raw memory, left-padded with 12 zero bytes to a word (the precompile's output).
    public static func ripemd160Word(_ input: UnsafeRawBufferPointer) -> Bytes32 {
        var word = Bytes32.zero
        word.withUnsafeMutableBytes { FetchedDigest.ripemd160.digest(input, into: UnsafeMutableRawBufferPointer(rebasing: $0[12..<32])) }
        return word
    }

    /// RIPEMD-160 of a byte array, left-padded to a word.
    public static func ripemd160Word(_ input: [UInt8]) -> Bytes32 {
        input.withUnsafeBytes { ripemd160Word($0) }
    }
}

/// An OpenSSL message digest fetched once from its provider and shared.
///
/// A fetched `EVP_MD` is immutable and reference-counted, so OpenSSL allows its use from any
/// number of threads; it is kept for the life of the process.
struct FetchedDigest: @unchecked Sendable {
    /// The `EVP_MD *`.
    let method: OpaquePointer
    /// Its output size in bytes.
    let size: Int

    /// SHA-256 from the default provider.
    static let sha256 = FetchedDigest(algorithm: "SHA256")

    /// RIPEMD-160: in the default provider since OpenSSL 3.0.7; older 3.0 releases keep it only in
    /// the legacy provider, which is loaded when the first fetch fails.
    static let ripemd160 = FetchedDigest(algorithm: "RIPEMD160", legacyFallback: true)

    /// Fetches `algorithm`. A missing digest is a broken installation, not bad input, so it stops the
    /// process with a message naming the algorithm.
    init(algorithm: String, legacyFallback: Bool = false) {
        var method = EVP_MD_fetch(nil, algorithm, nil)
        if method == nil && legacyFallback {
            ERR_clear_error()
            _ = OSSL_PROVIDER_load(nil, "default")
            _ = OSSL_PROVIDER_load(nil, "legacy")
            method = EVP_MD_fetch(nil, algorithm, nil)
        }
        guard let method else { fatalError("OpenSSL libcrypto offers no \(algorithm) digest") }
        self.method = method
        self.size = Int(EVP_MD_get_size(method))
    }

    /// Hashes `input` into `output`, which must hold exactly `size` bytes.
    func digest(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count == size, "digest output buffer of the wrong size")
        var written: UInt32 = 0
        // EVP_Digest reads no bytes when the count is zero, but wants a non-null pointer.
        let empty: UInt8 = 0
        let status = withUnsafePointer(to: empty) { fallback in
            EVP_Digest(input.baseAddress ?? UnsafeRawPointer(fallback), input.count,
                       output.baseAddress!.assumingMemoryBound(to: UInt8.self), &written, method, nil)
        }
        // EVP_Digest fails only when OpenSSL cannot allocate its context.
        precondition(status == 1 && Int(written) == size, "EVP_Digest failed (out of memory)")
    }
}
