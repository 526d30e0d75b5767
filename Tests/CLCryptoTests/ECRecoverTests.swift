import CLCrypto
import CLPrimitives
import Testing

/// The `ecrecover` precompile's semantics: v as the word 27/28, high s accepted, typed errors.
@Suite struct ECRecoverTests {
    static let file = CryptoVectors.secp256k1

    static func vWord(_ value: UInt8) -> Bytes32 {
        var word = Bytes32.zero
        word[31] = value
        return word
    }

    static func addressWord(_ address: String) -> Bytes32 {
        Bytes32(bytes: [UInt8](repeating: 0, count: 12) + bytes(address))!
    }

    @Test func recoversSignerAddresses() throws {
        for (index, vector) in Self.file.signing.enumerated() {
            let expected = Self.addressWord(vector.address)
            let v = Self.vWord(27 + vector.v)
            let lowS = try ECRecover.recoverAddressWord(hash: word(vector.hash), v: v, r: word(vector.r), s: word(vector.s))
            #expect(lowS == expected, "vector \(index)")
            // The precompile accepts the mirrored high-s form (with the other parity).
            let highS = try ECRecover.recoverAddressWord(hash: word(vector.hash), v: Self.vWord(27 + (vector.v ^ 1)),
                                                         r: word(vector.r), s: word(vector.s_high))
            #expect(highS == expected, "vector \(index)")
            let input = bytes(vector.hash) + v.bytes + bytes(vector.r) + bytes(vector.s)
            #expect(try input.withUnsafeBytes { try ECRecover.recoverAddressWord(input: $0) } == expected)
            // Bytes past the 128th are ignored.
            let longer = input + [1, 2, 3]
            #expect(try longer.withUnsafeBytes { try ECRecover.recoverAddressWord(input: $0) } == expected)
        }
    }

    @Test func arbitrarySignatures() throws {
        for (index, vector) in Self.file.recovery.enumerated() {
            let v = Self.vWord(27 + vector.v)
            if let address = vector.address {
                let recovered = try ECRecover.recoverAddressWord(hash: word(vector.hash), v: v,
                                                                 r: word(vector.r), s: word(vector.s))
                #expect(recovered == Self.addressWord(address), "vector \(index)")
            } else {
                #expect(throws: Secp256k1Error.recoveryFailed, "vector \(index)") {
                    try ECRecover.recoverAddressWord(hash: word(vector.hash), v: v, r: word(vector.r), s: word(vector.s))
                }
            }
        }
    }

    @Test func rejectsBadVWords() {
        let vector = Self.file.signing[3]
        var highBitSet = Self.vWord(27)
        highBitSet[0] = 0x80
        for v in [Self.vWord(0), Self.vWord(1), Self.vWord(26), Self.vWord(29), Self.vWord(255), highBitSet] {
            #expect(throws: Secp256k1Error.invalidVWord) {
                try ECRecover.recoverAddressWord(hash: word(vector.hash), v: v, r: word(vector.r), s: word(vector.s))
            }
        }
    }

    @Test func rejectsOutOfRangeParts() {
        let vector = Self.file.signing[4]
        let order = word(Self.file.curve_order)
        let hash = word(vector.hash), v = Self.vWord(27 + vector.v), r = word(vector.r), s = word(vector.s)
        #expect(throws: Secp256k1Error.rOutOfRange) { try ECRecover.recoverAddressWord(hash: hash, v: v, r: .zero, s: s) }
        #expect(throws: Secp256k1Error.sOutOfRange) { try ECRecover.recoverAddressWord(hash: hash, v: v, r: r, s: .zero) }
        #expect(throws: Secp256k1Error.rOutOfRange) { try ECRecover.recoverAddressWord(hash: hash, v: v, r: order, s: s) }
        #expect(throws: Secp256k1Error.sOutOfRange) { try ECRecover.recoverAddressWord(hash: hash, v: v, r: r, s: order) }
    }

    /// Short input is read as if zero-padded: a missing v word is invalid, a missing r or s is zero.
    @Test(arguments: [
        (0, Secp256k1Error.invalidVWord), (1, .invalidVWord), (31, .invalidVWord), (32, .invalidVWord),
        (63, .invalidVWord), (64, .rOutOfRange), (95, .sOutOfRange), (96, .sOutOfRange),
    ])
    func shortInputs(length: Int, error: Secp256k1Error) {
        let vector = Self.file.signing[9]
        let full = bytes(vector.hash) + Self.vWord(27 + vector.v).bytes + bytes(vector.r) + bytes(vector.s)
        let short = Array(full.prefix(length))
        #expect(throws: error) { try short.withUnsafeBytes { try ECRecover.recoverAddressWord(input: $0) } }
    }

    /// 127 bytes: s loses its last byte, which reads as zero, exactly as the word form with that s.
    @Test func inputMissingLastByte() throws {
        let vector = Self.file.signing[9]
        let full = bytes(vector.hash) + Self.vWord(27 + vector.v).bytes + bytes(vector.r) + bytes(vector.s)
        var truncatedS = word(vector.s)
        truncatedS[31] = 0
        let fromInput = Array(full.dropLast()).withUnsafeBytes { raw in
            Result { () throws(Secp256k1Error) -> Bytes32 in try ECRecover.recoverAddressWord(input: raw) }
        }
        let fromWords = Result { () throws(Secp256k1Error) -> Bytes32 in
            try ECRecover.recoverAddressWord(hash: word(vector.hash), v: Self.vWord(27 + vector.v),
                                             r: word(vector.r), s: truncatedS)
        }
        #expect(fromInput == fromWords)
        #expect(fromInput != .success(Self.addressWord(vector.address)))
    }
}
