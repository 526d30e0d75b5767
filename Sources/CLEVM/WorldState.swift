import CLPrimitives

/// An account as the EVM holds it during a block: read from the backend on first use,
/// then changed in place; every change is recorded in the journal so a failed call frame
/// can be undone exactly.
public final class AccountState {
    /// The account's address.
    public let address: Address
    /// Current nonce.
    public internal(set) var nonce: UInt64
    /// Current balance in wei.
    public internal(set) var balance: UInt256
    /// Current runtime code.
    public internal(set) var code: [UInt8]
    /// keccak256 of `code`.
    public internal(set) var codeHash: Bytes32
    /// False while the account does not exist in the state (never created, or deleted).
    public internal(set) var exists: Bool
    /// True when storage was wiped in this block (contract created here, or account deleted):
    /// slots not in `storage` are then zero rather than read from the backend.
    public internal(set) var storageCleared: Bool
    /// Slots seen in this block with their current values (read or written).
    public internal(set) var storage: [UInt256: UInt256]
    /// Slot values as they were when the current transaction started (EIP-2200 "original").
    var original: [UInt256: UInt256]
    /// Jump-destination analysis of `code`, made on first execution.
    var analysis: AnalyzedCode?

    init(address: Address, info: AccountInfo?) {
        self.address = address
        if let info {
            nonce = info.nonce
            balance = info.balance
            code = info.code
            codeHash = info.codeHash
            exists = true
        } else {
            nonce = 0
            balance = .zero
            code = []
            codeHash = emptyCodeHash
            exists = false
        }
        storageCleared = info == nil
        storage = [:]
        original = [:]
    }

    /// EIP-161 emptiness: no code, zero nonce, zero balance.
    public var isEmpty: Bool { nonce == 0 && balance.isZero && code.isEmpty }

    /// Exists and is not empty ("alive" in the specs).
    public var isAlive: Bool { exists && !isEmpty }
}

/// keccak256 of the empty byte string: the code hash of accounts without code.
public let emptyCodeHash: Bytes32 = Keccak256.hash([])

/// A storage slot of one account, as a dictionary key.
public struct SlotKey: Hashable, Sendable {
    /// The account.
    public var address: Address
    /// The slot.
    public var key: UInt256
    /// Creates a slot key.
    public init(_ address: Address, _ key: UInt256) { self.address = address; self.key = key }
}

/// A log record emitted by LOG0...LOG4.
public struct Log: Sendable, Equatable {
    /// The emitting contract.
    public var address: Address
    /// Zero to four topics.
    public var topics: [Bytes32]
    /// Unindexed data.
    public var data: [UInt8]
    /// Creates a log.
    public init(address: Address, topics: [Bytes32], data: [UInt8]) {
        self.address = address; self.topics = topics; self.data = data
    }
}

/// One undoable change.
enum JournalEntry {
    case balance(AccountState, UInt256)
    case nonce(AccountState, UInt64)
    case storage(AccountState, UInt256, UInt256?)
    case code(AccountState, [UInt8], Bytes32)
    case existence(AccountState, Bool)
    case storageReset(AccountState, [UInt256: UInt256], Bool)
    case warmAddress(Address)
    case warmSlot(SlotKey)
    case transient(SlotKey, UInt256)
    case created(Address)
    case selfDestructed(Address)
    case touched(Address)
}

/// A point the state can be reverted to.
public struct StateCheckpoint: Sendable {
    let journalCount: Int
    let logCount: Int
    let refund: Int
}

/// The journaled world state: a write-back cache over a `StateBackend`, with access lists,
/// transient storage, logs and the refund counter of the running transaction.
///
/// A block keeps one `WorldState`; `finishTransaction()` ends each transaction (deleting
/// self-destructed and touched-empty accounts, resetting per-transaction sets) and
/// `changedAccounts` lists what the owner must write back after the block.
public final class WorldState {
    /// Where unseen accounts and slots are read from.
    public let backend: StateBackend
    /// Accounts seen so far, by address.
    public private(set) var accounts: [Address: AccountState] = [:]
    /// Addresses whose account changed (superset; includes deletions).
    public private(set) var changedAccounts: Set<Address> = []
    var journal: [JournalEntry] = []
    /// Logs of the running transaction.
    public internal(set) var logs: [Log] = []
    /// Refund counter of the running transaction (may be negative inside a frame).
    public internal(set) var refund: Int = 0
    var accessedAddresses: Set<Address> = []
    var accessedSlots: Set<SlotKey> = []
    var transientStorage: [SlotKey: UInt256] = [:]
    var createdInTransaction: Set<Address> = []
    var selfDestructs: Set<Address> = []
    var touched: Set<Address> = []

