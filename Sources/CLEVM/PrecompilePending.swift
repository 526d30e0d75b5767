import CLPrimitives

enum BN254Precompiles {
    static func add(_ input: [UInt8]) -> PrecompileOutput { nil }
    static func multiply(_ input: [UInt8]) -> PrecompileOutput { nil }
    static func pairing(_ input: [UInt8]) -> PrecompileOutput { nil }
}

enum Blake2F {
    static func gasCost(input: [UInt8]) -> Int { 0 }
    static func run(input: [UInt8]) -> PrecompileOutput { nil }
}
