import CLEVM
import CLPrimitives

/// Block building: the transactions, the system calls around them and the header fields they produce.
///
/// The order is the execution specs' `apply_body`: the EIP-4788 beacon-root call, (Prague) the EIP-2935
/// parent-hash call; the transactions,
/// each within the block's gas, blob gas (EIP-4844/EIP-7691) and, under Osaka, size (EIP-7934) limits; then
/// (Prague) the EIP-7685 requests: EIP-6110 deposits parsed from the deposit contract's logs, and the
/// EIP-7002 and EIP-7251 system calls that dequeue withdrawal and consolidation requests. The dev chain has
/// no beacon chain: its parent beacon block root is `parentBeaconBlockRoot(parentHash:)` and its blocks have
/// no withdrawals.
extension DevChain {
    /// The parent beacon block root a mined block carries (and gives EIP-4788's call): with no beacon chain,
    /// Keccak-256 of the parent's hash, so that it is deterministic, different in every block and never the
    /// zero word (the genesis header keeps zero, as EIP-4788 requires of a genesis).
    static func parentBeaconBlockRoot(parentHash: Bytes32) -> Bytes32 { Keccak256.hash(parentHash.bytes) }

    /// Why one attempt to build a block stopped.
    private enum BuildStop: Error {
        /// The transaction at this index emitted a malformed deposit event: the block may not hold it.
        case badDeposit(index: Int, DepositLogError)
        /// The transaction at this index, once run, took the block's RLP past EIP-7934's limit (its gas used
        /// lengthened the header's `gasUsed`): it waits for the next block.
        case tooLarge(index: Int)
        /// The block cannot be built at all.
        case chain(ChainError)
    }

    /// Mines one block holding `transactions` (each already validated statelessly). A transaction the
    /// EVM refuses is left out; when `strict` is set the block is not mined at all and the error thrown.
    /// So is one whose blobs would pass the block's blob gas limit. Under Osaka a transaction that would
    /// take the block's RLP (`BlockSize`: header, transactions, ommers, withdrawals, as the specs' `Block`)
    /// past EIP-7934's MAX_RLP_BLOCK_SIZE is not dropped but put in `deferred`, with every later transaction
    /// of its sender, to wait for the next block (when `strict`, the error is thrown). A successful
    /// transaction that emits a malformed `DepositEvent` from the deposit contract would make the block
    /// invalid (EIP-6110): the block is built again without it. When an EIP-7002/EIP-7251 system call
    /// fails (its contract's code removed or replaced by anvil_setCode), the block would be invalid:
    /// nothing is mined and the error is thrown. The block and its state are committed to the database in
    /// one transaction.
    @discardableResult
    func mine(_ transactions: [(Transaction, Address)], strict: Bool) throws(ChainError) -> Block {
        var deferred: [(Transaction, Address)] = []
        return try mine(transactions, strict: strict, deferred: &deferred)
    }

    /// `mine(_:strict:)`, giving back in `deferred` the transactions left for the next block.
    func mine(_ transactions: [(Transaction, Address)], strict: Bool,
              deferred: inout [(Transaction, Address)]) throws(ChainError) -> Block {
        var candidates = transactions
        while true {
            var skipped: [(Transaction, Address)] = []
            do {
                let block = try build(candidates, strict: strict, deferred: &skipped)
                deferred += skipped
                return block
            } catch {
                switch error {
                case .badDeposit(let index, let why):
                    let tx = candidates[index].0
                    if strict { throw .rejected("transaction \(tx.hash.hex) emits an invalid deposit event: \(why)") }
                    candidates.remove(at: index)
                case .tooLarge(let index):
                    let sender = candidates[index].1
                    if strict { throw .rejected(blockSizeMessage) }
                    var kept = Array(candidates[..<index])
                    for candidate in candidates[index...] {
                        if candidate.1 == sender { deferred.append(candidate) } else { kept.append(candidate) }
                    }
                    candidates = kept
                case .chain(let failure):
                    throw failure
                }
            }
        }
    }

    /// The refusal of a transaction the block cannot hold (EIP-7934, the specs' words).
    var blockSizeMessage: String {
        "block rlp size exceeds MAX_RLP_BLOCK_SIZE (\(config.rules.maxBlockSize ?? 0) bytes, EIP-7934)"
    }