    /// Creates an empty cache over `backend`.
    public init(backend: StateBackend) { self.backend = backend }

    /// The account at `address`, loaded from the backend on first use.
    public func account(_ address: Address) -> AccountState {
        if let known = accounts[address] { return known }
        let loaded = AccountState(address: address, info: backend.account(at: address))
        accounts[address] = loaded
        return loaded
    }

    // MARK: Checkpoints

    /// Marks the current state so it can be reverted to.
    public func checkpoint() -> StateCheckpoint {
        StateCheckpoint(journalCount: journal.count, logCount: logs.count, refund: refund)
    }

    /// Undoes every change made since `point`.
    public func revert(to point: StateCheckpoint) {
        while journal.count > point.journalCount {
            undo(journal.removeLast())
        }
        logs.removeSubrange(point.logCount...)
        refund = point.refund
    }

    private func undo(_ entry: JournalEntry) {
        switch entry {
        case .balance(let a, let old): a.balance = old
        case .nonce(let a, let old): a.nonce = old
        case .storage(let a, let key, let old): a.storage[key] = old
        case .code(let a, let old, let hash): a.code = old; a.codeHash = hash; a.analysis = nil
        case .existence(let a, let old): a.exists = old
        case .storageReset(let a, let old, let cleared): a.storage = old; a.storageCleared = cleared
        case .warmAddress(let address): accessedAddresses.remove(address)
        case .warmSlot(let slot): accessedSlots.remove(slot)
        case .transient(let slot, let old):
            if old.isZero { transientStorage.removeValue(forKey: slot) } else { transientStorage[slot] = old }
        case .created(let address): createdInTransaction.remove(address)
        case .selfDestructed(let address): selfDestructs.remove(address)
        case .touched(let address): touched.remove(address)
        }
    }

    // MARK: Accounts

    /// Makes `a` exist (journaled); no effect when it already does.
    func ensureExists(_ a: AccountState) {
        if !a.exists {
            journal.append(.existence(a, false))
            a.exists = true
            changedAccounts.insert(a.address)
        }
    }

    /// Sets the balance (journaled), creating the account if needed.
    public func setBalance(_ a: AccountState, _ value: UInt256) {
        ensureExists(a)
        journal.append(.balance(a, a.balance))
        a.balance = value
        changedAccounts.insert(a.address)
    }

    /// Adds to the balance (wrapping is impossible in practice: total supply < 2^256).
    public func addBalance(_ a: AccountState, _ value: UInt256) {
        setBalance(a, a.balance &+ value)
    }

    /// Sets the nonce (journaled), creating the account if needed.
    public func setNonce(_ a: AccountState, _ value: UInt64) {
        ensureExists(a)
        journal.append(.nonce(a, a.nonce))
        a.nonce = value
        changedAccounts.insert(a.address)
    }

    /// Sets the code (journaled).
    public func setCode(_ a: AccountState, _ code: [UInt8]) {
        ensureExists(a)
        journal.append(.code(a, a.code, a.codeHash))
        a.code = code
        a.codeHash = Keccak256.hash(code)
        a.analysis = nil
        changedAccounts.insert(a.address)
    }

    /// Moves `value` wei; the caller has checked the sender's balance.
    public func transfer(from: AccountState, to: AccountState, value: UInt256) {
        setBalance(from, from.balance &- value)
        setBalance(to, to.balance &+ value)
    }

    /// Records `address` as touched (EIP-161: deleted at the end of the transaction if empty).
    func touch(_ address: Address) {
        if touched.insert(address).inserted { journal.append(.touched(address)) }
    }

    /// Wipes storage and marks the account as created in this transaction (contract creation).
    func beginContractCreation(_ a: AccountState) {
        journal.append(.storageReset(a, a.storage, a.storageCleared))
        a.storage = [:]
        a.storageCleared = true
        if createdInTransaction.insert(a.address).inserted { journal.append(.created(a.address)) }
        ensureExists(a)
        changedAccounts.insert(a.address)
    }

    /// Registers an account created in this transaction for deletion at its end (EIP-6780).
    func markSelfDestructed(_ address: Address) {
        if selfDestructs.insert(address).inserted { journal.append(.selfDestructed(address)) }
    }

