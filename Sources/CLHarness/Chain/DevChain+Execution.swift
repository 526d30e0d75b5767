import CLCrypto
import CLEVM
import CLPrimitives
import Foundation

/// Serves the EVM's reads from the chain's current state (or, with `undoSequence`, from the state
/// before that undo sequence number: a past block's state).
final class ChainStateBackend: StateBackend {
    let chain: DevChain
    let undoSequence: Int64?

    init(chain: DevChain, undoSequence: Int64? = nil) {
        self.chain = chain
        self.undoSequence = undoSequence
    }

    func account(at address: Address) -> AccountInfo? {
        var record = chain.state.account(address)
        if let undoSequence, case .some(let old) = try? chain.store.historicalAccount(address, before: undoSequence) {
            record = old
        }
        guard let record else { return nil }
        return AccountInfo(nonce: record.nonce, balance: record.balance, code: chain.state.code(hash: record.codeHash) ?? [],
                           codeHash: record.codeHash)
    }

    func storage(at address: Address, key: UInt256) -> UInt256 {
        let slot = key.bytes32
        if let undoSequence, let old = (try? chain.store.historicalSlot(address, slot, before: undoSequence)) ?? nil {
            return UInt256(old)
        }
        return UInt256(chain.state.storageValue(address, slot))
    }

    /// For a past state this over-approximates: an account whose first slot was written later still counts.
    func hasStorage(at address: Address) -> Bool {
        if chain.state.storage[address] != nil { return true }
        guard let undoSequence else { return false }
        return (try? chain.store.hadStorage(address, since: undoSequence)) ?? false
    }

    func blockHash(number: UInt64) -> Bytes32 {
        if let hash = chain.recentHashes[number] { return hash }
        return ((try? chain.store.blockRecord(number: number)) ?? nil)?.hash ?? .zero
    }
}

/// The result of running a transaction without committing it (eth_call, eth_estimateGas).
public struct CallOutcome: Sendable {
    /// How the top frame ended.
    public var status: ExecutionStatus
    /// Return or revert data.
    public var output: [UInt8]
    /// Gas used (after refunds, and from Prague at least the EIP-7623 calldata floor).
    public var gasUsed: UInt64
    /// Gas used after refunds but before the calldata floor (`gasUsed` when the floor did not bind).
    public var gasUsedBeforeFloor: UInt64
}

/// A call request as eth_call / eth_estimateGas / eth_sendTransaction describe it.
public struct CallRequest: Sendable {
    /// Sender (zero address when absent).
    public var from: Address?
    /// Recipient; nil for a creation.
    public var to: Address?
    /// Gas limit; nil for the block gas limit.
    public var gas: UInt64?
    /// Legacy gas price.
    public var gasPrice: UInt256?
    /// EIP-1559 fee cap.
    public var maxFeePerGas: UInt256?
    /// EIP-1559 tip cap.
    public var maxPriorityFeePerGas: UInt256?
    /// Wei sent.
    public var value: UInt256 = .zero
    /// Call data or init code.
    public var data: [UInt8] = []
    /// Nonce (eth_sendTransaction only; defaults to the account's).
    public var nonce: UInt64?
    /// Access list.
    public var accessList: [AccessListEntry] = []

    /// An empty request.
    public init() {}

    /// True when any fee field is given (the fee then counts; otherwise calls run with a zero base fee).
    public var hasFees: Bool { gasPrice != nil || maxFeePerGas != nil || maxPriorityFeePerGas != nil }
}

extension DevChain {
    /// The EVM's view of one of our transactions.
    static func evmTransaction(_ tx: Transaction, sender: Address) -> CLEVM.Transaction {
        CLEVM.Transaction(type: tx.type.rawValue, sender: sender, nonce: tx.nonce, gasLimit: tx.gasLimit, to: tx.to,
                          value: tx.value, data: tx.data, gasPrice: tx.gasPrice, maxFeePerGas: tx.maxFeePerGas,
                          maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
                          accessList: tx.accessList.map { CLEVM.AccessListEntry(address: $0.address, storageKeys: $0.storageKeys.map { UInt256($0) }) },
                          maxFeePerBlobGas: tx.maxFeePerBlobGas, blobVersionedHashes: tx.blobVersionedHashes,
                          authorizationList: tx.authorizationList)
    }