    /// One attempt at the block of `mine`; transactions left for the next block go in `deferred`.
    private func build(_ transactions: [(Transaction, Address)], strict: Bool,
                       deferred: inout [(Transaction, Address)]) throws(BuildStop) -> Block {
        let rules = config.rules
        let timestamp = timestampForNextBlock()
        let environment = nextBlockEnvironment(timestamp: timestamp)
        let evmState = CLEVM.WorldState(backend: ChainStateBackend(chain: self))
        let evm = EVM(state: evmState, block: environment, context: TransactionContext(origin: .zero, gasPrice: .zero), rules: rules)
        var included: [Transaction] = [], senders: [Address] = [], receipts: [Receipt] = []
        var gasUsed: UInt64 = 0, blobGasUsed: UInt64 = 0
        var transactionBytes = 0
        var deferredSenders: Set<Address> = []
        var deposits: [UInt8] = []
        // EIP-4788, then EIP-2935: the parent beacon block root and the parent's hash go into their contracts
        // before any transaction.
        let beaconRoot = DevChain.parentBeaconBlockRoot(parentHash: head.hash)
        evm.storeParentBeaconBlockRoot(beaconRoot)
        evm.storeParentHash(head.hash)
        // EIP-7934: the block's RLP length if it ended with `bytes` of transaction items and these gas
        // figures (every other header field is known before the transactions, or has a fixed length).
        func blockLength(transactionBytes bytes: Int, gasUsed: UInt64, blobGasUsed: UInt64) -> Int {
            let header = BlockHeader(parentHash: head.hash, coinbase: environment.coinbase, stateRoot: .zero,
                                     transactionsRoot: .zero, receiptsRoot: .zero, logsBloom: Bloom(),
                                     number: environment.number, gasLimit: environment.gasLimit, gasUsed: gasUsed,
                                     timestamp: environment.timestamp, extraData: [], mixHash: environment.prevRandao,
                                     baseFeePerGas: environment.baseFee, blobGasUsed: blobGasUsed,
                                     excessBlobGas: environment.excessBlobGas,
                                     parentBeaconBlockRoot: .zero, requestsHash: rules.executionRequests ? .zero : nil)
            return BlockSize.blockLength(headerLength: header.encoded.count, transactionBytes: bytes)
        }
        for (index, (tx, sender)) in transactions.enumerated() {
            if deferredSenders.contains(sender) {
                deferred.append((tx, sender))
                continue
            }
            let blobGas = tx.type == .blob ? BlobParameters.gasPerBlob * UInt64(tx.blobVersionedHashes.count) : 0
            // EIP-7934: the header's gasUsed after the transaction lies in [gasUsed, gasUsed + its gas limit],
            // and a longer number never encodes shorter: the bounds decide, except within a few bytes of the
            // limit, where the transaction is run and the block measured with its gas used.
            var sizeUndecided = false
            let itemLength = rules.maxBlockSize == nil ? 0 : BlockSize.itemLength(tx)
            if let limit = rules.maxBlockSize {
                let bytes = transactionBytes + itemLength
                let (most, overflow) = gasUsed.addingReportingOverflow(tx.gasLimit)
                if blockLength(transactionBytes: bytes, gasUsed: gasUsed, blobGasUsed: blobGasUsed + blobGas) > limit {
                    if strict { throw .chain(.rejected(blockSizeMessage)) }
                    deferredSenders.insert(sender)
                    deferred.append((tx, sender))
                    continue
                }
                sizeUndecided = overflow
                    || blockLength(transactionBytes: bytes, gasUsed: most, blobGasUsed: blobGasUsed + blobGas) > limit
            }
            if blobGasUsed + blobGas > rules.blobs.maxBlobGas {
                if strict { throw .chain(.rejected("blob gas limit exceeded: block has \(blobGasUsed), transaction \(blobGas), limit \(rules.blobs.maxBlobGas)")) }
                continue
            }
            let result: TransactionResult
            do {
                result = try evm.executeTransaction(DevChain.evmTransaction(tx, sender: sender),
                                                    blockGasAvailable: environment.gasLimit - gasUsed)
            } catch {
                if strict {
                    throw .chain(.rejected(DevChain.message(for: error, sender: sender, tx: tx,
                                                            balance: state.account(sender)?.balance ?? .zero,
                                                            baseFee: environment.baseFee)))
                }
                continue
            }
            if sizeUndecided, let limit = rules.maxBlockSize,
               blockLength(transactionBytes: transactionBytes + itemLength, gasUsed: gasUsed + result.gasUsed,
                           blobGasUsed: blobGasUsed + result.blobGasUsed) > limit {
                throw .tooLarge(index: index)
            }
            transactionBytes += itemLength
            if rules.executionRequests {
                // EIP-6110: the deposit contract's events become deposit requests (a failed transaction
                // has no logs).
                do {
                    deposits += try DepositRequests.parse(result.logs, contract: config.depositContract)
                } catch {
                    throw .badDeposit(index: index, error)
                }
            }
            gasUsed += result.gasUsed
            blobGasUsed += result.blobGasUsed
            included.append(tx)
            senders.append(sender)
            receipts.append(Receipt(type: tx.type, succeeded: result.status == .success, cumulativeGasUsed: gasUsed,
                                    gasUsed: result.gasUsed,
                                    logs: result.logs.map { Log(address: $0.address, topics: $0.topics, data: $0.data) },
                                    contractAddress: result.createdAddress, effectiveGasPrice: result.effectiveGasPrice))
        }
        var requestsHash: Bytes32?
        if rules.executionRequests {
            // EIP-7002 and EIP-7251: dequeue the withdrawal and consolidation requests; EIP-7685: commit all three.
            do {
                let outputs = try evm.dequeueRequests()
                let lists = ExecutionRequests.lists(deposits: deposits, withdrawals: outputs.withdrawals,
                                                    consolidations: outputs.consolidations)
                requestsHash = ExecutionRequests.hash(lists)
            } catch {
                throw .chain(.rejected("the block would be invalid: \(error)"))
            }
        }
        do {
            return try commit(diff: stateDiff(of: evmState), transactions: included, senders: senders, receipts: receipts,
                              environment: environment, gasUsed: gasUsed, blobGasUsed: blobGasUsed,
                              parentBeaconBlockRoot: beaconRoot, requestsHash: requestsHash)
        } catch {
            throw .chain(error)
        }
    }

