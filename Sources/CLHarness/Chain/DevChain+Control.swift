import CLCrypto
import CLEVM
import CLPrimitives
import Foundation

extension DevChain {
    // MARK: Submitting transactions

    /// Decodes, validates and includes (automine) or queues (interval mining) a signed transaction.
    /// Every refusal leaves the chain unchanged.
    public func sendRawTransaction(_ raw: [UInt8]) throws(ChainError) -> Bytes32 {
        let tx: Transaction
        do { tx = try Transaction.decode(raw) } catch { throw .undecodable(error.description) }
        let sender: Address
        do {
            sender = try tx.validate(chainID: config.chainID)
        } catch {
            switch error {
            case .wrongChainID(let expected, let actual):
                throw .rejected("invalid chain id for signer: have \(actual.map(String.init) ?? "none") want \(expected)")
            case .invalidSignature: throw .rejected("invalid sender: \(error)")
            default: throw .rejected(error.description)
            }
        }
        return try submit(tx, sender: sender)
    }

    /// Checks `tx` against the state (nonce, funds, base fee, gas limit), then hands it to the pool
    /// (`admit`): mined at once (automine) or kept pending when its nonce is next, queued when later.
    func submit(_ tx: Transaction, sender: Address) throws(ChainError) -> Bytes32 {
        lock.lock()
        defer { lock.unlock() }
        let account = state.account(sender) ?? AccountRecord()
        if tx.nonce < account.nonce {
            throw .rejected("nonce too low: address \(sender.checksummed), tx: \(tx.nonce) state: \(account.nonce)")
        }
        if tx.gasLimit > blockGasLimit { throw .rejected("exceeds block gas limit") }
        let rules = config.rules
        if tx.type == .setCode && !rules.setCode { throw .rejected("transaction type not supported: 4 (EIP-7702 needs Prague or later)") }
        if let cap = rules.transactionGasCap, tx.gasLimit > cap {
            throw .rejected("transaction gas limit too high (cap: \(cap), tx: \(tx.gasLimit))")
        }
        let floor = rules.intrinsicGas(DevChain.evmTransaction(tx, sender: sender)).floor
        if tx.gasLimit < floor { throw .rejected("insufficient gas for floor data gas cost: have \(tx.gasLimit), want \(floor)") }
        let baseFee = head.header.nextBaseFee
        if tx.feeCap < baseFee {
            throw .rejected("max fee per gas less than block base fee: address \(sender.checksummed), maxFeePerGas: \(tx.feeCap), baseFee: \(baseFee)")
        }
        var blobCost = UInt256.zero
        if tx.type == .blob {
            // EIP-7594 (Osaka): at most 6 blobs per transaction; before it, the block's maximum.
            let count = UInt64(tx.blobVersionedHashes.count)
            if count > rules.maxBlobsPerTransaction {
                throw .rejected("blob transaction has \(count) blobs, more than the \(rules.maxBlobsPerTransaction) a transaction may carry")
            }
            let blobBaseFee = rules.blobs.baseFee(excessBlobGas: nextExcessBlobGas)
            if tx.maxFeePerBlobGas < blobBaseFee {
                throw .rejected("max fee per blob gas less than block blob gas fee: address \(sender.checksummed), maxFeePerBlobGas: \(tx.maxFeePerBlobGas), blobBaseFee: \(blobBaseFee)")
            }
            let product = tx.maxFeePerBlobGas.multipliedFullWidth(by: UInt256(count * BlobParameters.gasPerBlob))
            blobCost = product.high.isZero ? product.low : .max
        }
        let gasCost = tx.feeCap.multipliedFullWidth(by: UInt256(tx.gasLimit)).low.addingReportingOverflow(tx.value)
        let cost = gasCost.partialValue.addingReportingOverflow(blobCost)
        if gasCost.overflow || cost.overflow || account.balance < cost.partialValue {
            throw .rejected("insufficient funds for gas * price + value: address \(sender.checksummed) have \(account.balance) want \(cost.partialValue)")
        }
        return try admit(tx, sender: sender, accountNonce: account.nonce)
    }

