import CLPrimitives

/// Precompiles waiting for CLCrypto (secp256k1, SHA-256, RIPEMD-160).
enum PrecompileImplementations {
    static func ecrecover(_ input: [UInt8]) -> PrecompileOutput { nil }
    static func sha256(_ input: [UInt8]) -> PrecompileOutput { nil }
    static func ripemd160(_ input: [UInt8]) -> PrecompileOutput { nil }
}

enum ModExp {
    static func gasCost(input: [UInt8]) -> Int { 200 }
    static func run(input: [UInt8]) -> PrecompileOutput { nil }
}

enum BN254Precompiles {
    static func add(_ input: [UInt8]) -> PrecompileOutput { nil }
    static func multiply(_ input: [UInt8]) -> PrecompileOutput { nil }
    static func pairing(_ input: [UInt8]) -> PrecompileOutput { nil }
}

enum Blake2F {
    static func gasCost(input: [UInt8]) -> Int { 0 }
    static func run(input: [UInt8]) -> PrecompileOutput { nil }
}
