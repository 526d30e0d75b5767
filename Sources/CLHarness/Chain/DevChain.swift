import CLCrypto
import CLEVM
import CLPrimitives
import Foundation

/// Why the chain refused a request.
public enum ChainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The transaction failed a check before execution (message in geth's words).
    case rejected(String)
    /// Bytes could not be decoded as a transaction.
    case undecodable(String)
    /// The database failed.
    case storage(String)
    /// A block, transaction or snapshot does not exist.
    case notFound(String)
    /// State of a block this node no longer holds, or another unsupported request.
    case unsupported(String)
    /// Execution reverted with this data (gas estimation inside eth_sendTransaction).
    case reverted([UInt8])

    /// The message.
    public var description: String {
        switch self {
        case .rejected(let m), .undecodable(let m), .storage(let m), .notFound(let m), .unsupported(let m): m
        case .reverted(let data): RevertMessage.message(data)
        }
    }
}

/// A local development chain: funded accounts from a mnemonic, automatic or interval mining,
/// blocks with real state, transaction and receipt roots, time control, snapshots, and every block
/// persisted to SQLite in one transaction.
///
/// Thread-safe: every public method takes the chain's lock.
public final class DevChain: @unchecked Sendable {
    /// The configuration it was opened with.
    public let config: DevChainConfig
    let lock = NSRecursiveLock()
    let store: ChainStore
    /// The current state.
    let state = ChainState()
    /// The head block.
    var head: Block
    /// Dev accounts (unlocked for eth_sendTransaction).
    public let accounts: [Address]
    var keys: [Address: PrivateKey] = [:]
    /// Seconds added to the wall clock (evm_increaseTime).
    var timeOffset: Int64 = 0
    /// Timestamp forced for the next block (evm_setNextBlockTimestamp).
    var nextTimestamp: UInt64?
    /// Snapshots by id.
    var snapshots: [UInt64: Snapshot] = [:]
    var nextSnapshotID: UInt64 = 1
    /// Accounts that may send without a key (anvil_impersonateAccount).
    var impersonated: Set<Address> = []
    /// Transactions waiting for the next block (interval mining).
    var pool: [(Transaction, Address)] = []
    /// Transactions waiting for a nonce gap before them to fill, by sender and nonce (`DevChain+Pool`).
    var queued: [Address: [UInt64: Transaction]] = [:]
    /// Mine a block per transaction (default) or only on demand/interval.
    public var automine = true
    /// Recent block hashes for BLOCKHASH.
    var recentHashes: [UInt64: Bytes32] = [:]
    /// Told of new blocks and pending transactions (`DevChain+Observers`).
    var observers: [any ChainObserver] = []
    /// The gas limit of the blocks mined from now on (evm_setBlockGasLimit; the configured one at start).
    var blockGasLimit: UInt64

    /// What evm_snapshot saves.
    struct Snapshot {
        let headNumber: UInt64
        let undoSequence: Int64
        let timeOffset: Int64
        let nextTimestamp: UInt64?
    }

    /// Opens the chain: resumes from the database when it holds one, else creates genesis.
    public init(config: DevChainConfig = DevChainConfig()) throws(ChainError) {
        self.config = config
        blockGasLimit = config.gasLimit
        let wallet = HDWallet(mnemonic: config.mnemonic)
        var accounts: [Address] = []
        var keys: [Address: PrivateKey] = [:]
        for i in 0..<config.accountCount {
            do {
                let key = try PrivateKey(try wallet.accountKey(index: UInt32(i)))
                let address = Address(bytes: key.ethereumAddress)!
                accounts.append(address)
                keys[address] = key
            } catch {
                throw .unsupported("cannot derive account \(i): \(error)")
            }
        }
        self.accounts = accounts
        self.keys = keys
        do {
            store = try ChainStore(path: config.databasePath ?? ":memory:", synchronousFull: config.synchronousFull)
        } catch {
            throw .storage(error.description)
        }
        // Placeholder until genesis is loaded or created below.
        head = Block(header: BlockHeader(parentHash: .zero, coinbase: .zero, stateRoot: .zero, transactionsRoot: .zero,
                                         receiptsRoot: .zero, logsBloom: Bloom(), number: 0, gasLimit: config.gasLimit,
                                         gasUsed: 0, timestamp: 0, extraData: [], mixHash: .zero,
                                         baseFeePerGas: config.initialBaseFee), transactions: [], senders: [], receipts: [])
        do {
            if let number = try store.headNumber() {
                if let stored = try store.meta("chainId"), let chain = try? RLP.decode(stored).asUnsigned(UInt64.self),
                   chain != config.chainID {
                    throw ChainError.unsupported("database holds chain \(chain), not \(config.chainID)")
                }
                try store.loadState(into: state)
                guard let record = try store.blockRecord(number: number) else { throw ChainError.storage("head block \(number) missing") }
                head = try loadBlock(number: number) ?? Block(header: record.header, transactions: [], senders: [], receipts: [])
                if let offset = try store.meta("timeOffset"), let value = try? RLP.decode(offset).asUnsigned(UInt64.self) {
                    timeOffset = Int64(bitPattern: value)
                }
                for n in (number >= 256 ? number - 256 : 0)...number {
                    if let r = try store.blockRecord(number: n) { recentHashes[n] = r.hash }
                }
                // Verify the loaded state against the root committed with the last state change (the
                // head block's, unless anvil_* edits came after it).
                let root = state.stateRoot()
                let expected = try store.meta("stateRoot").flatMap { Bytes32(bytes: $0) } ?? head.header.stateRoot
                guard root == expected else {
                    throw ChainError.storage("state root \(root.hex) does not match the committed root \(expected.hex)")
                }
                try installMissingSystemContracts()
            } else {
                try createGenesis()
            }
            try store.createPoolTable()
            try loadQueued()
        } catch let error as ChainError {
            throw error
        } catch let error as SQLiteError {
            throw .storage(error.description)
        } catch {
            throw .storage(String(describing: error))
        }
    }

