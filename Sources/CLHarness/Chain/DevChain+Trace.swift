import CLEVM
import CLPrimitives

/// Collects EIP-3155 steps as geth's struct logger reports them.
public final class StructLogger: EVMTracer {
    /// The steps, in execution order.
    public private(set) var steps: [TraceStep] = []
    /// The most steps kept (a guard against traces that would exhaust memory).
    public let limit: Int

    /// A logger keeping at most `limit` steps.
    public init(limit: Int = 1_000_000) { self.limit = limit }

    /// Records one step.
    public func step(_ step: TraceStep) {
        if steps.count < limit { steps.append(step) }
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
    public func trace(transaction hash: Bytes32) throws(ChainError) -> TraceResult {
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
                      context: TransactionContext(origin: .zero, gasPrice: .zero))
        var gasUsed: UInt64 = 0
        for i in 0..<stored.index {
            let result = try? evm.executeTransaction(DevChain.evmTransaction(block.transactions[i], sender: block.senders[i]),
                                                     blockGasAvailable: h.gasLimit - gasUsed)
            gasUsed += result?.gasUsed ?? 0
        }
        let logger = StructLogger()
        evm.tracer = logger
        do {
            let result = try evm.executeTransaction(DevChain.evmTransaction(stored.transaction, sender: stored.sender),
                                                    blockGasAvailable: h.gasLimit - gasUsed)
            return TraceResult(gasUsed: result.gasUsed, failed: result.status != .success, output: result.output, steps: logger.steps)
        } catch {
            throw .rejected("transaction could not be replayed: \(error)")
        }
    }
}
