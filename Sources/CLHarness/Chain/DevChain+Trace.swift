import CLEVM
import CLPrimitives

/// Collects EIP-3155 steps as geth's struct logger reports them, within a memory budget: each
/// step is charged an estimate of what it costs to hold and to answer (`bytesPerStep`, plus
/// `bytesPerStackEntry` for each stack entry kept); past the budget it stops recording and sets
/// `exceeded`, so that a deep-stack 30M-gas trace is refused instead of exhausting memory.
public final class StructLogger: EVMTracer {
    /// The steps, in execution order.
    public private(set) var steps: [TraceStep] = []
    /// The most steps kept (a guard against traces that would exhaust memory).
    public let limit: Int
    /// The most estimated bytes kept.
    public let maxBytes: Int
    /// Whether each step's stack is kept (geth's `disableStack` turns it off).
    public let keepStack: Bool
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

    /// A logger keeping at most `limit` steps and `maxBytes` estimated bytes.
    public init(limit: Int = 1_000_000, maxBytes: Int = Int.max, keepStack: Bool = true) {
        self.limit = limit
        self.maxBytes = maxBytes
        self.keepStack = keepStack
    }

    /// Records one step.
    public func step(_ step: TraceStep) {
        guard !exceeded, !truncated else { return }
        guard steps.count < limit else {
            truncated = true
            steps = []
            return
        }
        let cost = StructLogger.bytesPerStep + (keepStack ? StructLogger.bytesPerStackEntry * step.stack.count : 0)
        guard bytes <= maxBytes - cost else {
            exceeded = true
            steps = []
            return
        }
        bytes += cost
        var kept = step
        if !keepStack { kept.stack = [] }
        steps.append(kept)
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
    /// The steps.
    public var steps: [TraceStep]
}

extension DevChain {
    /// Re-executes mined transaction `hash` on the state before its block, after the transactions
    /// that precede it in the block, recording every step.
    /// `logger` records the steps (a default one when nil); `meter` is charged the gas executed.
    public func trace(transaction hash: Bytes32, logger given: StructLogger? = nil, meter: ExecutionMeter? = nil)
        throws(ChainError) -> TraceResult {
        lock.lock()
        defer { lock.unlock() }
        guard let stored = (try? store.transaction(hash: hash)) ?? nil else { throw .notFound("transaction \(hash.hex)") }
        guard stored.blockNumber > 0, let block = (try? loadBlock(number: stored.blockNumber)) ?? nil else {
            throw .notFound("block \(stored.blockNumber)")
        }
        let backend = ChainStateBackend(chain: self, undoSequence: try undoSequence(after: stored.blockNumber - 1))
        let h = block.header
        let environment = BlockEnvironment(coinbase: h.coinbase, number: h.number, timestamp: h.timestamp, gasLimit: h.gasLimit,
                                           prevRandao: h.mixHash, baseFee: h.baseFeePerGas, chainId: UInt256(config.chainID))
        let evm = EVM(state: CLEVM.WorldState(backend: backend), block: environment,
                      context: TransactionContext(origin: .zero, gasPrice: .zero), rules: config.rules)
        var gasUsed: UInt64 = 0
        for i in 0..<stored.index {
            let result = try? evm.executeTransaction(DevChain.evmTransaction(block.transactions[i], sender: block.senders[i]),
                                                     blockGasAvailable: h.gasLimit - gasUsed)
            gasUsed += result?.gasUsed ?? 0
        }
        meter?.charge(gasUsed)
        let logger = given ?? StructLogger()
        evm.tracer = logger
        do {
            let result = try evm.executeTransaction(DevChain.evmTransaction(stored.transaction, sender: stored.sender),
                                                    blockGasAvailable: h.gasLimit - gasUsed)
            meter?.charge(result.gasUsed)
            return TraceResult(gasUsed: result.gasUsed, failed: result.status != .success, output: result.output, steps: logger.steps)
        } catch {
            throw .rejected("transaction could not be replayed: \(error)")
        }
    }
}
