import CLPrimitives

/// One account's fields other than storage.
public struct AccountRecord: Equatable, Sendable {
    /// Transactions sent (or contracts created, for a contract).
    public var nonce: UInt64
    /// Wei held.
    public var balance: UInt256
    /// Keccak-256 of the code (that of the empty string for none).
    public var codeHash: Bytes32

    /// Keccak-256 of no bytes: the code hash of an account without code.
    public static let emptyCodeHash = Keccak256.hash([UInt8]())

    /// An account with these fields.
    public init(nonce: UInt64 = 0, balance: UInt256 = .zero, codeHash: Bytes32 = AccountRecord.emptyCodeHash) {
        self.nonce = nonce
        self.balance = balance
        self.codeHash = codeHash
    }

    /// EIP-161 emptiness: no nonce, no balance, no code.
    public var isEmpty: Bool { nonce == 0 && balance.isZero && codeHash == AccountRecord.emptyCodeHash }
}

/// A set of changes to the world state, as one transaction (or one administrative call) leaves them.
public struct StateDiff: Sendable {
    /// New account values; nil deletes the account (and its storage).
    public var accounts: [Address: AccountRecord?] = [:]
    /// New storage values (zero deletes the slot).
    public var storage: [Address: [Bytes32: Bytes32]] = [:]
    /// Accounts whose whole storage is wiped before `storage` applies (self-destruct, re-creation).
    public var clearedStorage: Set<Address> = []
    /// Code by hash, for accounts whose code hash changed.
    public var code: [Bytes32: [UInt8]] = [:]

    /// An empty diff.
    public init() {}

    /// True when nothing changes.
    public var isEmpty: Bool { accounts.isEmpty && storage.isEmpty && clearedStorage.isEmpty && code.isEmpty }

    /// Layers `later` on top of this diff.
    public mutating func merge(_ later: StateDiff) {
        for address in later.clearedStorage {
            clearedStorage.insert(address)
            storage[address] = nil
        }
        for (address, account) in later.accounts {
            accounts[address] = .some(account)
            if account == nil { storage[address] = nil; clearedStorage.insert(address) }
        }
        for (address, slots) in later.storage { storage[address, default: [:]].merge(slots) { $1 } }
        code.merge(later.code) { $1 }
    }
}

/// What a change overwrote, so that it can be undone (snapshots, reverts, reorganisations).
public enum UndoEntry: Equatable, Sendable {
    /// The account's previous value (nil: it did not exist).
    case account(Address, AccountRecord?)
    /// The slot's previous value.
    case storage(Address, Bytes32, Bytes32)
}

/// The current world state, held in memory (the chain store persists it), with state-root
/// computation by secure Merkle-Patricia tries kept up to date incrementally.
public final class ChainState: @unchecked Sendable {
    /// Every account.
    public private(set) var accounts: [Address: AccountRecord] = [:]
    /// Non-zero storage slots by account.
    public private(set) var storage: [Address: [Bytes32: Bytes32]] = [:]
    /// Code by hash.
    public private(set) var codes: [Bytes32: [UInt8]] = [AccountRecord.emptyCodeHash: []]

    private var accountTrie = SecureMerklePatriciaTrie()
    private var storageTries: [Address: SecureMerklePatriciaTrie] = [:]
    private var dirtyAccounts: Set<Address> = []
    private var dirtyStorage: [Address: Set<Bytes32>] = [:]

    /// An empty state.
    public init() {}

    /// The account at `address`, or nil.
    public func account(_ address: Address) -> AccountRecord? { accounts[address] }

    /// The storage value (zero if unset).
    public func storageValue(_ address: Address, _ slot: Bytes32) -> Bytes32 { storage[address]?[slot] ?? .zero }

    /// The code of `address` (empty for none).
    public func code(of address: Address) -> [UInt8] {
        guard let hash = accounts[address]?.codeHash else { return [] }
        return codes[hash] ?? []
    }

    /// Code by hash.
    public func code(hash: Bytes32) -> [UInt8]? { codes[hash] }