    /// eth_sendTransaction: fills in nonce, gas and fees, signs with the dev key (or, for an
    /// impersonated account, includes it unsigned) and submits it.
    public func sendTransaction(_ request: CallRequest) throws(ChainError) -> Bytes32 {
        guard let from = request.from else { throw .rejected("missing from address") }
        lock.lock()
        defer { lock.unlock() }
        let key = keys[from]
        guard key != nil || impersonated.contains(from) else {
            throw .rejected("no signer for \(from.checksummed): not a dev account and not impersonated")
        }
        var filled = request
        if filled.gas == nil {
            switch try estimateGas(request) {
            case .gas(let gas): filled.gas = gas
            case .failed(let outcome):
                if outcome.status == .revert { throw .reverted(outcome.output) }
                throw .rejected("gas required exceeds allowance (\(config.defaultCallGas)): \(outcome.status)")
            }
        }
        let baseFee = head.header.nextBaseFee
        if !filled.hasFees {
            filled.maxPriorityFeePerGas = UInt256(1_000_000_000 as UInt64)
            filled.maxFeePerGas = baseFee.multipliedFullWidth(by: 2).low &+ UInt256(1_000_000_000 as UInt64)
        }
        let nonce = (state.account(from)?.nonce ?? 0) &+ UInt64(pool.filter { $0.1 == from }.count)
        var tx = transaction(for: filled, nonce: nonce, chainBaseFee: baseFee)
        if let key {
            do { try tx.sign(with: key) } catch { throw .rejected("signing failed: \(error)") }
        } else {
            // An impersonated sender has no key: the transaction carries a placeholder signature.
            tx.signature = RecoverableSignature(r: UInt256.one.bytes32, s: UInt256.one.bytes32, v: 0)
        }
        return try submit(tx, sender: from)
    }

    // MARK: Mining and time

    /// Mines `count` blocks with the pending transactions (evm_mine); the first block gets `timestamp` when given.
    /// The lock is taken per block, so that other requests are answered between the blocks of a long run.
    public func mineBlocks(count: Int = 1, timestamp: UInt64? = nil) throws(ChainError) {
        for i in 0..<max(1, count) {
            lock.lock()
            defer { lock.unlock() }
            if i == 0, let timestamp {
                guard timestamp >= head.header.timestamp else {
                    throw .rejected("timestamp \(timestamp) is before the head block's \(head.header.timestamp)")
                }
                nextTimestamp = timestamp
            }
            promoteAll()
            let pending = pool
            pool.removeAll()
            var deferred: [(Transaction, Address)] = []
            do { try mine(pending, strict: false, deferred: &deferred) } catch {
                pool = pending   // nothing was mined: the transactions wait for the next block
                throw error
            }
            // Those the block had no room for (EIP-7934) wait for the next one, in their order.
            pool = deferred
            let waiting = Set(deferred.map { $0.0.hash })
            for (tx, _) in pending where !waiting.contains(tx.hash) { try? unpersistQueued(tx.hash) }
        }
    }

