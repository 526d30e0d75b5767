import CLPrimitives

/// JSON shapes of blocks, transactions, receipts and logs, as geth returns them.
enum RPCFormat {
    static func quantity(_ value: UInt64) -> JSON { .string("0x" + String(value, radix: 16)) }
    static func quantity(_ value: Int) -> JSON { .string("0x" + String(value, radix: 16)) }
    static func quantity(_ value: UInt256) -> JSON { .string(value.hexQuantity) }
    static func data(_ bytes: [UInt8]) -> JSON { .string(Hex.encode(bytes, prefix: true)) }
    static func hash(_ value: Bytes32) -> JSON { .string(value.hex) }
    static func address(_ value: Address) -> JSON { .string(value.hex) }
    static func optionalAddress(_ value: Address?) -> JSON { value.map(address) ?? .null }

    static func transaction(_ tx: Transaction, sender: Address, blockHash: Bytes32?, blockNumber: UInt64?, index: Int?,
                            baseFee: UInt256?) -> JSON {
        var members: [(String, JSON)] = [
            ("blockHash", blockHash.map(hash) ?? .null),
            ("blockNumber", blockNumber.map { quantity($0) } ?? .null),
            ("from", address(sender)),
            ("gas", quantity(tx.gasLimit)),
            ("gasPrice", quantity(baseFee.map { tx.effectiveGasPrice(baseFee: $0) } ?? tx.feeCap)),
            ("hash", hash(tx.hash)),
            ("input", data(tx.data)),
            ("nonce", quantity(tx.nonce)),
            ("to", optionalAddress(tx.to)),
            ("transactionIndex", index.map { quantity($0) } ?? .null),
            ("value", quantity(tx.value)),
            ("type", quantity(UInt64(tx.type.rawValue))),
        ]
        if tx.type != .legacy {
            members.append(("accessList", .array(tx.accessList.map {
                .object([("address", address($0.address)), ("storageKeys", .array($0.storageKeys.map(hash)))])
            })))
            members.append(("chainId", quantity(tx.chainID ?? 0)))
        } else if let chain = tx.chainID {
            members.append(("chainId", quantity(chain)))
        }
        if tx.type == .dynamicFee || tx.type == .blob || tx.type == .setCode {
            members.append(("maxFeePerGas", quantity(tx.maxFeePerGas)))
            members.append(("maxPriorityFeePerGas", quantity(tx.maxPriorityFeePerGas)))
        }
        if tx.type == .blob {
            members.append(("maxFeePerBlobGas", quantity(tx.maxFeePerBlobGas)))
            members.append(("blobVersionedHashes", .array(tx.blobVersionedHashes.map(hash))))
        }
        if tx.type == .setCode {
            members.append(("authorizationList", .array(tx.authorizationList.map {
                .object([("chainId", quantity($0.chainId)), ("address", address($0.address)), ("nonce", quantity($0.nonce)),
                         ("yParity", quantity($0.yParity)), ("r", quantity($0.r)), ("s", quantity($0.s))])
            })))
        }
        let signature = tx.signature
        members.append(("v", quantity(tx.type == .legacy ? tx.legacyV : UInt256(UInt64(signature?.v ?? 0)))))
        members.append(("r", quantity(UInt256(signature?.r ?? .zero))))
        members.append(("s", quantity(UInt256(signature?.s ?? .zero))))
        if tx.type != .legacy { members.append(("yParity", quantity(UInt64(signature?.v ?? 0)))) }
        return .object(members)
    }

    static func block(_ block: Block, fullTransactions: Bool) -> JSON {
        let h = block.header
        let txs: [JSON] = block.transactions.enumerated().map { i, tx in
            fullTransactions
                ? transaction(tx, sender: block.senders[i], blockHash: block.hash, blockNumber: h.number, index: i, baseFee: h.baseFeePerGas)
                : hash(tx.hash)
        }
        let size = h.encoded.count + block.transactions.reduce(0) { $0 + $1.encoded.count } + 8
        var members: [(String, JSON)] = [
            ("number", quantity(h.number)), ("hash", hash(block.hash)), ("parentHash", hash(h.parentHash)),
            ("nonce", .string("0x0000000000000000")), ("sha3Uncles", hash(BlockHeader.emptyOmmersHash)),
            ("logsBloom", data(h.logsBloom.bytes)), ("transactionsRoot", hash(h.transactionsRoot)),
            ("stateRoot", hash(h.stateRoot)), ("receiptsRoot", hash(h.receiptsRoot)), ("miner", address(h.coinbase)),
            ("difficulty", .string("0x0")), ("totalDifficulty", .string("0x0")), ("extraData", data(h.extraData)),
            ("size", quantity(size)), ("gasLimit", quantity(h.gasLimit)), ("gasUsed", quantity(h.gasUsed)),
            ("timestamp", quantity(h.timestamp)), ("transactions", .array(txs)), ("uncles", .array([])),
            ("baseFeePerGas", quantity(h.baseFeePerGas)), ("mixHash", hash(h.mixHash)),
            ("withdrawals", .array([])), ("withdrawalsRoot", hash(BlockHeader.emptyWithdrawalsRoot)),
            ("blobGasUsed", quantity(h.blobGasUsed)), ("excessBlobGas", quantity(h.excessBlobGas)),
            ("parentBeaconBlockRoot", hash(h.parentBeaconBlockRoot)),
        ]
        if let requestsHash = h.requestsHash { members.append(("requestsHash", hash(requestsHash))) }
        return .object(members)
    }

    static func log(_ log: PlacedLog) -> JSON {
        .object([
            ("address", address(log.log.address)), ("topics", .array(log.log.topics.map(hash))), ("data", data(log.log.data)),
            ("blockNumber", quantity(log.blockNumber)), ("blockHash", hash(log.blockHash)),
            ("transactionHash", hash(log.transactionHash)), ("transactionIndex", quantity(log.transactionIndex)),
            ("logIndex", quantity(log.logIndex)), ("removed", .bool(false)),
        ])
    }

    static func receipt(_ receipt: Receipt, stored: StoredTransaction, blockHash: Bytes32, firstLogIndex: Int) -> JSON {
        let tx = stored.transaction
        let logs = receipt.logs.enumerated().map { i, entry in
            log(PlacedLog(log: entry, blockNumber: stored.blockNumber, blockHash: blockHash, logIndex: firstLogIndex + i,
                          transactionHash: tx.hash, transactionIndex: stored.index))
        }
        return .object([
            ("transactionHash", hash(tx.hash)), ("transactionIndex", quantity(stored.index)),
            ("blockHash", hash(blockHash)), ("blockNumber", quantity(stored.blockNumber)),
            ("from", address(stored.sender)), ("to", optionalAddress(tx.to)),
            ("cumulativeGasUsed", quantity(receipt.cumulativeGasUsed)), ("gasUsed", quantity(receipt.gasUsed)),
            ("contractAddress", optionalAddress(receipt.contractAddress)), ("logs", .array(logs)),
            ("logsBloom", data(receipt.bloom.bytes)), ("type", quantity(UInt64(receipt.type.rawValue))),
            ("status", quantity(receipt.succeeded ? 1 as UInt64 : 0)),
            ("effectiveGasPrice", quantity(receipt.effectiveGasPrice)),
        ])
    }
}
