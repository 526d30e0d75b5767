import CLEVM
import CLPrimitives

/// Collects EIP-3155 steps as geth's struct logger reports them, within a memory budget: each
/// step is charged an estimate of what it costs to hold and to answer (`bytesPerStep`, plus
/// `bytesPerStackEntry` for each stack entry kept, plus two bytes per memory byte kept and
/// `bytesPerStackEntry` per storage entry); past the budget it stops recording and sets
/// `exceeded`, so that a deep-stack 30M-gas trace is refused instead of exhausting memory.
///
/// Storage is geth's: on each SLOAD and SSTORE the slots of the running contract seen so far
/// (the SLOAD's value is the one it pushes, read from the next step's stack), attached to that step.
public final class StructLogger: EVMTracer {
    /// The steps, in execution order.
    public private(set) var steps: [TraceStep] = []
    /// For each step that has it (SLOAD, SSTORE): the contract's slots seen so far.
    public private(set) var storage: [Int: [(UInt256, UInt256)]] = [:]
    /// The most steps kept (a guard against traces that would exhaust memory).
    public let limit: Int
    /// The most estimated bytes kept.
    public let maxBytes: Int
    /// Whether each step's stack is kept (geth's `disableStack` turns it off).
    public let keepStack: Bool
    /// Whether each step's memory is kept (geth's `enableMemory`).
    public let keepMemory: Bool
    /// Whether SLOAD and SSTORE steps carry storage (geth's `disableStorage` turns it off).
    public let keepStorage: Bool
    /// Estimated bytes held so far.
    public private(set) var bytes = 0
    /// Set once a step did not fit in `maxBytes`.
    public private(set) var exceeded = false
    /// Set once a step came after `limit` steps (the trace would be incomplete).
    public private(set) var truncated = false

    /// The estimate for one step without its stack: the struct, its JSON object and its text.
    public static let bytesPerStep = 256
    /// The estimate for one stack entry: the word, its JSON string and its text.
    public static let bytesPerStackEntry = 128

    /// Addresses of the running frames (whose storage SLOAD and SSTORE touch), innermost last.
    private var frames: [Address] = []
    /// Slots seen per contract.
    private var seen: [Address: [UInt256: UInt256]] = [:]
    /// An SLOAD step waiting for its value: (step index, contract, key).
    private var pendingLoad: (Int, Address, UInt256)?

    /// A logger keeping at most `limit` steps and `maxBytes` estimated bytes.
    public init(limit: Int = 1_000_000, maxBytes: Int = Int.max, keepStack: Bool = true, keepMemory: Bool = false,
                keepStorage: Bool = false) {
        self.limit = limit
        self.maxBytes = maxBytes
        self.keepStack = keepStack
        self.keepMemory = keepMemory
        self.keepStorage = keepStorage
    }

    public var capturesMemory: Bool { keepMemory }

    public func enterFrame(_ message: Message) { frames.append(message.target) }

    public func exitFrame(_ result: FrameResult) { if !frames.isEmpty { frames.removeLast() } }

    /// Records one step.
    public func step(_ step: TraceStep) {
        guard !exceeded, !truncated else { return }
        if let (index, contract, key) = pendingLoad {
            pendingLoad = nil
            if let value = step.stack.last { remember(contract, key, value, at: index) }
        }
        guard steps.count < limit else {
            truncated = true
            steps = []
            storage = [:]
            return
        }
        let cost = StructLogger.bytesPerStep + (keepStack ? StructLogger.bytesPerStackEntry * step.stack.count : 0)
            + 2 * (step.memory?.count ?? 0)
        guard bytes <= maxBytes - cost else {
            exceeded = true
            steps = []
            storage = [:]
            return
        }
        bytes += cost
        var kept = step
        if !keepStack { kept.stack = [] }
        if keepStorage, let contract = frames.last, step.error == nil {
            let n = step.stack.count
            if step.opcode == 0x54, n >= 1 { pendingLoad = (steps.count, contract, step.stack[n - 1]) }
            if step.opcode == 0x55, n >= 2 { remember(contract, step.stack[n - 1], step.stack[n - 2], at: steps.count) }
        }
        steps.append(kept)
    }

    private func remember(_ contract: Address, _ key: UInt256, _ value: UInt256, at index: Int) {
        seen[contract, default: [:]][key] = value
        let slots = seen[contract]!.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        bytes += StructLogger.bytesPerStackEntry * slots.count
        if bytes > maxBytes { exceeded = true; steps = []; storage = [:]; return }
        storage[index] = slots
    }
}

/// A transaction re-executed with a tracer.
public struct TraceResult {
    /// Gas used by the transaction.
    public var gasUsed: UInt64
    /// True when it did not succeed.
    public var failed: Bool
    /// Return or revert data.
    public var output: [UInt8]
    /// The steps (when the tracer was a `StructLogger`).
    public var steps: [TraceStep]
    /// The transaction traced.
    public var transaction: Transaction
    /// Its sender.
    public var sender: Address
    /// How its top frame ended.
    public var status: ExecutionStatus = .success
    /// The address it created, if any.
    public var createdAddress: Address? = nil
}

