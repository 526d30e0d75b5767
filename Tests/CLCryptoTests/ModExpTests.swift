import CLCrypto
import Testing

/// Modular exponentiation against Python's pow() (`Scripts/gen-modexp-vectors.py`), EIP-198 conventions.
@Suite struct ModExpTests {
    @Test func generatedVectors() throws {
        let cases = CryptoVectors.modexp
        #expect(cases.count == 222)
        for entry in cases {
            let result = try BigNumber.modexp(base: bytes(entry.base), exponent: bytes(entry.exponent),
                                              modulus: bytes(entry.modulus))
            #expect(result == bytes(entry.result), "\(entry.name)")
        }
    }

    /// The named edge cases are present in the generated file, so the loop above covers them.
    @Test(arguments: ["empty modulus", "zero modulus 32 bytes", "modulus one", "exponent empty",
                      "large 512-byte operands", "large exponent 1024 bytes", "even modulus"])
    func edgeCaseIsCovered(name: String) {
        #expect(CryptoVectors.modexp.contains { $0.name == name })
    }

    @Test func rawBufferVariantWithEmptyOperands() throws {
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        let modulus: [UInt8] = [0x00, 0x07]
        // 0^0 mod 7 = 1 (the convention pow() follows), padded to two bytes.
        let result = try modulus.withUnsafeBytes { try BigNumber.modexp(base: none, exponent: none, modulus: $0) }
        #expect(result == [0x00, 0x01])
        #expect(try BigNumber.modexp(base: [], exponent: [], modulus: []) == [])
    }
}
