import CLBLS12381
import CLCrypto
import CLPrimitives

/// The precompiled contracts of every fork: 0x01...0x0a (Cancun), 0x0b...0x11 (Prague, EIP-2537) and
/// 0x100 (Osaka, EIP-7951). Which of them exist under a fork is `ForkRules.has(_:)`.
public enum Precompile: UInt16, Sendable, CaseIterable {
    /// 0x01: secp256k1 public-key recovery.
    case ecrecover = 1
    /// 0x02: SHA-256.
    case sha256 = 2
    /// 0x03: RIPEMD-160.
    case ripemd160 = 3
    /// 0x04: identity (copies its input).
    case identity = 4
    /// 0x05: modular exponentiation (EIP-198, EIP-2565 pricing).
    case modexp = 5
    /// 0x06: BN254 point addition (EIP-196).
    case bn254Add = 6
    /// 0x07: BN254 scalar multiplication (EIP-196).
    case bn254Mul = 7
    /// 0x08: BN254 pairing check (EIP-197).
    case bn254Pairing = 8
    /// 0x09: BLAKE2b compression function F (EIP-152).
    case blake2f = 9
    /// 0x0a: KZG point evaluation (EIP-4844).
    case pointEvaluation = 10
    /// 0x0b: BLS12-381 G1 addition (EIP-2537).
    case blsG1Add = 0x0b
    /// 0x0c: BLS12-381 G1 multi-scalar multiplication (EIP-2537).
    case blsG1MSM = 0x0c
    /// 0x0d: BLS12-381 G2 addition (EIP-2537).
    case blsG2Add = 0x0d
    /// 0x0e: BLS12-381 G2 multi-scalar multiplication (EIP-2537).
    case blsG2MSM = 0x0e
    /// 0x0f: BLS12-381 pairing check (EIP-2537).
    case blsPairingCheck = 0x0f
    /// 0x10: map an Fp element to G1 (EIP-2537).
    case blsMapFpToG1 = 0x10
    /// 0x11: map an Fp2 element to G2 (EIP-2537).
    case blsMapFp2ToG2 = 0x11
    /// 0x100: secp256r1 (P-256) signature verification (EIP-7951).
    case p256Verify = 0x100

    /// The precompile at `address` in some fork, or nil for ordinary accounts.
    @inline(__always) public init?(address: Address) {
        guard let value = UInt256(address.word).uint64, value >= 1, value <= 0x100 else { return nil }
        self.init(rawValue: UInt16(value))
    }

    /// The precompile's address.
    public var address: Address { Address(low: UInt64(rawValue)) }
}

/// A precompile's output, or nil when the input is rejected.
typealias PrecompileOutput = [UInt8]?

extension EVM {
    /// Charges and runs a precompile. Rejected input and missing gas consume all gas.
    func runPrecompile(_ precompile: Precompile, input: [UInt8], gas: Int) -> FrameResult {
        let words = wordCount(input.count)
        let cost: Int
        switch precompile {
        case .ecrecover: cost = 3000
        case .sha256: cost = 60 + 12 * words
        case .ripemd160: cost = 600 + 120 * words
        case .identity: cost = 15 + 3 * words
        case .modexp:
            if rules.modexpOsaka {
                guard let osakaCost = ModExp.osakaGasCost(input: input) else {
                    return FrameResult(status: .precompileFailure, gasLeft: 0, output: [])
                }
                cost = osakaCost
            } else {
                cost = ModExp.gasCost(input: input)
            }
        case .bn254Add: cost = 150
        case .bn254Mul: cost = 6000
        case .bn254Pairing: cost = 45_000 + 34_000 * (input.count / 192)
        case .blake2f: cost = Blake2F.gasCost(input: input)
        case .pointEvaluation: cost = 50_000
        case .blsG1Add: cost = 375
        case .blsG1MSM: cost = BLSPrecompiles.msmGas(pairs: input.count / BLSPrecompiles.g1PairSize, g2: false)
        case .blsG2Add: cost = 600
        case .blsG2MSM: cost = BLSPrecompiles.msmGas(pairs: input.count / BLSPrecompiles.g2PairSize, g2: true)
        case .blsPairingCheck: cost = 37_700 + 32_600 * (input.count / BLSPrecompiles.pairingPairSize)
        case .blsMapFpToG1: cost = 5_500
        case .blsMapFp2ToG2: cost = 23_800
        case .p256Verify: cost = 6_900
        }
        if cost > gas { return FrameResult(status: .outOfGas, gasLeft: 0, output: []) }
        let output: PrecompileOutput
        switch precompile {
        case .ecrecover: output = PrecompileImplementations.ecrecover(input)
        case .sha256: output = PrecompileImplementations.sha256(input)
        case .ripemd160: output = PrecompileImplementations.ripemd160(input)
        case .identity: output = input
        case .modexp: output = ModExp.run(input: input)
        case .bn254Add: output = BN254Precompiles.add(input)
        case .bn254Mul: output = BN254Precompiles.multiply(input)
        case .bn254Pairing: output = BN254Precompiles.pairing(input)
        case .blake2f: output = Blake2F.run(input: input)
        case .pointEvaluation: output = PointEvaluation.run(input)
        case .blsG1Add: output = BLSPrecompiles.g1Add(input)
        case .blsG1MSM: output = BLSPrecompiles.g1MSM(input)
        case .blsG2Add: output = BLSPrecompiles.g2Add(input)
        case .blsG2MSM: output = BLSPrecompiles.g2MSM(input)
        case .blsPairingCheck: output = BLSPrecompiles.pairingCheck(input)
        case .blsMapFpToG1: output = BLSPrecompiles.mapFpToG1(input)
        case .blsMapFp2ToG2: output = BLSPrecompiles.mapFp2ToG2(input)
        case .p256Verify: output = P256Verify.run(input)
        }
        guard let output else { return FrameResult(status: .precompileFailure, gasLeft: 0, output: []) }
        return FrameResult(status: .success, gasLeft: gas - cost, output: output)
    }
}

/// 0x0a: KZG point evaluation (EIP-4844).
enum PointEvaluation {
    /// FIELD_ELEMENTS_PER_BLOB ‖ BLS_MODULUS, each a 32-byte big-endian word: the output of every accepted call.
    static let success: [UInt8] = {
        var out = [UInt8](repeating: 0, count: 32)
        out[30] = 0x10
        return out + Scalar.orderBytes
    }()

    /// Checks `versioned_hash ‖ z ‖ y ‖ commitment ‖ proof` (192 bytes): the hash is
    /// 0x01 ‖ sha256(commitment)[1...], z and y are canonical field elements, and the proof opens the
    /// commitment to y at z. Any failure rejects the call.
    static func run(_ input: [UInt8]) -> PrecompileOutput {
        guard input.count == 192 else { return nil }
        let commitment = Array(input[96..<144])
        var hash = Digests.sha256(commitment).bytes
        hash[0] = 0x01
        guard hash.elementsEqual(input[0..<32]) else { return nil }
        guard KZG.verifyProof(commitment: commitment, z: Array(input[32..<64]), y: Array(input[64..<96]),
                              proof: Array(input[144..<192])) else { return nil }
        return success
    }
}
