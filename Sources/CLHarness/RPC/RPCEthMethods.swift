import CLEVM
import CLPrimitives

extension RPCServer {
    /// The block number a selector names for a state read: nil for the head's (current) state.
    func stateBlock(_ selector: BlockSelector) throws(RPCError) -> UInt64? {
        let head = chain.blockNumber
        switch selector {
        case .latest: return nil
        case .earliest: return head == 0 ? nil : 0
        case .number(let n):
            if n > head { throw .server("header not found") }
            return n == head ? nil : n
        case .hash(let hash):
            guard let block = chain.block(hash: hash) else { throw .server("header for hash \(hash.hex) not found") }
            return block.header.number == head ? nil : block.header.number
        }
    }

    /// The block number a selector names for a block read.
    func blockNumber(_ selector: BlockSelector) -> UInt64? {
        switch selector {
        case .latest: chain.blockNumber
        case .earliest: 0
        case .number(let n): n
        case .hash(let hash): chain.block(hash: hash)?.header.number
        }
    }

    /// The `eth_`, `net_` and `web3_` methods; nil when `method` is none of them.
    func ethMethod(_ method: String, _ p: RPCParams, _ meter: ExecutionMeter) throws(RPCError) -> JSON? {
        switch method {
        case "eth_chainId": return RPCFormat.quantity(chain.config.chainID)
        case "eth_config": return ethConfig()
        case "net_version": return .string(String(chain.config.chainID))
        case "net_listening": return .bool(true)
        case "net_peerCount": return RPCFormat.quantity(0 as UInt64)
        case "web3_clientVersion": return .string(RPCServer.clientVersion)
        case "web3_sha3": return RPCFormat.hash(Keccak256.hash(try RPCParams.bytes(try p.required(0, "data"), "data")))
        case "eth_syncing": return .bool(false)
        case "eth_mining": return .bool(chain.automine)
        case "eth_hashrate": return RPCFormat.quantity(0 as UInt64)
        case "eth_coinbase": return RPCFormat.address(chain.config.coinbase)
        case "eth_blockNumber": return RPCFormat.quantity(chain.blockNumber)
        case "eth_accounts": return .array(chain.accounts.map(RPCFormat.address))
        case "eth_gasPrice": return RPCFormat.quantity(chain.nextBaseFee &+ RPCServer.defaultTip)
        case "eth_maxPriorityFeePerGas": return RPCFormat.quantity(RPCServer.defaultTip)
        case "eth_blobBaseFee": return RPCFormat.quantity(chain.nextBlobBaseFee)
        case "eth_getBalance":
            let address = try RPCParams.address(try p.required(0, "address"))
            let block = try stateBlock(try RPCParams.block(p.optional(1)))
            return RPCFormat.quantity(try chainCall { () throws(ChainError) in try chain.account(address, block: block)?.balance ?? .zero })
        case "eth_getTransactionCount":
            let address = try RPCParams.address(try p.required(0, "address"))
            let block = try stateBlock(try RPCParams.block(p.optional(1)))
            var nonce = try chainCall { () throws(ChainError) in try chain.account(address, block: block)?.nonce ?? 0 }
            if p.optional(1)?.stringValue == "pending" {
                nonce += UInt64(chain.pendingTransactionsWithSenders.filter { $0 == address }.count)
            }
            return RPCFormat.quantity(nonce)
        case "eth_getCode":
            let address = try RPCParams.address(try p.required(0, "address"))
            let block = try stateBlock(try RPCParams.block(p.optional(1)))
            return RPCFormat.data(try chainCall { () throws(ChainError) in try chain.code(address, block: block) })
        case "eth_getStorageAt":
            let address = try RPCParams.address(try p.required(0, "address"))
            let slot = try RPCParams.storageKey(try p.required(1, "slot"), "slot")
            let block = try stateBlock(try RPCParams.block(p.optional(2)))
            return RPCFormat.hash(try chainCall { () throws(ChainError) in try chain.storage(address, slot: slot, block: block) })
        case "eth_call":
            let request = capped(try RPCParams.callRequest(try p.required(0, "transaction")))
            let block = try stateBlock(try RPCParams.block(p.optional(1)))
            let outcome = try chainCall { () throws(ChainError) in try chain.simulate(request, block: block, meter: meter) }
            switch outcome.status {
            case .success: return RPCFormat.data(outcome.output)
            case .revert: throw .reverted(outcome.output)
            default: throw .server("execution failed: \(outcome.status)")
            }
        case "eth_estimateGas":
            let request = capped(try RPCParams.callRequest(try p.required(0, "transaction")))
            let block = try stateBlock(try RPCParams.block(p.optional(1)))
            switch try chainCall({ () throws(ChainError) in try chain.estimateGas(request, block: block, meter: meter) }) {
            case .gas(let gas): return RPCFormat.quantity(gas)
            case .failed(let outcome):
                if outcome.status == .revert { throw .reverted(outcome.output) }
                    throw .server("gas required exceeds allowance (\(request.gas ?? min(chain.config.defaultCallGas, limits.gasCap))): \(outcome.status)")
            }
        case "eth_sendRawTransaction":
            let raw = try RPCParams.bytes(try p.required(0, "transaction"), "transaction")
            return RPCFormat.hash(try chainCall { () throws(ChainError) in try chain.sendRawTransaction(raw) })
        case "eth_sendTransaction":
            let request = try RPCParams.callRequest(try p.required(0, "transaction"))
            return RPCFormat.hash(try chainCall { () throws(ChainError) in try chain.sendTransaction(request) })
        case "eth_getTransactionByHash":
            let hash = try RPCParams.hash(try p.required(0, "hash"), "hash")
            if let stored = chain.transaction(hash: hash), let block = chain.block(number: stored.blockNumber) {
                return RPCFormat.transaction(stored.transaction, sender: stored.sender, blockHash: block.hash,
                                             blockNumber: stored.blockNumber, index: stored.index, baseFee: block.header.baseFeePerGas)
            }
            if let (tx, sender) = chain.pendingTransaction(hash: hash) {
                return RPCFormat.transaction(tx, sender: sender, blockHash: nil, blockNumber: nil, index: nil, baseFee: nil)
            }
            return .null
        case "eth_getTransactionReceipt":
            let hash = try RPCParams.hash(try p.required(0, "hash"), "hash")
            guard let found = chain.receipt(hash: hash) else { return .null }
            return RPCFormat.receipt(found.receipt, stored: found.transaction, blockHash: found.blockHash, firstLogIndex: found.firstLogIndex)
        case "eth_getBlockByNumber":
            let selector = try RPCParams.block(try p.required(0, "block"))
            let full = try fullFlag(p)
            guard let number = blockNumber(selector), let block = chain.block(number: number) else { return .null }
            return RPCFormat.block(block, fullTransactions: full)
        case "eth_getBlockByHash":
            let hash = try RPCParams.hash(try p.required(0, "hash"), "hash")
            let full = try fullFlag(p)
            guard let block = chain.block(hash: hash) else { return .null }
            return RPCFormat.block(block, fullTransactions: full)
        case "eth_getBlockTransactionCountByNumber":
            guard let number = blockNumber(try RPCParams.block(try p.required(0, "block"))),
                  let block = chain.block(number: number) else { return .null }
            return RPCFormat.quantity(block.transactions.count)
        case "eth_getBlockTransactionCountByHash":
            guard let block = chain.block(hash: try RPCParams.hash(try p.required(0, "hash"), "hash")) else { return .null }
            return RPCFormat.quantity(block.transactions.count)
        case "eth_getUncleCountByBlockNumber", "eth_getUncleCountByBlockHash":
            return RPCFormat.quantity(0 as UInt64)
        case "eth_getTransactionByBlockNumberAndIndex", "eth_getTransactionByBlockHashAndIndex":
            let block: Block?
            if method.hasSuffix("NumberAndIndex") {
                block = blockNumber(try RPCParams.block(try p.required(0, "block"))).flatMap { chain.block(number: $0) }
            } else {
                block = chain.block(hash: try RPCParams.hash(try p.required(0, "hash"), "hash"))
            }
            let index = Int(clamping: try RPCParams.quantity(try p.required(1, "index"), "index"))
            guard let block, index < block.transactions.count else { return .null }
            return RPCFormat.transaction(block.transactions[index], sender: block.senders[index], blockHash: block.hash,
                                         blockNumber: block.header.number, index: index, baseFee: block.header.baseFeePerGas)
        case "eth_getRawTransactionByHash":
            let hash = try RPCParams.hash(try p.required(0, "hash"), "hash")
            guard let stored = chain.transaction(hash: hash) else { return .null }
            return RPCFormat.data(stored.transaction.encoded)
        case "eth_getLogs":
            return try logs(matching: try LogFilter(try p.required(0, "filter")))
        case "eth_feeHistory":
            return try feeHistory(p)
        default:
            return nil
        }
    }