    /// The block's changes, read out of the EVM's cache.
    func stateDiff(of evmState: CLEVM.WorldState) -> StateDiff {
        var diff = StateDiff()
        for address in evmState.changedAccounts {
            guard let account = evmState.accounts[address] else { continue }
            if !account.exists {
                if state.account(address) != nil { diff.accounts[address] = .some(nil) }
                continue
            }
            diff.accounts[address] = AccountRecord(nonce: account.nonce, balance: account.balance, codeHash: account.codeHash)
            if !account.code.isEmpty && state.code(hash: account.codeHash) == nil { diff.code[account.codeHash] = account.code }
            if account.storageCleared && state.storage[address] != nil { diff.clearedStorage.insert(address) }
            for (key, value) in account.storage { diff.storage[address, default: [:]][key.bytes32] = value.bytes32 }
        }
        return diff
    }

    /// Applies `diff`, builds the header and writes everything in one database transaction; on failure
    /// the in-memory state is rolled back and nothing is written.
    func commit(diff: StateDiff, transactions: [Transaction], senders: [Address], receipts: [Receipt],
                environment: BlockEnvironment, gasUsed: UInt64, blobGasUsed: UInt64 = 0,
                parentBeaconBlockRoot: Bytes32 = .zero, requestsHash: Bytes32? = nil) throws(ChainError) -> Block {
        let undo = state.apply(diff)
        var bloom = Bloom()
        for receipt in receipts { bloom.formUnion(receipt.bloom) }
        let header = BlockHeader(parentHash: head.hash, coinbase: environment.coinbase, stateRoot: state.stateRoot(),
                                 transactionsRoot: MerklePatriciaTrie.orderedRootHash(transactions.map(\.encoded)),
                                 receiptsRoot: MerklePatriciaTrie.orderedRootHash(receipts.map(\.encoded)),
                                 logsBloom: bloom, number: environment.number, gasLimit: environment.gasLimit,
                                 gasUsed: gasUsed, timestamp: environment.timestamp, extraData: [],
                                 mixHash: environment.prevRandao, baseFeePerGas: environment.baseFee,
                                 blobGasUsed: blobGasUsed, excessBlobGas: environment.excessBlobGas,
                                 parentBeaconBlockRoot: parentBeaconBlockRoot, requestsHash: requestsHash)
        let block = Block(header: header, transactions: transactions, senders: senders, receipts: receipts)
        do {
            try store.db.transaction {
                let first = try store.nextUndoSequence()
                try store.writeStateChanges(undo, state: state, block: header.number, newCode: diff.code)
                try store.writeBlock(block, firstUndo: first)
                try store.setMeta("stateRoot", header.stateRoot.bytes)
            }
        } catch {
            state.undo(undo)
            _ = state.stateRoot()
            throw .storage(String(describing: error))
        }
        head = block
        nextTimestamp = nil
        recentHashes[header.number] = block.hash
        if header.number >= 257 { recentHashes[header.number - 257] = nil }
        notifyBlock(block)
        return block
    }
}
