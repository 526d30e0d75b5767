import CLPrimitives

/// The transaction pool, as geth's and Anvil's: a transaction whose nonce is the sender's next one
/// is *pending* (mined at once under automine, else kept for the next block); one with a higher
/// nonce is *queued* until the gap before it fills, then promoted. A transaction with the nonce of
/// one already pooled replaces it only with at least `priceBump` percent more on both fee fields.
/// Queued transactions are kept in the database (`txpool` table) and survive a restart.
extension DevChain {
    /// The fee bump a replacement needs, in percent (geth's `--txpool.pricebump`).
    public static let priceBump: UInt64 = 10
    /// The most queued transactions per sender, and how far past the next nonce one may be (geth's
    /// `--txpool.accountqueue` is 64).
    public static let maxQueuedPerSender = 64
    /// The most queued transactions in all (geth's `--txpool.globalqueue` is 1,024).
    public static let maxQueued = 4096

    /// True when `new` pays at least `priceBump` percent more than `old` on both the fee cap and the tip.
    static func isSufficientBump(_ new: Transaction, over old: Transaction) -> Bool {
        func atLeast(_ a: UInt256, bumpedFrom b: UInt256) -> Bool {
            // a * 100 >= b * (100 + bump), compared at full width so nothing overflows.
            let lhs = a.multipliedFullWidth(by: UInt256(100 as UInt64))
            let rhs = b.multipliedFullWidth(by: UInt256(100 + priceBump))
            return lhs.high != rhs.high ? lhs.high > rhs.high : lhs.low >= rhs.low
        }
        return atLeast(new.feeCap, bumpedFrom: old.feeCap) && atLeast(new.tipCap, bumpedFrom: old.tipCap)
    }

    /// Files a transaction that passed the stateless and balance checks; the caller holds the lock.
    func admit(_ tx: Transaction, sender: Address, accountNonce: UInt64) throws(ChainError) -> Bytes32 {
        if pool.contains(where: { $0.0.hash == tx.hash }) || queued[sender]?[tx.nonce]?.hash == tx.hash {
            throw .rejected("already known")
        }
        let pendingCount = UInt64(pool.filter { $0.1 == sender }.count)
        let next = accountNonce &+ pendingCount
        if tx.nonce < next {
            // Replaces a pending transaction (interval mining only: automine leaves none pending).
            guard let index = pool.firstIndex(where: { $0.1 == sender && $0.0.nonce == tx.nonce }) else {
                throw .rejected("nonce too low: address \(sender.checksummed), tx: \(tx.nonce) state: \(next)")
            }
            guard DevChain.isSufficientBump(tx, over: pool[index].0) else { throw .rejected("replacement transaction underpriced") }
            try unpersistQueued(pool[index].0.hash)
            try persistPending(tx, sender)
            pool[index] = (tx, sender)
            notifyPending(tx.hash)
            return tx.hash
        }
        if tx.nonce > next {
            guard tx.nonce - next <= UInt64(DevChain.maxQueuedPerSender) else {
                throw .rejected("nonce too high: address \(sender.checksummed), tx: \(tx.nonce) state: \(next) (more than \(DevChain.maxQueuedPerSender) ahead)")
            }
            if let old = queued[sender]?[tx.nonce] {
                guard DevChain.isSufficientBump(tx, over: old) else { throw .rejected("replacement transaction underpriced") }
                try unpersistQueued(old.hash)
            } else {
                guard queued[sender, default: [:]].count < DevChain.maxQueuedPerSender,
                      queued.values.reduce(0, { $0 + $1.count }) < DevChain.maxQueued else { throw .rejected("txpool is full") }
            }
            do { try store.saveQueued(tx, sender: sender) } catch { throw .storage(error.description) }
            queued[sender, default: [:]][tx.nonce] = tx
            return tx.hash
        }
        if automine {
            try mine([(tx, sender)], strict: true)
        } else {
            try persistPending(tx, sender)
            pool.append((tx, sender))
        }
        notifyPending(tx.hash)
        promote(sender)
        return tx.hash
    }

    /// Moves `sender`'s queued transactions whose gap has filled into the pending set (mining each
    /// under automine). One that can no longer be included (its funds are gone) is dropped. Caller holds the lock.
    func promote(_ sender: Address) {
        while let waiting = queued[sender], !waiting.isEmpty {
            let next = (state.account(sender)?.nonce ?? 0) &+ UInt64(pool.filter { $0.1 == sender }.count)
            guard let tx = waiting[next] else {
                // Drop what fell below the account's nonce (a replacement mined meanwhile).
                for (nonce, stale) in waiting where nonce < next {
                    queued[sender]?[nonce] = nil
                    try? unpersistQueued(stale.hash)
                }
                break
            }
            queued[sender]?[next] = nil
            if queued[sender]?.isEmpty == true { queued[sender] = nil }
            try? unpersistQueued(tx.hash)
            if automine {
                if (try? mine([(tx, sender)], strict: true)) == nil { break }
            } else {
                try? persistPending(tx, sender)
                pool.append((tx, sender))
            }
            notifyPending(tx.hash)
        }
        if queued[sender]?.isEmpty == true { queued[sender] = nil }
    }

    /// Promotes every sender's ready queued transactions (before a block is mined). Caller holds the lock.
    func promoteAll() {
        for sender in Array(queued.keys) { promote(sender) }
    }

    /// Saves a pending transaction of interval mining in the `txpool` table too, so that it
    /// survives a restart (reloaded as queued, promoted when interval mining starts again).
    func persistPending(_ tx: Transaction, _ sender: Address) throws(ChainError) {
        do { try store.saveQueued(tx, sender: sender) } catch { throw .storage(error.description) }
    }

    func unpersistQueued(_ hash: Bytes32) throws(ChainError) {
        do { try store.deleteQueued(hash) } catch { throw .storage(error.description) }
    }

    /// Reloads the queued transactions saved by a previous run. Caller holds the lock (or is init).
    func loadQueued() throws(ChainError) {
        let saved: [(Transaction, Address)]
        do { saved = try store.queuedTransactions() } catch { throw .storage(error.description) }
        for (tx, sender) in saved {
            if tx.nonce < (state.account(sender)?.nonce ?? 0) {
                try unpersistQueued(tx.hash)
                continue
            }
            queued[sender, default: [:]][tx.nonce] = tx
        }
    }

    /// The pool's contents: pending in order, queued by sender and nonce.
    public var poolContent: (pending: [(Transaction, Address)], queued: [(Transaction, Address)]) {
        locked {
            let waiting = queued.flatMap { sender, byNonce in byNonce.map { ($0.value, sender) } }
                .sorted { ($0.1.hex, $0.0.nonce) < ($1.1.hex, $1.0.nonce) }
            return (pool, waiting)
        }
    }
}
