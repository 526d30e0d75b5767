import CLPrimitives
internal import CSecp256k1

/// An ECDSA signature over secp256k1 with the recovery id that selects the signer's public key.
///
/// The fields are raw values as they arrive (from a transaction or from `ecrecover` input); they are
/// range-checked where they are used, so a malformed signature is an error, never a crash.
public struct RecoverableSignature: Hashable, Sendable {
    /// r: the x coordinate of the nonce point, reduced mod n; big-endian.
    public var r: Bytes32
    /// s: the proof scalar; big-endian. Signatures made here have s ≤ n/2 (EIP-2's low-s form).
    public var s: Bytes32
    /// The recovery id, 0 or 1: the parity of the nonce point's y (Ethereum's `v` minus 27, or its y-parity).
    public var v: UInt8

    /// Collects the three parts without checking them.
    public init(r: Bytes32, s: Bytes32, v: UInt8) {
        self.r = r
        self.s = s
        self.v = v
    }

    /// The 65-byte form r ‖ s ‖ v.
    public var bytes: [UInt8] { r.bytes + s.bytes + [v] }

    /// Checks r and s in [1, n − 1], v in {0, 1}, and (unless `allowingHighS`) s ≤ n/2.
    public func validate(allowingHighS: Bool = false) throws(Secp256k1Error) {
        guard Bytes32Scalar.isNonZeroScalar(r) else { throw .rOutOfRange }
        guard Bytes32Scalar.isNonZeroScalar(s) else { throw .sOutOfRange }
        guard allowingHighS || Bytes32Scalar.isLowHalf(s) else { throw .highS }
        guard v <= 1 else { throw .invalidRecoveryID(v) }
    }

    /// The 64 bytes r ‖ s for libsecp256k1's compact parsers.
    func withCompact<R>(_ body: (UnsafePointer<UInt8>) -> R) -> R {
        var compact = (r, s)
        return withUnsafeBytes(of: &compact) { body($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    }
}

extension PrivateKey {
    /// Signs a 32-byte message hash: deterministic nonce (RFC 6979, libsecp256k1's default), low s.
    ///
    /// The hash is signed as given (no hashing here); Ethereum signs keccak256 of the payload.
    public func sign(hash: Bytes32) throws(Secp256k1Error) -> RecoverableSignature {
        let context = Secp256k1Context.shared.pointer
        var signature = secp256k1_ecdsa_recoverable_signature()
        let signed = hash.withUnsafeBytes { message in
            secret.withUnsafeBytes { key in
                secp256k1_ecdsa_sign_recoverable(context, &signature,
                                                 message.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                 key.baseAddress!.assumingMemoryBound(to: UInt8.self), nil, nil)
            }
        }
        guard signed == 1 else { throw .signingFailed }
        var compact = (Bytes32.zero, Bytes32.zero)
        var recoveryID: Int32 = 0
        _ = withUnsafeMutableBytes(of: &compact) { out in
            secp256k1_ecdsa_recoverable_signature_serialize_compact(
                context, out.baseAddress!.assumingMemoryBound(to: UInt8.self), &recoveryID, &signature)
        }
        return RecoverableSignature(r: compact.0, s: compact.1, v: UInt8(recoveryID))
    }
}

extension PublicKey {
    /// Recovers the public key that made `signature` over `hash`.
    ///
    /// Requires r, s in [1, n − 1] and v in {0, 1}; requires s ≤ n/2 (as Ethereum transactions do,
    /// EIP-2) unless `allowingHighS` is true (as the `ecrecover` precompile is).
    public init(recoveringFrom signature: RecoverableSignature, hash: Bytes32,
                allowingHighS: Bool = false) throws(Secp256k1Error) {
        try signature.validate(allowingHighS: allowingHighS)
        let context = Secp256k1Context.shared.pointer
        var parsed = secp256k1_ecdsa_recoverable_signature()
        let parseResult = signature.withCompact { compact in
            secp256k1_ecdsa_recoverable_signature_parse_compact(context, &parsed, compact, Int32(signature.v))
        }
        // The range checks above are exactly the parser's conditions, so it cannot refuse.
        guard parseResult == 1 else { throw .rOutOfRange }
        var point = secp256k1_pubkey()
        let recovered = hash.withUnsafeBytes { message in
            secp256k1_ecdsa_recover(context, &point, &parsed, message.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard recovered == 1 else { throw .recoveryFailed }
        self.init(point)
    }

    /// True when `signature` (r, s; v is ignored) is a valid ECDSA signature of `hash` by this key.
    ///
    /// A signature with r or s out of range is not valid; one with s > n/2 is valid only when
    /// `allowingHighS` is true (libsecp256k1 and Ethereum transactions accept only low s).
    public func isValidSignature(_ signature: RecoverableSignature, hash: Bytes32,
                                 allowingHighS: Bool = false) -> Bool {
        guard Bytes32Scalar.isNonZeroScalar(signature.r), Bytes32Scalar.isNonZeroScalar(signature.s) else {
            return false
        }
        let context = Secp256k1Context.shared.pointer
        var parsed = secp256k1_ecdsa_signature()
        let parseResult = signature.withCompact { secp256k1_ecdsa_signature_parse_compact(context, &parsed, $0) }
        guard parseResult == 1 else { return false }
        if allowingHighS {
            var normalized = secp256k1_ecdsa_signature()
            _ = secp256k1_ecdsa_signature_normalize(context, &normalized, &parsed)
            parsed = normalized
        }
        var key = point
        let verified = hash.withUnsafeBytes { message in
            secp256k1_ecdsa_verify(context, &parsed, message.baseAddress!.assumingMemoryBound(to: UInt8.self), &key)
        }
        return verified == 1
    }
}
