import CLABI
import CLEVM
import CLFPVM
import CLHarness
import CLPrimitives

/// Why deploying or driving the on-chain verifier failed (not a rejected witness: that is a
/// `StepCallOutcome` with `.reverted`).
public enum OnChainVerifierError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The chain refused or could not run a transaction.
    case chain(String)
    /// A deployment produced no contract.
    case deploymentFailed(String)
    /// Proving a preimage part reverted.
    case preimageLoadFailed(String)
    /// ABI encoding or decoding failed.
    case abi(String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .chain(let message): "chain error: \(message)"
        case .deploymentFailed(let message): "deployment failed: \(message)"
        case .preimageLoadFailed(let message): "preimage part load reverted: \(message)"
        case .abi(let message): "ABI error: \(message)"
        }
    }
}

/// What one `RV32Step.step` call did on chain.
public struct StepCallOutcome: Equatable, Sendable {
    /// How the call ended.
    public enum Result: Equatable, Sendable {
        /// It returned this post-state hash.
        case postState(Bytes32)
        /// It reverted with this reason (the Swift verifier's error name for a rejected witness).
        case reverted(String)
    }

    /// The result.
    public var result: Result
    /// Gas of the whole transaction (intrinsic, calldata and execution, under the chain's fork: from
    /// Prague at least the EIP-7623 calldata floor).
    public var transactionGas: UInt64
    /// Gas of the transaction's calldata and base cost alone (21,000 + 4 per zero byte + 16 per other byte).
    public var intrinsicGas: UInt64
    /// The calldata sent (replayable with `chainlearn call`).
    public var calldata: [UInt8]

    /// Gas of the transaction before the EIP-7623 calldata floor (`transactionGas` under Cancun, or
    /// when the floor does not bind).
    public var gasBeforeFloor: UInt64

    /// Execution gas: what the contract's code used (`gasBeforeFloor - intrinsicGas`; the floor is
    /// not execution).
    public var executionGas: UInt64 { gasBeforeFloor - intrinsicGas }

    /// EIP-7623's floor for this calldata: 21,000 + 10 gas per token, a zero byte one token and any other
    /// byte four (`StepCallOutcome.floorGas`).
    public var floorGas: UInt64 { Self.floorGas(calldata: calldata) }

    /// The whole transaction under Prague pricing: the larger of the gas before the floor and the floor
    /// (whatever fork the call ran on; execution prices of the step's opcodes are the same in Cancun and Prague).
    public var pragueTransactionGas: UInt64 { Swift.max(gasBeforeFloor, floorGas) }

    /// 21,000 + 10 × tokens of `calldata` (EIP-7623: a zero byte is one token, any other byte four).
    public static func floorGas(calldata: [UInt8]) -> UInt64 {
        var tokens: UInt64 = 0
        for byte in calldata { tokens += byte == 0 ? 1 : 4 }
        return 21_000 + 10 * tokens
    }

    /// The post-state hash, or nil when the call reverted.
    public var postStateHash: Bytes32? {
        if case .postState(let hash) = result { return hash }
        return nil
    }
}

/// The `PreimageOracle` and `RV32Step` contracts deployed on a dev chain, driven from Swift: proves
/// preimage parts and calls `step` with a witness, the way a dispute agent does on a real chain.
public final class OnChainStepVerifier {
    /// The chain the contracts live on.
    public let chain: DevChain
    /// The account that deploys and sends.
    public let sender: Address
    /// The `PreimageOracle` contract.
    public let oracleAddress: Address
    /// The `RV32Step` contract.
    public let stepAddress: Address
    /// Parts already proven on chain (key, offset), so each is posted once.
    var provenParts: Set<PreimagePartKey> = []

    struct PreimagePartKey: Hashable {
        var key: Bytes32
        var offset: UInt32
    }

    /// Deploys both contracts on `chain` (a fresh in-memory dev chain by default) from its first account.
    public init(chain: DevChain? = nil) throws(OnChainVerifierError) {
        do {
            self.chain = try chain ?? DevChain()
        } catch {
            throw .chain("\(error)")
        }
        guard let first = self.chain.accounts.first else { throw .chain("the chain has no dev account") }
        sender = first
        oracleAddress = try Self.deploy(self.chain, from: first, code: ContractCode.preimageOracleCreationHex,
                                        arguments: [], name: "PreimageOracle")
        let arguments: [UInt8]
        do {
            arguments = try RV32Step.encodeConstructorArguments(preimageOracle: oracleAddress)
        } catch {
            throw .abi("\(error)")
        }
        stepAddress = try Self.deploy(self.chain, from: first, code: ContractCode.rv32StepCreationHex,
                                      arguments: arguments, name: "RV32Step")
    }

