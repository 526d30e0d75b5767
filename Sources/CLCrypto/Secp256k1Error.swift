/// Why a secp256k1 key, signature or recovery was rejected.
public enum Secp256k1Error: Error, Equatable, Sendable {
    /// A private key that is zero or not below the group order n.
    case invalidPrivateKey
    /// 64 bytes that are not the coordinates x ‖ y of a point on the curve (or not 64 bytes).
    case invalidPublicKey
    /// A signature `r` that is zero or not below the group order n.
    case rOutOfRange
    /// A signature `s` that is zero or not below the group order n.
    case sOutOfRange
    /// A signature `s` above n/2, where Ethereum (EIP-2) requires the lower half.
    case highS
    /// A recovery id other than 0 or 1 (Ethereum uses only these two).
    case invalidRecoveryID(UInt8)
    /// An `ecrecover` `v` word other than 27 or 28.
    case invalidVWord
    /// No public key recovers from this signature: `r` is not the x coordinate of a curve point,
    /// or the recovered point is the point at infinity.
    case recoveryFailed
    /// libsecp256k1 could not produce a signature (its nonce generation failed; not expected in practice).
    case signingFailed
}