    /// The environment of the block after the head: its base fee (EIP-1559) and excess blob gas (EIP-4844,
    /// with EIP-7691's parameters from Prague and EIP-7918's bound from Osaka) follow from the head's header.
    func nextBlockEnvironment(timestamp: UInt64) -> BlockEnvironment {
        let number = head.header.number + 1
        return BlockEnvironment(coinbase: config.coinbase, number: number, timestamp: timestamp, gasLimit: blockGasLimit,
                                prevRandao: Keccak256.hash(RLP.encode(.unsigned(number))), baseFee: head.header.nextBaseFee,
                                excessBlobGas: nextExcessBlobGas, chainId: UInt256(config.chainID))
    }

    /// The excess blob gas of the block after the head.
    var nextExcessBlobGas: UInt64 {
        config.rules.excessBlobGas(parentExcess: head.header.excessBlobGas, parentUsed: head.header.blobGasUsed,
                                   parentBaseFee: head.header.baseFeePerGas)
    }

    /// The timestamp the next block gets: the forced one, else the clock plus offset, never below the parent's.
    func timestampForNextBlock() -> UInt64 {
        if let nextTimestamp { return nextTimestamp }
        let now = Int64(Date().timeIntervalSince1970) + timeOffset
        return max(head.header.timestamp, UInt64(max(0, now)))
    }

    /// Maps the EVM's pre-execution errors to geth's messages.
    static func message(for error: CLEVM.TransactionError, sender: Address, tx: Transaction, balance: UInt256, baseFee: UInt256) -> String {
        switch error {
        case .nonceMismatch(let expected, let got):
            got < expected ? "nonce too low: address \(sender.checksummed), tx: \(got) state: \(expected)"
                : "nonce too high: address \(sender.checksummed), tx: \(got) state: \(expected)"
        case .insufficientFunds:
            "insufficient funds for gas * price + value: address \(sender.checksummed) have \(balance) want \(tx.feeCap.multipliedFullWidth(by: UInt256(tx.gasLimit)).low &+ tx.value)"
        case .feeBelowBaseFee:
            "max fee per gas less than block base fee: address \(sender.checksummed), maxFeePerGas: \(tx.feeCap), baseFee: \(baseFee)"
        case .intrinsicGasTooLow(let intrinsic, let limit): "intrinsic gas too low: have \(limit), want \(intrinsic)"
        case .gasLimitExceedsBlock: "exceeds block gas limit"
        case .senderNotEOA: "sender not an eoa: address \(sender.checksummed)"
        default: error.description
        }
    }

    /// Applies an administrative state change (anvil_setBalance and friends) outside any block,
    /// persisted with its undo entries so snapshots can revert it.
    func applyAdministrative(_ diff: StateDiff) throws(ChainError) {
        let undo = state.apply(diff)
        do {
            try store.db.transaction {
                try store.writeStateChanges(undo, state: state, block: head.header.number, newCode: diff.code)
                try store.setMeta("stateRoot", state.stateRoot().bytes)
            }
        } catch {
            state.undo(undo)
            _ = state.stateRoot()
            throw .storage(String(describing: error))
        }
    }