    private func createGenesis() throws {
        var diff = StateDiff()
        for address in accounts { diff.accounts[address] = AccountRecord(balance: config.initialBalance) }
        // EIP-4788's beacon-roots contract (every fork the dev chain runs has it, as Anvil's Cancun genesis does).
        DevChain.predeploy(SystemContracts.beaconRootsCode, at: SystemContracts.beaconRootsAddress, into: &diff)
        if config.rules.blockHashHistory {
            // EIP-2935's history contract, as a Prague chain's genesis holds it.
            DevChain.predeploy(SystemContracts.historyStorageCode, at: SystemContracts.historyStorageAddress, into: &diff)
        }
        if config.rules.executionRequests {
            // EIP-7002's and EIP-7251's request contracts, with empty storage (the excess is zero, not the
            // EXCESS_INHIBITOR their deployment transactions set, so the fee is 1 wei from the first block).
            DevChain.predeploy(SystemContracts.withdrawalRequestCode, at: SystemContracts.withdrawalRequestAddress, into: &diff)
            DevChain.predeploy(SystemContracts.consolidationRequestCode, at: SystemContracts.consolidationRequestAddress,
                               into: &diff)
        }
        let undo = state.apply(diff)
        let header = BlockHeader(parentHash: .zero, coinbase: config.coinbase, stateRoot: state.stateRoot(),
                                 transactionsRoot: MerklePatriciaTrie.emptyRootHash,
                                 receiptsRoot: MerklePatriciaTrie.emptyRootHash, logsBloom: Bloom(), number: 0,
                                 gasLimit: config.gasLimit, gasUsed: 0,
                                 timestamp: config.genesisTimestamp ?? UInt64(Date().timeIntervalSince1970),
                                 extraData: [], mixHash: .zero, baseFeePerGas: config.initialBaseFee,
                                 requestsHash: config.rules.executionRequests ? ExecutionRequests.emptyHash : nil)
        let genesis = Block(header: header, transactions: [], senders: [], receipts: [])
        try store.db.transaction {
            try store.setMeta("chainId", RLP.encode(.unsigned(config.chainID)))
            let first = try store.nextUndoSequence()
            try store.writeStateChanges(undo, state: state, block: 0, newCode: diff.code)
            try store.writeBlock(genesis, firstUndo: first)
            try store.setMeta("stateRoot", header.stateRoot.bytes)
            try store.setMeta("genesisUndo", RLP.encode(.unsigned(UInt64(try store.nextUndoSequence()))))
        }
        head = genesis
        recentHashes[0] = genesis.hash
    }

    /// A database written by an older build lacks the EIP-4788 beacon-roots contract, and one written before
    /// its fork had EIP-7002/7251 (an older build, or a Cancun chain reopened with `--hardfork prague`) lacks
    /// the request contracts, without which no block is valid: they are added as an administrative change (as
    /// anvil_setCode would), only where no account exists at all, so a contract whose code a user removed
    /// stays removed. Blocks mined before keep their state: a replay of one finds no beacon-roots code, so
    /// its EIP-4788 call is the no-op it was.
    private func installMissingSystemContracts() throws(ChainError) {
        var contracts = [(SystemContracts.beaconRootsAddress, SystemContracts.beaconRootsCode)]
        if config.rules.executionRequests {
            contracts += [(SystemContracts.withdrawalRequestAddress, SystemContracts.withdrawalRequestCode),
                          (SystemContracts.consolidationRequestAddress, SystemContracts.consolidationRequestCode)]
        }
        var diff = StateDiff()
        for (address, code) in contracts where state.account(address) == nil {
            DevChain.predeploy(code, at: address, into: &diff)
        }
        if !diff.accounts.isEmpty { try applyAdministrative(diff) }
    }

    /// Adds a genesis account holding `code` (nonce 1, as a deployed contract has).
    private static func predeploy(_ code: [UInt8], at address: Address, into diff: inout StateDiff) {
        let hash = Keccak256.hash(code)
        diff.accounts[address] = AccountRecord(nonce: 1, balance: .zero, codeHash: hash)
        diff.code[hash] = code
    }

    /// Runs `body` under the chain's lock.
    func locked<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: Reads

    /// The head block's number.
    public var blockNumber: UInt64 { locked { head.header.number } }

