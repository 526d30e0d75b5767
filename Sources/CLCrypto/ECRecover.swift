import CLPrimitives

/// The semantics of the EVM `ecrecover` precompile (address 0x01), without its gas and output framing.
public enum ECRecover {
    /// The precompile's input length: hash ‖ v ‖ r ‖ s, four 32-byte words.
    public static let inputLength = 128

    /// Recovers the signer's address, left-padded to a 32-byte word (the precompile's output).
    ///
    /// `v` must be the word 27 or 28; r and s must lie in [1, n − 1]; s may be in the upper half
    /// (the precompile, unlike transaction validation, accepts high s). Every failure is an error;
    /// the EVM maps it to empty output.
    public static func recoverAddressWord(hash: Bytes32, v: Bytes32, r: Bytes32, s: Bytes32) throws(Secp256k1Error)
        -> Bytes32 {
        try recoverPublicKey(hash: hash, v: v, r: r, s: s).ethereumAddressWord
    }

    /// Recovers the signer's public key from the precompile's four words (see `recoverAddressWord`).
    public static func recoverPublicKey(hash: Bytes32, v: Bytes32, r: Bytes32, s: Bytes32) throws(Secp256k1Error)
        -> PublicKey {
        let recoveryID: UInt8
        switch v {
        case word(27): recoveryID = 0
        case word(28): recoveryID = 1
        default: throw .invalidVWord
        }
        let signature = RecoverableSignature(r: r, s: s, v: recoveryID)
        return try PublicKey(recoveringFrom: signature, hash: hash, allowingHighS: true)
    }

    /// Runs the precompile on raw call data: input shorter than 128 bytes is read as if padded with
    /// zeros, bytes beyond 128 are ignored.
    public static func recoverAddressWord(input: UnsafeRawBufferPointer) throws(Secp256k1Error) -> Bytes32 {
        var words = (Bytes32.zero, Bytes32.zero, Bytes32.zero, Bytes32.zero)
        let count = min(input.count, inputLength)
        if count > 0 {
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: input[0..<count])) }
        }
        return try recoverAddressWord(hash: words.0, v: words.1, r: words.2, s: words.3)
    }

    /// The 32-byte big-endian word holding a small value.
    static func word(_ value: UInt8) -> Bytes32 {
        var result = Bytes32.zero
        result[31] = value
        return result
    }
}
