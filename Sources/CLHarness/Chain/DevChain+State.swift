import CLPrimitives

/// Whole-chain controls of Anvil's: the block gas limit (evm_setBlockGasLimit), reset to genesis
/// (anvil_reset), and the state as one dump (anvil_dumpState / anvil_loadState).
extension DevChain {
    /// The gas limit of the next blocks.
    public var gasLimit: UInt64 { locked { blockGasLimit } }

    /// Sets the gas limit of the blocks mined from now on (evm_setBlockGasLimit).
    public func setBlockGasLimit(_ limit: UInt64) throws(ChainError) {
        guard limit >= 21_000 else { throw .rejected("block gas limit \(limit) is below 21000") }
        locked { blockGasLimit = limit }
    }

    /// Returns the chain to its genesis block and state (anvil_reset without forking): every later
    /// block, state change and snapshot is undone, the pools are emptied, the clock offset cleared.
    public func reset() throws(ChainError) {
        lock.lock()
        defer { lock.unlock() }
        let sequence: Int64
        do {
            if let saved = try store.meta("genesisUndo"), let value = try? RLP.decode(saved).asUnsigned(UInt64.self) {
                sequence = Int64(value)
            } else {
                // A database from before the mark was kept: undo from block 1 on.
                sequence = try store.blockRecord(number: 1)?.firstUndo ?? store.nextUndoSequence()
            }
        } catch { throw .storage(String(describing: error)) }
        // The genesis point is a snapshot below every other; reverting to it uses them all up.
        snapshots[0] = Snapshot(headNumber: 0, undoSequence: sequence, timeOffset: 0, nextTimestamp: nil)
        _ = try revert(to: 0)
        for (_, byNonce) in queued { for tx in byNonce.values { try unpersistQueued(tx.hash) } }
        queued.removeAll()
        impersonated.removeAll()
        blockGasLimit = config.gasLimit
    }

    /// Every account with its code and storage, as JSON in the shape of Anvil's `SerializableState`
    /// (`{"block": …, "accounts": {address: {nonce, balance, code, storage}}}`), addresses sorted.
    public func dumpState() -> [UInt8] {
        locked {
            var accounts: [(String, JSON)] = []
            for (address, account) in state.accounts.sorted(by: { $0.key.hex < $1.key.hex }) {
                let slots = (state.storage[address] ?? [:]).filter { !$0.value.isZero }.sorted { $0.key.hex < $1.key.hex }
                accounts.append((address.hex, .object([
                    ("nonce", .number(String(account.nonce))), ("balance", RPCFormat.quantity(account.balance)),
                    ("code", RPCFormat.data(state.code(hash: account.codeHash) ?? [])),
                    ("storage", .object(slots.map { ($0.key.hex, RPCFormat.hash($0.value)) })),
                ])))
            }
            return JSON.object([("block", .object([("number", RPCFormat.quantity(head.header.number))])),
                                ("accounts", .object(accounts))]).serialized
        }
    }

    /// Merges a dump into the current state (anvil_loadState): each account in it is set to the
    /// dumped nonce, balance, code and storage (its other slots cleared), the rest left as they are.
    /// Applied as one administrative change, so a snapshot taken before can revert it.
    public func loadState(_ bytes: [UInt8]) throws(ChainError) {
        let dump: JSON
        do { dump = try JSON.parse(bytes) } catch { throw .rejected("state dump is not JSON: \(error.description)") }
        guard case .object(let entries)? = dump["accounts"] else { throw .rejected("state dump has no accounts object") }
        var diff = StateDiff()
        do throws(RPCError) {
            for (key, value) in entries {
                let address = try RPCParams.address(.string(key))
                guard case .object = value else { throw .invalidParams("account \(key): expected an object") }
                let nonce: UInt64 = try value["nonce"].map { v throws(RPCError) -> UInt64 in
                    if case .number(let text) = v, let n = UInt64(text) { return n }
                    return try RPCParams.quantity(v, "nonce")
                } ?? 0
                let balance = try value["balance"].map { v throws(RPCError) in try RPCParams.word(v, "balance") } ?? .zero
                let code = try value["code"].map { v throws(RPCError) in try RPCParams.bytes(v, "code") } ?? []
                let codeHash = Keccak256.hash(code)
                diff.accounts[address] = AccountRecord(nonce: nonce, balance: balance, codeHash: codeHash)
                if !code.isEmpty { diff.code[codeHash] = code }
                diff.clearedStorage.insert(address)
                if case .object(let slots)? = value["storage"] {
                    for (slot, word) in slots {
                        diff.storage[address, default: [:]][try RPCParams.storageKey(.string(slot), "slot")] = try RPCParams.storageKey(word, "value")
                    }
                }
            }
        } catch {
            throw .rejected("state dump: \(error.message)")
        }
        lock.lock()
        defer { lock.unlock() }
        try applyAdministrative(diff)
    }

    /// Moves queued transactions whose nonce gap has closed into the pending set (on start in interval mode).
    public func promoteQueued() { locked { promoteAll() } }
}
