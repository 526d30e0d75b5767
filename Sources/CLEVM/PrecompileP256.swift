import CLCrypto

/// 0x100: P256VERIFY (EIP-7951, Osaka).
enum P256Verify {
    /// `hash ‖ r ‖ s ‖ x ‖ y` (160 bytes): the 32-byte word 1 for a valid signature; anything else,
    /// a wrong length included, returns empty output (the call itself never fails).
    static func run(_ input: [UInt8]) -> PrecompileOutput {
        guard input.count == 160 else { return [] }
        let valid = P256.verify(hash: input[0..<32], r: input[32..<64], s: input[64..<96],
                                x: input[96..<128], y: input[128..<160])
        guard valid else { return [] }
        var out = [UInt8](repeating: 0, count: 32)
        out[31] = 1
        return out
    }
}