    /// True when the account was created in the running transaction.
    public func wasCreatedInTransaction(_ address: Address) -> Bool { createdInTransaction.contains(address) }

    // MARK: Storage

    /// The current value of a slot.
    public func storageValue(_ a: AccountState, _ key: UInt256) -> UInt256 {
        if let v = a.storage[key] { return v }
        let v = a.storageCleared ? UInt256.zero : backend.storage(at: a.address, key: key)
        a.storage[key] = v
        if a.original[key] == nil { a.original[key] = v }
        return v
    }

    /// The value of a slot when the transaction started (zero for accounts created in it).
    public func originalStorageValue(_ a: AccountState, _ key: UInt256) -> UInt256 {
        if createdInTransaction.contains(a.address) { return .zero }
        if let v = a.original[key] { return v }
        let v = a.storageCleared ? UInt256.zero : backend.storage(at: a.address, key: key)
        a.original[key] = v
        return v
    }

    /// True when the account has a non-zero slot (EIP-7610: creating over it collides).
    public func hasNonEmptyStorage(_ a: AccountState) -> Bool {
        if a.storage.values.contains(where: { !$0.isZero }) { return true }
        return !a.storageCleared && backend.hasStorage(at: a.address)
    }

    /// True when creating a contract at the account's address collides (EIP-684, EIP-7610).
    public func hasCreationCollision(_ a: AccountState) -> Bool {
        a.nonce != 0 || !a.code.isEmpty || hasNonEmptyStorage(a)
    }

    /// Writes a slot (journaled).
    public func setStorage(_ a: AccountState, _ key: UInt256, _ value: UInt256) {
        _ = storageValue(a, key)
        journal.append(.storage(a, key, a.storage[key]))
        a.storage[key] = value
        changedAccounts.insert(a.address)
    }

    // MARK: Transient storage (EIP-1153)

    /// The transient value of a slot.
    public func transientValue(_ slot: SlotKey) -> UInt256 { transientStorage[slot] ?? .zero }

    /// Writes a transient slot (journaled).
    public func setTransient(_ slot: SlotKey, _ value: UInt256) {
        let old = transientStorage[slot] ?? .zero
        journal.append(.transient(slot, old))
        if value.isZero { transientStorage.removeValue(forKey: slot) } else { transientStorage[slot] = value }
    }

    // MARK: Access lists (EIP-2929)

    /// Marks `address` warm; returns true when it was cold.
    @discardableResult
    public func warmAddress(_ address: Address) -> Bool {
        if accessedAddresses.insert(address).inserted {
            journal.append(.warmAddress(address))
            return true
        }
        return false
    }

    /// True when `address` is warm.
    public func isWarm(_ address: Address) -> Bool { accessedAddresses.contains(address) }

    /// Marks a slot warm; returns true when it was cold.
    @discardableResult
    public func warmSlot(_ slot: SlotKey) -> Bool {
        if accessedSlots.insert(slot).inserted {
            journal.append(.warmSlot(slot))
            return true
        }
        return false
    }

    // MARK: Transaction end

    /// Ends the running transaction: deletes self-destructed accounts and touched empty
    /// accounts, and clears the journal, logs, refund, access lists and transient storage.
    public func finishTransaction() {
        for address in selfDestructs { delete(account(address)) }
        for address in touched {
            let a = account(address)
            if a.exists && a.isEmpty { delete(a) }
        }
        for a in accounts.values where !a.storage.isEmpty {
            for (k, v) in a.storage { a.original[k] = v }
        }
        journal.removeAll(keepingCapacity: true)
        logs.removeAll()
        refund = 0
        accessedAddresses.removeAll(keepingCapacity: true)
        accessedSlots.removeAll(keepingCapacity: true)
        transientStorage.removeAll()
        createdInTransaction.removeAll()
        selfDestructs.removeAll()
        touched.removeAll()
    }

    /// Removes an account and its storage (not journaled: only at transaction end).
    func delete(_ a: AccountState) {
        a.exists = false
        a.nonce = 0
        a.balance = .zero
        a.code = []
        a.codeHash = emptyCodeHash
        a.analysis = nil
        a.storage = [:]
        a.original = [:]
        a.storageCleared = true
        changedAccounts.insert(a.address)
    }

    /// Deletes an account if it exists and is empty (used for the coinbase).
    public func deleteIfEmpty(_ a: AccountState) {
        if a.exists && a.isEmpty { delete(a) }
    }
}