    static func deploy(_ chain: DevChain, from: Address, code: String, arguments: [UInt8], name: String)
        throws(OnChainVerifierError) -> Address {
        guard let creation = try? Hex.decode(code) else { throw .deploymentFailed("\(name): bad bytecode hex") }
        var request = CallRequest()
        request.from = from
        request.data = creation + arguments
        let hash: Bytes32
        do {
            hash = try chain.sendTransaction(request)
        } catch {
            throw .deploymentFailed("\(name): \(error)")
        }
        guard let receipt = chain.receipt(hash: hash)?.receipt, receipt.succeeded,
              let address = receipt.contractAddress else {
            throw .deploymentFailed("\(name): no contract created")
        }
        return address
    }

    /// Proves the part of `preimage` at `offset` in the oracle (once per key and offset); returns the
    /// transaction's gas, or 0 when the part was already proven.
    @discardableResult
    public func provePreimagePart(_ preimage: [UInt8], offset: UInt32) throws(OnChainVerifierError) -> UInt64 {
        let part = PreimagePartKey(key: Keccak256.hash(preimage), offset: offset)
        if provenParts.contains(part) { return 0 }
        let data: [UInt8]
        do {
            data = try PreimageOracle.encodeLoadKeccak256PreimagePart(partOffset: UInt256(UInt64(offset)),
                                                                      preimage: preimage)
        } catch {
            throw .abi("\(error)")
        }
        var request = CallRequest()
        request.from = sender
        request.to = oracleAddress
        request.data = data
        let hash: Bytes32
        do {
            hash = try chain.sendTransaction(request)
        } catch .reverted(let output) {
            throw .preimageLoadFailed(Self.reason(output))
        } catch {
            throw .chain("\(error)")
        }
        guard let receipt = chain.receipt(hash: hash)?.receipt, receipt.succeeded else {
            throw .preimageLoadFailed("transaction failed")
        }
        provenParts.insert(part)
        return receipt.gasUsed
    }

    /// The calldata of `step(witness, preStateHash)`; a nil hash is sent as zero (the check is skipped).
    public static func stepCalldata(witness: [UInt8], preStateHash: Bytes32?) throws(OnChainVerifierError) -> [UInt8] {
        do {
            return try RV32Step.encodeStep(witness: witness, preStateHash: preStateHash ?? .zero)
        } catch {
            throw .abi("\(error)")
        }
    }

    /// Intrinsic gas of a call transaction with `calldata` and no access list (the same in Cancun,
    /// Prague and Osaka; Prague's calldata floor is a lower bound on the total, not part of this).
    public static func intrinsicGas(calldata: [UInt8]) -> UInt64 {
        var gas: UInt64 = 21_000
        for byte in calldata { gas += byte == 0 ? 4 : 16 }
        return gas
    }

    /// Calls `step` as a whole transaction simulated on the chain's head state (eth_call with the
    /// transaction's full gas accounting); nothing is committed.
    public func step(witness: [UInt8], preStateHash: Bytes32?) throws(OnChainVerifierError) -> StepCallOutcome {
        let calldata = try Self.stepCalldata(witness: witness, preStateHash: preStateHash)
        return try call(calldata: calldata)
    }

    /// The message of an `Error(string)` revert, else CLABI's summary of the revert data.
    static func reason(_ output: [UInt8]) -> String {
        let reason = RevertReason(data: output)
        if case .error(let message) = reason { return message }
        return reason.summary
    }

    /// Sends raw `calldata` to the step contract (for replaying a recorded call).
    public func call(calldata: [UInt8]) throws(OnChainVerifierError) -> StepCallOutcome {
        var request = CallRequest()
        request.from = sender
        request.to = stepAddress
        request.data = calldata
        let outcome: CallOutcome
        do {
            outcome = try chain.simulate(request)
        } catch {
            throw .chain("\(error)")
        }
        let result: StepCallOutcome.Result
        if outcome.status == .success {
            guard let hash = try? RV32Step.decodeStepResult(outcome.output) else {
                throw .abi("step returned \(outcome.output.count) undecodable bytes")
            }
            result = .postState(hash)
        } else if outcome.status == .revert {
            result = .reverted(Self.reason(outcome.output))
        } else {
            result = .reverted("\(outcome.status)")
        }
        return StepCallOutcome(result: result, transactionGas: outcome.gasUsed,
                               intrinsicGas: Self.intrinsicGas(calldata: calldata), calldata: calldata,
                               gasBeforeFloor: outcome.gasUsedBeforeFloor)
    }
}