/// An account as the prestate tracer reports it: its fields and the slots asked for, at one point in time.
public struct PrestateAccount {
    /// False when no account was at the address.
    public var exists: Bool
    /// Nonce.
    public var nonce: UInt64
    /// Balance in wei.
    public var balance: UInt256
    /// Code.
    public var code: [UInt8]
    /// The slots asked for, with their values.
    public var storage: [UInt256: UInt256]
}

extension DevChain {
    /// Re-executes mined transaction `hash` on the state before its block, after the transactions
    /// that precede it in the block, recording every step.
    /// `logger` records the steps (a default one when nil); `meter` is charged the gas executed.
    public func trace(transaction hash: Bytes32, logger given: StructLogger? = nil, meter: ExecutionMeter? = nil)
        throws(ChainError) -> TraceResult {
        let logger = given ?? StructLogger()
        var result = try trace(transaction: hash, tracer: logger, meter: meter)
        result.steps = logger.steps
        return result
    }

    /// Re-executes mined transaction `hash` with `tracer` (see `trace(transaction:logger:meter:)`).
    public func trace(transaction hash: Bytes32, tracer: any EVMTracer, meter: ExecutionMeter? = nil) throws(ChainError) -> TraceResult {
        lock.lock()
        defer { lock.unlock() }
        guard let stored = (try? store.transaction(hash: hash)) ?? nil else { throw .notFound("transaction \(hash.hex)") }
        guard stored.blockNumber > 0, let block = (try? loadBlock(number: stored.blockNumber)) ?? nil else {
            throw .notFound("block \(stored.blockNumber)")
        }
        return try traceBlock(block, from: stored.index, through: stored.index, meter: meter) { _ in tracer }[0]
    }

    /// Re-executes the transactions `first...last` of `block` (replaying those before `first`
    /// untraced), each with the tracer `makeTracer` gives for its index.
    func traceBlock(_ block: Block, from first: Int, through last: Int, meter: ExecutionMeter?,
                    _ makeTracer: (Int) -> any EVMTracer) throws(ChainError) -> [TraceResult] {
        let (evm, used) = try replay(block, upTo: first, meter: meter)
        var gasUsed = used
        var results: [TraceResult] = []
        for i in first...last {
            evm.tracer = makeTracer(i)
            let tx = block.transactions[i], sender = block.senders[i]
            do {
                let result = try evm.executeTransaction(DevChain.evmTransaction(tx, sender: sender),
                                                        blockGasAvailable: block.header.gasLimit - gasUsed)
                meter?.charge(result.gasUsed)
                gasUsed += result.gasUsed
                results.append(TraceResult(gasUsed: result.gasUsed, failed: result.status != .success, output: result.output,
                                           steps: [], transaction: tx, sender: sender, status: result.status,
                                           createdAddress: result.createdAddress))
            } catch {
                throw .rejected("transaction could not be replayed: \(error)")
            }
        }
        return results
    }

    /// An EVM on the state before `block`, with its pre-transaction system calls (EIP-4788 with the header's
    /// parent beacon block root, then EIP-2935 from Prague)
    /// and its first `count` transactions replayed, and the gas they used. Caller holds the lock.
    func replay(_ block: Block, upTo count: Int, meter: ExecutionMeter?) throws(ChainError) -> (EVM, UInt64) {
        guard block.header.number > 0 else { throw .unsupported("the genesis block has no transactions to trace") }
        let backend = ChainStateBackend(chain: self, undoSequence: try undoSequence(after: block.header.number - 1))
        let h = block.header
        let environment = BlockEnvironment(coinbase: h.coinbase, number: h.number, timestamp: h.timestamp, gasLimit: h.gasLimit,
                                           prevRandao: h.mixHash, baseFee: h.baseFeePerGas, excessBlobGas: h.excessBlobGas,
                                           chainId: UInt256(config.chainID))
        let evm = EVM(state: CLEVM.WorldState(backend: backend), block: environment,
                      context: TransactionContext(origin: .zero, gasPrice: .zero), rules: config.rules)
        evm.storeParentBeaconBlockRoot(h.parentBeaconBlockRoot)
        evm.storeParentHash(h.parentHash)
        var gasUsed: UInt64 = 0
        for i in 0..<count {
            let result = try? evm.executeTransaction(DevChain.evmTransaction(block.transactions[i], sender: block.senders[i]),
                                                     blockGasAvailable: h.gasLimit - gasUsed)
            gasUsed += result?.gasUsed ?? 0
        }
        meter?.charge(gasUsed)
        return (evm, gasUsed)
    }

    /// The accounts and slots named, as they were just before transaction `index` of block
    /// `number` (for the prestate tracer); `index` = the block's transaction count gives the state after it.
    func stateBefore(block number: UInt64, index: Int, accounts: [Address: Set<UInt256>]) throws(ChainError)
        -> [Address: PrestateAccount] {
        lock.lock()
        defer { lock.unlock() }
        guard let block = (try? loadBlock(number: number)) ?? nil else { throw .notFound("block \(number)") }
        let (evm, _) = try replay(block, upTo: index, meter: nil)
        var out: [Address: PrestateAccount] = [:]
        for (address, slots) in accounts {
            let account = evm.state.account(address)
            var storage: [UInt256: UInt256] = [:]
            for slot in slots { storage[slot] = evm.state.storageValue(account, slot) }
            out[address] = PrestateAccount(exists: account.exists, nonce: account.nonce, balance: account.balance,
                                           code: account.code, storage: storage)
        }
        return out
    }
}
