import CLCrypto
import CLPrimitives
import Testing

/// Keys, addresses, signatures and recovery against vectors from coincurve (libsecp256k1) and
/// eth-keys' pure-Python backend (`Scripts/gen-secp256k1-vectors.py`).
@Suite struct Secp256k1Tests {
    static let file = CryptoVectors.secp256k1

    @Test func vectorCounts() {
        #expect(Self.file.signing.count == 300)
        #expect(Self.file.recovery.count == 200)
    }

    @Test func publicKeysAndAddresses() throws {
        for (index, vector) in Self.file.signing.enumerated() {
            let key = try PrivateKey(word(vector.private_key))
            let publicKey = key.publicKey
            #expect(publicKey.bytes == bytes(vector.public_key), "vector \(index)")
            #expect(publicKey.ethereumAddress == bytes(vector.address), "vector \(index)")
            #expect(key.ethereumAddress == bytes(vector.address), "vector \(index)")
            #expect(publicKey.ethereumAddressWord.bytes == [UInt8](repeating: 0, count: 12) + bytes(vector.address))
            #expect(try PublicKey(bytes: bytes(vector.public_key)) == publicKey, "vector \(index)")
            if let message = vector.message {
                #expect(Keccak256.hash(bytes(message)) == word(vector.hash), "vector \(index)")
            }
        }
    }

    @Test func deterministicLowSSignatures() throws {
        for (index, vector) in Self.file.signing.enumerated() {
            let signature = try PrivateKey(word(vector.private_key)).sign(hash: word(vector.hash))
            #expect(signature.r == word(vector.r), "vector \(index)")
            #expect(signature.s == word(vector.s), "vector \(index)")
            #expect(signature.v == vector.v, "vector \(index)")
            #expect(signature.bytes == bytes(vector.r) + bytes(vector.s) + [vector.v])
        }
    }

    @Test func verification() throws {
        let vectors = Self.file.signing
        for (index, vector) in vectors.enumerated() {
            let publicKey = try PublicKey(bytes: bytes(vector.public_key))
            let hash = word(vector.hash)
            let signature = RecoverableSignature(r: word(vector.r), s: word(vector.s), v: vector.v)
            #expect(publicKey.isValidSignature(signature, hash: hash), "vector \(index)")
            // Another key, another hash, or a mirrored (high) s must not verify.
            let other = try PublicKey(bytes: bytes(vectors[(index + 1) % vectors.count].public_key))
            #expect(!other.isValidSignature(signature, hash: hash), "vector \(index)")
            let otherHash = word(vectors[(index + 1) % vectors.count].hash)
            #expect(!publicKey.isValidSignature(signature, hash: otherHash), "vector \(index)")
            let high = RecoverableSignature(r: signature.r, s: word(vector.s_high), v: vector.v ^ 1)
            #expect(!publicKey.isValidSignature(high, hash: hash), "vector \(index)")
            #expect(publicKey.isValidSignature(high, hash: hash, allowingHighS: true), "vector \(index)")
        }
    }

    @Test func recoveryOfSignedVectors() throws {
        for (index, vector) in Self.file.signing.enumerated() {
            let hash = word(vector.hash)
            let signature = RecoverableSignature(r: word(vector.r), s: word(vector.s), v: vector.v)
            let recovered = try PublicKey(recoveringFrom: signature, hash: hash)
            #expect(recovered.bytes == bytes(vector.public_key), "vector \(index)")
            let high = RecoverableSignature(r: signature.r, s: word(vector.s_high), v: vector.v ^ 1)
            #expect(throws: Secp256k1Error.highS) { try PublicKey(recoveringFrom: high, hash: hash) }
            let fromHigh = try PublicKey(recoveringFrom: high, hash: hash, allowingHighS: true)
            #expect(fromHigh.bytes == bytes(vector.public_key), "vector \(index)")
        }
    }