    /// Applies `diff`, returning what it overwrote (in the order to undo, last first).
    @discardableResult
    public func apply(_ diff: StateDiff) -> [UndoEntry] {
        var undo: [UndoEntry] = []
        for (hash, bytes) in diff.code { codes[hash] = bytes }
        for address in diff.clearedStorage {
            for (slot, value) in storage[address] ?? [:] {
                undo.append(.storage(address, slot, value))
                setSlot(address, slot, .zero)
            }
        }
        for (address, account) in diff.accounts {
            undo.append(.account(address, accounts[address]))
            setAccount(address, account)
            if account == nil {
                for (slot, value) in storage[address] ?? [:] {
                    undo.append(.storage(address, slot, value))
                    setSlot(address, slot, .zero)
                }
            }
        }
        for (address, slots) in diff.storage {
            for (slot, value) in slots {
                let old = storageValue(address, slot)
                if old == value { continue }
                undo.append(.storage(address, slot, old))
                setSlot(address, slot, value)
            }
        }
        return undo.reversed()
    }

    /// Undoes entries produced by `apply` (give them in the order `apply` returned them).
    public func undo(_ entries: [UndoEntry]) {
        for entry in entries {
            switch entry {
            case .account(let address, let old): setAccount(address, old)
            case .storage(let address, let slot, let old): setSlot(address, slot, old)
            }
        }
    }

    /// Sets an account without recording undo information (loading from the store).
    public func setAccount(_ address: Address, _ account: AccountRecord?) {
        accounts[address] = account
        dirtyAccounts.insert(address)
    }

    /// Sets a slot without recording undo information (loading from the store).
    public func setSlot(_ address: Address, _ slot: Bytes32, _ value: Bytes32) {
        if value.isZero {
            storage[address]?[slot] = nil
            if storage[address]?.isEmpty == true { storage[address] = nil }
        } else {
            storage[address, default: [:]][slot] = value
        }
        dirtyStorage[address, default: []].insert(slot)
        dirtyAccounts.insert(address)
    }

    /// Registers code by hash (loading from the store).
    public func addCode(_ bytes: [UInt8]) { codes[Keccak256.hash(bytes)] = bytes }

    /// The storage root of `address`.
    public func storageRoot(_ address: Address) -> Bytes32 {
        flushStorage(address)
        guard var trie = storageTries[address] else { return MerklePatriciaTrie.emptyRootHash }
        let root = trie.rootHash()
        storageTries[address] = trie
        return root
    }

    private func flushStorage(_ address: Address) {
        guard let slots = dirtyStorage.removeValue(forKey: address) else { return }
        var trie = storageTries[address] ?? SecureMerklePatriciaTrie()
        for slot in slots {
            let value = storageValue(address, slot)
            if value.isZero {
                _ = trie.removeValue(forKey: slot.bytes)
            } else {
                trie.update(RLP.encode(.bytes(UInt256(value).minimalBigEndianBytes)), forKey: slot.bytes)
            }
        }
        storageTries[address] = trie.isEmpty ? nil : trie
    }

    /// The state root: the secure trie of address → rlp([nonce, balance, storageRoot, codeHash]).
    public func stateRoot() -> Bytes32 {
        for address in dirtyAccounts {
            if let account = accounts[address] {
                let root = storageRoot(address)
                let encoded = RLP.encode(.list([.unsigned(account.nonce), .bytes(account.balance.minimalBigEndianBytes),
                                                .bytes(root.bytes), .bytes(account.codeHash.bytes)]))
                accountTrie.update(encoded, forKey: address.bytes)
            } else {
                _ = accountTrie.removeValue(forKey: address.bytes)
                storageTries[address] = nil
                dirtyStorage[address] = nil
            }
        }
        dirtyAccounts.removeAll(keepingCapacity: true)
        return accountTrie.rootHash()
    }
}

extension ChainState {
    /// EIP-1186 proofs against the current state root: the account's path in the state trie and
    /// each slot's path in the account's storage trie (roots brought up to date first).
    public func proofs(_ address: Address, slots: [Bytes32]) -> (root: Bytes32, account: [[UInt8]], storageRoot: Bytes32, storage: [[[UInt8]]]) {
        let root = stateRoot()
        let storageRoot = storageRoot(address)
        let accountProof = accountTrie.proof(forKey: address.bytes)
        let trie = storageTries[address]
        return (root, accountProof, storageRoot, slots.map { trie?.proof(forKey: $0.bytes) ?? [] })
    }
}