    /// The head block.
    public var headBlock: Block { locked { head } }

    /// The base fee the next block will have.
    public var nextBaseFee: UInt256 { locked { head.header.nextBaseFee } }

    /// The blob base fee the next block will have (EIP-4844's price of its excess blob gas).
    public var nextBlobBaseFee: UInt256 { locked { config.rules.blobs.baseFee(excessBlobGas: nextExcessBlobGas) } }

    /// A block by number, with its transactions and receipts.
    public func block(number: UInt64) -> Block? {
        locked { number == head.header.number ? head : (try? loadBlock(number: number)) ?? nil }
    }

    /// A block by hash.
    public func block(hash: Bytes32) -> Block? {
        locked {
            if hash == head.hash { return head }
            guard let number = try? store.blockNumber(hash: hash) else { return nil }
            return (try? loadBlock(number: number)) ?? nil
        }
    }

    func loadBlock(number: UInt64) throws -> Block? {
        guard let record = try store.blockRecord(number: number) else { return nil }
        var txs: [Transaction] = [], senders: [Address] = [], receipts: [Receipt] = []
        for hash in record.transactionHashes {
            guard let stored = try store.transaction(hash: hash), let receipt = try store.receipt(hash: hash) else {
                throw ChainError.storage("transaction \(hash.hex) of block \(number) missing")
            }
            txs.append(stored.transaction)
            senders.append(stored.sender)
            receipts.append(receipt)
        }
        var block = Block(header: record.header, transactions: txs, senders: senders, receipts: receipts)
        block.hash = record.hash
        return block
    }

    /// A transaction and where it is.
    public func transaction(hash: Bytes32) -> StoredTransaction? { locked { (try? store.transaction(hash: hash)) ?? nil } }

    /// A receipt, with the transaction's block hash and first log index.
    public func receipt(hash: Bytes32) -> (receipt: Receipt, transaction: StoredTransaction, blockHash: Bytes32, firstLogIndex: Int)? {
        locked {
            guard let stored = (try? store.transaction(hash: hash)) ?? nil, let receipt = (try? store.receipt(hash: hash)) ?? nil,
                  let record = (try? store.blockRecord(number: stored.blockNumber)) ?? nil else { return nil }
            let first = (try? store.firstLogIndex(block: stored.blockNumber, transactionIndex: stored.index)) ?? 0
            return (receipt, stored, record.hash, first)
        }
    }

    /// Logs matching a filter, at most `limit` of them; blocks after the head are ignored.
    public func logs(from: UInt64, to: UInt64, addresses: [Address], topics: [[Bytes32]?],
                     limit: Int = Int.max) throws(ChainError) -> [PlacedLog] {
        lock.lock()
        defer { lock.unlock() }
        let last = min(to, head.header.number)
        guard from <= last else { return [] }
        do { return try store.logs(from: from, to: last, addresses: addresses, topics: topics, limit: limit) }
        catch { throw .storage(error.description) }
    }

    /// The account at `address` in block `number` (nil: latest), or nil when it does not exist.
    public func account(_ address: Address, block number: UInt64? = nil) throws(ChainError) -> AccountRecord? {
        lock.lock()
        defer { lock.unlock() }
        guard let number, number < head.header.number else { return state.account(address) }
        let seq = try undoSequence(after: number)
        do {
            if case .some(let old) = try store.historicalAccount(address, before: seq) { return old }
        } catch { throw .storage(error.description) }
        return state.account(address)
    }

    /// The code of `address` in block `number` (nil: latest).
    public func code(_ address: Address, block number: UInt64? = nil) throws(ChainError) -> [UInt8] {
        guard let account = try account(address, block: number) else { return [] }
        return locked { state.code(hash: account.codeHash) ?? [] }
    }

    /// A storage slot of `address` in block `number` (nil: latest).
    public func storage(_ address: Address, slot: Bytes32, block number: UInt64? = nil) throws(ChainError) -> Bytes32 {
        lock.lock()
        defer { lock.unlock() }
        guard let number, number < head.header.number else { return state.storageValue(address, slot) }
        let seq = try undoSequence(after: number)
        do {
            if let old = try store.historicalSlot(address, slot, before: seq) { return old }
        } catch { throw .storage(error.description) }
        return state.storageValue(address, slot)
    }

    /// The first undo sequence number written after block `number` (the state at the end of block
    /// `number` is the current state with every later undo entry reverted).
    func undoSequence(after number: UInt64) throws(ChainError) -> Int64 {
        do {
            guard let record = try store.blockRecord(number: number + 1) else { throw ChainError.notFound("block \(number + 1)") }
            return record.firstUndo
        } catch let error as ChainError { throw error }
        catch { throw .storage(String(describing: error)) }
    }

    /// The private key of a dev account, if it is one.
    public func key(for address: Address) -> PrivateKey? { locked { keys[address] } }

    /// True when the chain can send for `address` without a signature (dev account or impersonated).
    public func canSend(from address: Address) -> Bool { locked { keys[address] != nil || impersonated.contains(address) } }

    /// The pending transactions (interval mining).
    public var pendingTransactions: [Transaction] { locked { pool.map(\.0) } }
}