    /// Moves the clock forward by `seconds` (evm_increaseTime); returns the total offset.
    public func increaseTime(seconds: Int64) throws(ChainError) -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        let (sum, overflow) = timeOffset.addingReportingOverflow(seconds)
        guard !overflow, sum.magnitude < 1 << 40 else { throw .rejected("time offset out of range: \(seconds) seconds") }
        timeOffset = sum
        try persistTimeOffset()
        return timeOffset
    }

    /// Forces the next block's timestamp (evm_setNextBlockTimestamp); it must not precede the head's.
    public func setNextBlockTimestamp(_ timestamp: UInt64) throws(ChainError) {
        lock.lock()
        defer { lock.unlock() }
        guard timestamp < 1 << 40 else { throw .rejected("timestamp \(timestamp) is out of range") }
        guard timestamp >= head.header.timestamp else {
            throw .rejected("timestamp \(timestamp) is before the head block's \(head.header.timestamp)")
        }
        nextTimestamp = timestamp
        let now = Int64(Date().timeIntervalSince1970)
        timeOffset = Int64(timestamp) - now
        try persistTimeOffset()
    }

    /// Saves the clock offset, so a restarted node keeps the same time.
    func persistTimeOffset() throws(ChainError) {
        do { try store.setMeta("timeOffset", RLP.encode(.unsigned(UInt64(bitPattern: timeOffset)))) }
        catch { throw .storage(error.description) }
    }

    // MARK: Snapshots

    /// Saves the chain's state and head (evm_snapshot); returns the snapshot id.
    public func snapshot() throws(ChainError) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        let seq: Int64
        do { seq = try store.nextUndoSequence() } catch { throw .storage(error.description) }
        let id = nextSnapshotID
        nextSnapshotID += 1
        snapshots[id] = Snapshot(headNumber: head.header.number, undoSequence: seq, timeOffset: timeOffset,
                                 nextTimestamp: nextTimestamp)
        return id
    }

    /// Returns to snapshot `id` (evm_revert): undoes every later state change and deletes later blocks.
    /// The snapshot and those taken after it are used up. Returns false for an unknown id.
    public func revert(to id: UInt64) throws(ChainError) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard let snapshot = snapshots[id] else { return false }
        do {
            let entries = try store.undoEntries(from: snapshot.undoSequence)
            state.undo(entries)
            _ = state.stateRoot()
            try store.db.transaction {
                try store.rewriteState(for: entries, from: state)
                try store.deleteBlocks(above: snapshot.headNumber, undoFrom: snapshot.undoSequence)
                try store.setMeta("stateRoot", state.stateRoot().bytes)
            }
            guard let block = try loadBlock(number: snapshot.headNumber) else { throw ChainError.storage("block \(snapshot.headNumber) missing") }
            head = block
        } catch let error as ChainError {
            throw error
        } catch {
            throw .storage(String(describing: error))
        }
        for key in recentHashes.keys where key > snapshot.headNumber { recentHashes[key] = nil }
        timeOffset = snapshot.timeOffset
        nextTimestamp = snapshot.nextTimestamp
        try persistTimeOffset()
        for (tx, _) in pool { try? unpersistQueued(tx.hash) }
        pool.removeAll()
        for key in snapshots.keys where key >= id { snapshots[key] = nil }
        return true
    }

    // MARK: Direct state edits (anvil_*)

    /// Sets an account's balance.
    public func setBalance(_ address: Address, _ balance: UInt256) throws(ChainError) {
        lock.lock()
        defer { lock.unlock() }
        do {
            var account = state.account(address) ?? AccountRecord()
            account.balance = balance
            var diff = StateDiff()
            diff.accounts[address] = account
            try applyAdministrative(diff)
        }
    }

    /// Sets an account's nonce.
    public func setNonce(_ address: Address, _ nonce: UInt64) throws(ChainError) {
        lock.lock()
        defer { lock.unlock() }
        do {
            var account = state.account(address) ?? AccountRecord()
            account.nonce = nonce
            var diff = StateDiff()
            diff.accounts[address] = account
            try applyAdministrative(diff)
        }
    }

    /// Sets an account's code.
    public func setCode(_ address: Address, _ code: [UInt8]) throws(ChainError) {
        lock.lock()
        defer { lock.unlock() }
        do {
            var account = state.account(address) ?? AccountRecord()
            account.codeHash = Keccak256.hash(code)
            var diff = StateDiff()
            diff.accounts[address] = account
            diff.code[account.codeHash] = code
            try applyAdministrative(diff)
        }
    }

    /// Sets one storage slot.
    public func setStorage(_ address: Address, slot: Bytes32, value: Bytes32) throws(ChainError) {
        lock.lock()
        defer { lock.unlock() }
        do {
            var diff = StateDiff()
            if state.account(address) == nil { diff.accounts[address] = AccountRecord() }
            diff.storage[address] = [slot: value]
            try applyAdministrative(diff)
        }
    }

    /// Lets eth_sendTransaction send from `address` without its key (anvil_impersonateAccount).
    public func impersonate(_ address: Address, enabled: Bool = true) {
        locked {
            if enabled { impersonated.insert(address) } else { impersonated.remove(address) }
        }
    }

    /// Switches automatic mining on or off (evm_setAutomine).
    public func setAutomine(_ enabled: Bool) { locked { automine = enabled } }
}

extension DevChain {
    /// Senders of the pending transactions.
    public var pendingTransactionsWithSenders: [Address] { locked { pool.map(\.1) } }

    /// A pending transaction by hash.
    public func pendingTransaction(hash: Bytes32) -> (Transaction, Address)? {
        locked {
            if let pending = pool.first(where: { $0.0.hash == hash }) { return pending }
            for (sender, byNonce) in queued { if let tx = byNonce.values.first(where: { $0.hash == hash }) { return (tx, sender) } }
            return nil
        }
    }
}