    /// Arbitrary in-range signatures: the key both references recover, or a recovery failure.
    @Test func recoveryOfArbitrarySignatures() throws {
        for (index, vector) in Self.file.recovery.enumerated() {
            let hash = word(vector.hash)
            let signature = RecoverableSignature(r: word(vector.r), s: word(vector.s), v: vector.v)
            if let expected = vector.public_key {
                let recovered = try PublicKey(recoveringFrom: signature, hash: hash, allowingHighS: true)
                #expect(recovered.bytes == bytes(expected), "vector \(index)")
                #expect(recovered.ethereumAddress == bytes(vector.address!), "vector \(index)")
                #expect(recovered.isValidSignature(signature, hash: hash, allowingHighS: true), "vector \(index)")
            } else {
                #expect(throws: Secp256k1Error.recoveryFailed, "vector \(index)") {
                    try PublicKey(recoveringFrom: signature, hash: hash, allowingHighS: true)
                }
            }
            if vector.high_s {
                #expect(throws: Secp256k1Error.highS, "vector \(index)") {
                    try PublicKey(recoveringFrom: signature, hash: hash)
                }
            }
        }
    }

    @Test func invalidPrivateKeys() {
        for hex in Self.file.invalid_private_keys {
            #expect(!PrivateKey.isValid(word(hex)))
            #expect(throws: Secp256k1Error.invalidPrivateKey) { try PrivateKey(word(hex)) }
        }
        #expect(throws: Secp256k1Error.invalidPrivateKey) { try PrivateKey(bytes: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: Secp256k1Error.invalidPrivateKey) { try PrivateKey(bytes: [UInt8](repeating: 1, count: 33)) }
    }

    @Test func invalidPublicKeys() throws {
        let valid = bytes(Self.file.signing[5].public_key)
        var offCurve = valid
        offCurve[63] ^= 1  // y changed: not on the curve
        #expect(throws: Secp256k1Error.invalidPublicKey) { try PublicKey(bytes: offCurve) }
        #expect(throws: Secp256k1Error.invalidPublicKey) { try PublicKey(bytes: [UInt8](repeating: 0, count: 64)) }
        #expect(throws: Secp256k1Error.invalidPublicKey) { try PublicKey(bytes: Array(valid.prefix(63))) }
        #expect(throws: Secp256k1Error.invalidPublicKey) { try PublicKey(bytes: [0x04] + valid) }
        #expect(throws: Secp256k1Error.invalidPublicKey) {
            try PublicKey(x: Bytes32(bytes: offCurve.prefix(32))!, y: Bytes32(bytes: offCurve.suffix(32))!)
        }
    }

    /// Out-of-range parts are typed errors, checked in the order r, s, high s, v.
    @Test func invalidSignatures() {
        let vector = Self.file.signing[7]
        let hash = word(vector.hash)
        let order = word(Self.file.curve_order)
        let allOnes = Bytes32(bytes: [UInt8](repeating: 0xff, count: 32))!
        let r = word(vector.r), s = word(vector.s)
        let cases: [(RecoverableSignature, Secp256k1Error)] = [
            (RecoverableSignature(r: .zero, s: s, v: vector.v), .rOutOfRange),
            (RecoverableSignature(r: r, s: .zero, v: vector.v), .sOutOfRange),
            (RecoverableSignature(r: order, s: s, v: vector.v), .rOutOfRange),
            (RecoverableSignature(r: r, s: order, v: vector.v), .sOutOfRange),
            (RecoverableSignature(r: allOnes, s: allOnes, v: 0), .rOutOfRange),
            (RecoverableSignature(r: r, s: allOnes, v: 0), .sOutOfRange),
            (RecoverableSignature(r: r, s: s, v: 2), .invalidRecoveryID(2)),
            (RecoverableSignature(r: r, s: s, v: 27), .invalidRecoveryID(27)),
            (RecoverableSignature(r: r, s: s, v: 255), .invalidRecoveryID(255)),
        ]
        for (signature, error) in cases {
            #expect(throws: error) { try PublicKey(recoveringFrom: signature, hash: hash) }
            #expect(throws: error) { try PublicKey(recoveringFrom: signature, hash: hash, allowingHighS: true) }
            #expect(throws: error) { try signature.validate(allowingHighS: true) }
        }
        let publicKey = try? PublicKey(bytes: bytes(vector.public_key))
        for (signature, _) in cases.prefix(6) {
            #expect(publicKey?.isValidSignature(signature, hash: hash, allowingHighS: true) == false)
        }
    }

    /// Garbage from a fixed-seed generator never crashes: every outcome is a key or a typed error.
    @Test func garbageNeverCrashes() {
        var generator = SplitMix64(seed: 0x6A7B_A6E5)
        for _ in 0..<500 {
            var parts = [Bytes32]()
            for _ in 0..<3 {
                var word = Bytes32.zero
                for i in 0..<32 { word[i] = UInt8(truncatingIfNeeded: generator.next()) }
                parts.append(word)
            }
            let v = UInt8(truncatingIfNeeded: generator.next() % 4)
            let signature = RecoverableSignature(r: parts[0], s: parts[1], v: v)
            do {
                let key = try PublicKey(recoveringFrom: signature, hash: parts[2], allowingHighS: true)
                #expect(key.isValidSignature(signature, hash: parts[2], allowingHighS: true))
            } catch {
                switch error {
                case .rOutOfRange, .sOutOfRange, .invalidRecoveryID, .recoveryFailed: break
                default: Issue.record("unexpected error \(error)")
                }
            }
        }
    }

    /// The shared context serves concurrent signers and verifiers.
    @Test func concurrentUse() async throws {
        let vectors = Self.file.signing
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    var bad = 0
                    for index in stride(from: lane, to: vectors.count, by: 8) {
                        let vector = vectors[index]
                        guard let key = try? PrivateKey(word(vector.private_key)),
                              let signature = try? key.sign(hash: word(vector.hash)),
                              let recovered = try? PublicKey(recoveringFrom: signature, hash: word(vector.hash))
                        else { bad += 1; continue }
                        if signature.r != word(vector.r) || recovered.bytes != bytes(vector.public_key) { bad += 1 }
                    }
                    return bad
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }
}

/// A small deterministic generator for garbage inputs (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
