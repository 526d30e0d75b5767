import CLBLS12381
import CLCrypto
import CLPrimitives

/// The Cancun precompiled contracts at addresses 0x01...0x0a.
public enum Precompile: UInt8, Sendable, CaseIterable {
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

    /// The precompile at `address`, or nil for ordinary accounts.
    @inline(__always) public init?(address: Address) {
        guard let value = UInt256(address.word).uint64, value >= 1, value <= 10 else { return nil }
        self.init(rawValue: UInt8(value))
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
        case .modexp: cost = ModExp.gasCost(input: input)
        case .bn254Add: cost = 150
        case .bn254Mul: cost = 6000
        case .bn254Pairing: cost = 45_000 + 34_000 * (input.count / 192)
        case .blake2f: cost = Blake2F.gasCost(input: input)
        case .pointEvaluation: cost = 50_000
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
