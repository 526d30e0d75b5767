import CLPrimitives

/// Told of what the chain does, in the order it happens: filters and subscriptions (`RPCFilters`,
/// `RPCSubscriptions`) follow the chain through it. Called with the chain's lock held, so an
/// observer must only record or enqueue, never call back into the chain.
public protocol ChainObserver: AnyObject, Sendable {
    /// `block` became the head (mined and committed).
    func chainDidAddBlock(_ block: Block)
    /// Transaction `hash` entered the pending set (a new, replacing or promoted transaction).
    func chainDidAcceptTransaction(_ hash: Bytes32)
}

extension DevChain {
    /// Adds `observer`; it is told of every later block and pending transaction.
    public func addObserver(_ observer: any ChainObserver) {
        locked { observers.append(observer) }
    }

    /// Tells the observers of a new head. Caller holds the lock.
    func notifyBlock(_ block: Block) {
        for observer in observers { observer.chainDidAddBlock(block) }
    }

    /// Tells the observers of a pending transaction. Caller holds the lock.
    func notifyPending(_ hash: Bytes32) {
        for observer in observers { observer.chainDidAcceptTransaction(hash) }
    }
}

extension Block {
    /// The block's logs with their places (block, transaction, index in the block), as eth_getLogs reports them.
    public var placedLogs: [PlacedLog] {
        var out: [PlacedLog] = []
        var index = 0
        for (i, receipt) in receipts.enumerated() {
            let txHash = transactions[i].hash
            for log in receipt.logs {
                out.append(PlacedLog(log: log, blockNumber: header.number, blockHash: hash, logIndex: index,
                                     transactionHash: txHash, transactionIndex: i))
                index += 1
            }
        }
        return out
    }
}
