import CLPrimitives

/// An account as the backing store knows it, before a transaction changes it.
public struct AccountInfo: Sendable {
    /// Transactions sent (EOA) or contracts created (contract).
    public var nonce: UInt64
    /// Balance in wei.
    public var balance: UInt256
    /// Runtime bytecode (empty for an externally owned account).
    public let code: [UInt8]
    /// keccak256 of `code` (given by a backend that stores it, else computed once here).
    public let codeHash: Bytes32

    /// Creates an account record; pass `codeHash` when the store already knows it.
    public init(nonce: UInt64 = 0, balance: UInt256 = .zero, code: [UInt8] = [], codeHash: Bytes32? = nil) {
        self.nonce = nonce
        self.balance = balance
        self.code = code
        self.codeHash = codeHash ?? (code.isEmpty ? emptyCodeHash : Keccak256.hash(code))
    }
}

/// Where the EVM reads state it has not seen yet in this block: the chain's database,
/// a state test's `pre` section, or an RPC fork. The EVM never writes to it; changes stay in
/// `WorldState` until the owner reads them out (`WorldState.changedAccounts`).
public protocol StateBackend: AnyObject {
    /// The account at `address`, or nil when none exists.
    func account(at address: Address) -> AccountInfo?
    /// The stored value of `key` in `address`'s storage (zero when unset).
    func storage(at address: Address, key: UInt256) -> UInt256
    /// True when `address` has at least one non-zero storage slot (EIP-7610 collision rule).
    func hasStorage(at address: Address) -> Bool
    /// The hash of block `number`, for BLOCKHASH (only asked for the 256 blocks before the current one).
    func blockHash(number: UInt64) -> Bytes32
}

/// A backend holding accounts in memory: the empty chain, or a state test's `pre` section.
public final class InMemoryBackend: StateBackend {
    /// Accounts by address.
    public var accounts: [Address: AccountInfo]
    /// Storage by address, then key.
    public var storages: [Address: [UInt256: UInt256]]
    /// Block hashes by number; numbers not listed hash to keccak256 of their decimal text.
    public var blockHashes: [UInt64: Bytes32]

    /// Creates a backend with the given accounts and storage.
    public init(accounts: [Address: AccountInfo] = [:], storages: [Address: [UInt256: UInt256]] = [:],
                blockHashes: [UInt64: Bytes32] = [:]) {
        self.accounts = accounts
        self.storages = storages
        self.blockHashes = blockHashes
    }

    /// See `StateBackend`.
    public func account(at address: Address) -> AccountInfo? { accounts[address] }

    /// See `StateBackend`.
    public func storage(at address: Address, key: UInt256) -> UInt256 { storages[address]?[key] ?? .zero }

    /// See `StateBackend`.
    public func hasStorage(at address: Address) -> Bool { !(storages[address]?.isEmpty ?? true) }

    /// See `StateBackend`.
    public func blockHash(number: UInt64) -> Bytes32 {
        if let known = blockHashes[number] { return known }
        return Keccak256.hash(Array(String(number).utf8))
    }
}