    /// Runs `request` as a whole transaction on a throwaway copy of the state at block `number`
    /// (nil: the pending block after the head). Without fee fields the base fee is zero, so a call
    /// needs no funds for gas (as geth and Anvil do for eth_call and eth_estimateGas).
    /// `meter`, when given, is charged the gas the run used.
    public func simulate(_ request: CallRequest, block number: UInt64? = nil, tracer: (any EVMTracer)? = nil,
                         meter: ExecutionMeter? = nil) throws(ChainError) -> CallOutcome {
        // A past block's state is read from the database under the lock; the head's from a frozen
        // copy, after the lock is released, so that a long call does not hold up mining or other reads.
        lock.lock()
        var locked = true
        defer { if locked { lock.unlock() } }
        let sender = request.from ?? .zero
        let backend: any StateBackend
        var environment = nextBlockEnvironment(timestamp: timestampForNextBlock())
        if let number, number < head.header.number {
            backend = ChainStateBackend(chain: self, undoSequence: try undoSequence(after: number))
            guard let record = (try? store.blockRecord(number: number)) ?? nil else { throw .notFound("block \(number)") }
            environment = BlockEnvironment(coinbase: record.header.coinbase, number: number, timestamp: record.header.timestamp,
                                           gasLimit: record.header.gasLimit, prevRandao: record.header.mixHash,
                                           baseFee: record.header.baseFeePerGas, excessBlobGas: record.header.excessBlobGas,
                                           chainId: UInt256(config.chainID))
        } else {
            backend = SnapshotBackend(state.frozen(recentHashes: recentHashes))
            lock.unlock()
            locked = false
        }
        if !request.hasFees { environment.baseFee = .zero }
        let evmState = CLEVM.WorldState(backend: backend)
        let evm = EVM(state: evmState, block: environment, context: TransactionContext(origin: sender, gasPrice: .zero), rules: config.rules)
        evm.tracer = tracer
        let nonce = backend.account(at: sender)?.nonce ?? 0
        let tx = transaction(for: request, nonce: nonce, chainBaseFee: environment.baseFee)
        do {
            // A simulation may come from a contract (geth and Anvil skip EIP-3607 for eth_call).
            let result = try evm.executeTransaction(DevChain.evmTransaction(tx, sender: sender),
                                                    allowSenderWithCode: true)
            meter?.charge(result.gasUsed)
            var output = result.output
            // A successful creation returns the deployed code, as geth's eth_call does.
            if let created = result.createdAddress, result.status == .success { output = evmState.account(created).code }
            return CallOutcome(status: result.status, output: output, gasUsed: result.gasUsed,
                               gasUsedBeforeFloor: result.gasUsedBeforeFloor)
        } catch {
            throw .rejected(DevChain.message(for: error, sender: sender, tx: tx,
                                             balance: backend.account(at: sender)?.balance ?? .zero, baseFee: environment.baseFee))
        }
    }

    /// Builds an unsigned transaction from a request, filling defaults (EIP-1559 unless a gas price is given).
    public func transaction(for request: CallRequest, nonce: UInt64, chainBaseFee: UInt256) -> Transaction {
        var tx = Transaction(type: .dynamicFee, chainID: config.chainID, nonce: request.nonce ?? nonce,
                             gasLimit: request.gas ?? config.defaultCallGas, to: request.to, value: request.value,
                             data: request.data, accessList: request.accessList)
        if let gasPrice = request.gasPrice, request.maxFeePerGas == nil {
            tx.type = request.accessList.isEmpty ? .legacy : .accessList
            tx.gasPrice = gasPrice
            tx.maxFeePerGas = gasPrice
            tx.maxPriorityFeePerGas = gasPrice
        } else if request.hasFees {
            let tip = request.maxPriorityFeePerGas ?? min(UInt256(1_000_000_000 as UInt64), request.maxFeePerGas ?? .max)
            tx.maxPriorityFeePerGas = tip
            tx.maxFeePerGas = request.maxFeePerGas ?? (chainBaseFee.multipliedFullWidth(by: 2).low &+ tip)
        }
        return tx
    }

    /// The smallest gas limit with which `request` succeeds, found by whole executions (as Anvil
    /// does), so the estimate is exact: estimate − 1 fails. The search assumes success is monotonic
    /// in the gas limit; it first tries the gas the uncapped run used, then bisects.
    /// `meter`, when given, is charged the gas of every run.
    public func estimateGas(_ request: CallRequest, block number: UInt64? = nil, meter: ExecutionMeter? = nil)
        throws(ChainError) -> GasEstimate {
        var probe = request
        let cap = request.gas ?? config.defaultCallGas
        probe.gas = cap
        let first = try simulate(probe, block: number, meter: meter)
        guard first.status == .success else { return .failed(first) }
        let intrinsic = transaction(for: request, nonce: 0, chainBaseFee: .zero).intrinsicGas
        func succeeds(_ gas: UInt64) -> Bool {
            guard gas >= intrinsic else { return false }
            probe.gas = gas
            return (try? simulate(probe, block: number, meter: meter))?.status == .success
        }
        if first.gasUsed <= cap, succeeds(first.gasUsed), !succeeds(first.gasUsed - 1) { return .gas(first.gasUsed) }
        var low = intrinsic - 1   // fails
        var high = cap            // succeeds
        while high - low > 1 {
            let mid = low + (high - low) / 2
            if succeeds(mid) { high = mid } else { low = mid }
        }
        return .gas(high)
    }
}

/// The outcome of eth_estimateGas.
public enum GasEstimate: Sendable {
    /// The exact gas limit needed.
    case gas(UInt64)
    /// The transaction fails even with the cap; its outcome (for the revert data).
    case failed(CallOutcome)
}