    /// `request` with its gas limit lowered to the RPC gas cap and the fork's transaction gas cap
    /// (EIP-7825; without a gas field, the block gas limit is the start), as geth caps eth_call and
    /// eth_estimateGas.
    func capped(_ request: CallRequest) -> CallRequest {
        var request = request
        let forkCap = chain.config.rules.transactionGasCap ?? UInt64.max
        request.gas = min(request.gas ?? chain.gasLimit, limits.gasCap, forkCap)
        return request
    }

    /// The default priority fee (1 gwei), as Anvil suggests.
    static let defaultTip = UInt256(1_000_000_000 as UInt64)

    private func fullFlag(_ p: RPCParams) throws(RPCError) -> Bool {
        guard let flag = p.optional(1) else { return false }
        guard let value = flag.boolValue else { throw .invalidParams("full transactions flag: expected a boolean") }
        return value
    }

    /// Runs a chain call, turning its error into the JSON-RPC error.
    func chainCall<T>(_ body: () throws(ChainError) -> T) throws(RPCError) -> T {
        do { return try body() } catch { throw error.rpcError }
    }

    private func feeHistory(_ p: RPCParams) throws(RPCError) -> JSON {
        // geth reads the count as hex or decimal (math.HexOrDecimal64).
        let countValue = try p.required(0, "blockCount")
        let count: UInt64
        if let text = countValue.stringValue, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            guard let parsed = UInt64(text) else { throw .invalidParams("blockCount: number > 64 bits") }
            count = parsed
        } else {
            count = try RPCParams.quantity(countValue, "blockCount")
        }
        guard let newest = blockNumber(try RPCParams.block(try p.required(1, "newestBlock"))), newest <= chain.blockNumber else {
            throw .server("newest block not found")
        }
        var percentiles: [Double] = []
        let requested = p.optional(2)?.arrayValue ?? []
        if let given = p.optional(2), given.arrayValue == nil { throw .invalidParams("reward percentiles: expected an array") }
        if requested.count > limits.maxRewardPercentiles {
            throw RPCLimits.exceeded("invalid reward percentile: over the query limit \(limits.maxRewardPercentiles) (--max-fee-history-percentiles)")
        }
        for item in requested {
            guard case .number(let text) = item, let value = Double(text), value >= 0, value <= 100 else {
                throw .invalidParams("reward percentiles must be numbers between 0 and 100")
            }
            if let last = percentiles.last, value < last { throw .invalidParams("reward percentiles must be increasing") }
            percentiles.append(value)
        }
        let blocks = max(1, min(count, limits.maxFeeHistoryBlocks, newest + 1))
        let oldest = newest + 1 - blocks
        var baseFees: [JSON] = [], ratios: [JSON] = [], rewards: [JSON] = []
        // EIP-4844 fields, as geth returns them: each block's blob base fee (from its excess blob gas) and the
        // next block's, and blob gas used over the fork's maximum per block.
        let rules = chain.config.rules
        var blobBaseFees: [JSON] = [], blobRatios: [JSON] = []
        for number in oldest...newest {
            guard let block = chain.block(number: number) else { throw .server("block \(number) not found") }
            let h = block.header
            baseFees.append(RPCFormat.quantity(h.baseFeePerGas))
            ratios.append(.number(String(Double(h.gasUsed) / Double(max(h.gasLimit, 1)))))
            blobBaseFees.append(RPCFormat.quantity(rules.blobs.baseFee(excessBlobGas: h.excessBlobGas)))
            blobRatios.append(.number(String(Double(h.blobGasUsed) / Double(rules.blobs.maxBlobGas))))
            if !percentiles.isEmpty {
                let tips = block.transactions.enumerated().map { i, tx in
                    (tx.effectiveGasPrice(baseFee: h.baseFeePerGas) &- h.baseFeePerGas, block.receipts[i].gasUsed)
                }.sorted { $0.0 < $1.0 }
                var row: [JSON] = []
                for percentile in percentiles {
                    guard !tips.isEmpty else { row.append(RPCFormat.quantity(UInt256.zero)); continue }
                    let threshold = Double(h.gasUsed) * percentile / 100
                    var cumulative: UInt64 = 0
                    var chosen = tips.last!.0
                    for (tip, gas) in tips {
                        cumulative += gas
                        if Double(cumulative) >= threshold { chosen = tip; break }
                    }
                    row.append(RPCFormat.quantity(chosen))
                }
                rewards.append(.array(row))
            }
            if number == newest {
                baseFees.append(RPCFormat.quantity(h.nextBaseFee))
                let nextExcess = rules.excessBlobGas(parentExcess: h.excessBlobGas, parentUsed: h.blobGasUsed,
                                                     parentBaseFee: h.baseFeePerGas)
                blobBaseFees.append(RPCFormat.quantity(rules.blobs.baseFee(excessBlobGas: nextExcess)))
            }
        }
        var members: [(String, JSON)] = [("oldestBlock", RPCFormat.quantity(oldest)), ("baseFeePerGas", .array(baseFees)),
                                         ("gasUsedRatio", .array(ratios)), ("baseFeePerBlobGas", .array(blobBaseFees)),
                                         ("blobGasUsedRatio", .array(blobRatios))]
        if !percentiles.isEmpty { members.append(("reward", .array(rewards))) }
        return .object(members)
    }
}
