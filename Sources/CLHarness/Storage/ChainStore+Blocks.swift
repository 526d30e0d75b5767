import CLPrimitives

/// A transaction as stored: where it was included and by whom.
public struct StoredTransaction: Sendable {
    /// The transaction.
    public var transaction: Transaction
    /// Its sender.
    public var sender: Address
    /// Including block's number.
    public var blockNumber: UInt64
    /// Position in the block.
    public var index: Int
}

/// A log with its position on the chain, as eth_getLogs returns it.
public struct PlacedLog: Sendable {
    /// The log.
    public var log: Log
    /// Block number.
    public var blockNumber: UInt64
    /// Block hash.
    public var blockHash: Bytes32
    /// Index in the block.
    public var logIndex: Int
    /// Transaction hash.
    public var transactionHash: Bytes32
    /// Transaction index.
    public var transactionIndex: Int
}

extension ChainStore {
    static func encodeReceipt(_ receipt: Receipt) -> [UInt8] {
        RLP.encode(.list([.unsigned(receipt.type.rawValue), .unsigned(receipt.succeeded ? 1 as UInt8 : 0),
                          .unsigned(receipt.cumulativeGasUsed), .unsigned(receipt.gasUsed),
                          .list(receipt.logs.map(\.rlpItem)), .bytes(receipt.contractAddress?.bytes ?? []),
                          .bytes(receipt.effectiveGasPrice.minimalBigEndianBytes)]))
    }

    static func decodeReceipt(_ bytes: [UInt8]) -> Receipt? {
        guard let f = try? RLP.decode(bytes).asList(count: 7),
              let typeByte = try? f[0].asUnsigned(UInt8.self), let type = TransactionType(rawValue: typeByte),
              let status = try? f[1].asUnsigned(UInt8.self), let cumulative = try? f[2].asUnsigned(UInt64.self),
              let used = try? f[3].asUnsigned(UInt64.self), let logItems = try? f[4].asList(),
              let contract = try? f[5].asBytes(),
              let price = (try? f[6].asUnsignedBigEndian()).flatMap({ UInt256(bigEndianBytes: $0) }) else { return nil }
        var logs: [Log] = []
        for item in logItems {
            guard let parts = try? item.asList(count: 3), let address = (try? parts[0].asBytes()).flatMap({ Address(bytes: $0) }),
                  let topicItems = try? parts[1].asList(), let data = try? parts[2].asBytes() else { return nil }
            let topics = topicItems.compactMap { try? $0.asBytes32() }
            logs.append(Log(address: address, topics: topics, data: data))
        }
        return Receipt(type: type, succeeded: status == 1, cumulativeGasUsed: cumulative, gasUsed: used, logs: logs,
                       contractAddress: contract.isEmpty ? nil : Address(bytes: contract), effectiveGasPrice: price)
    }

    /// Writes a block, its transactions, receipts and logs (inside the caller's SQLite transaction).
    public func writeBlock(_ block: Block, firstUndo: Int64) throws(SQLiteError) {
        let number = Int64(block.header.number)
        let txHashes = block.transactions.map(\.hash)
        try db.run("INSERT INTO blocks(number, hash, header, tx_hashes, first_undo) VALUES(?, ?, ?, ?, ?)",
                   [.integer(number), .blob(block.hash.bytes), .blob(block.header.encoded),
                    .blob(txHashes.flatMap(\.bytes)), .integer(firstUndo)])
        var logIndex = 0
        for (i, tx) in block.transactions.enumerated() {
            try db.run("INSERT INTO transactions(hash, block, idx, raw, sender) VALUES(?, ?, ?, ?, ?)",
                       [.blob(txHashes[i].bytes), .integer(number), .integer(Int64(i)), .blob(tx.encoded),
                        .blob(block.senders[i].bytes)])
            let receipt = block.receipts[i]
            try db.run("INSERT INTO receipts(tx_hash, block, idx, body) VALUES(?, ?, ?, ?)",
                       [.blob(txHashes[i].bytes), .integer(number), .integer(Int64(i)), .blob(ChainStore.encodeReceipt(receipt))])
            for log in receipt.logs {
                try db.run("INSERT INTO logs(block, log_index, tx_hash, tx_index, address, topics, data) VALUES(?, ?, ?, ?, ?, ?, ?)",
                           [.integer(number), .integer(Int64(logIndex)), .blob(txHashes[i].bytes), .integer(Int64(i)),
                            .blob(log.address.bytes), .blob(log.topics.flatMap(\.bytes)), .blob(log.data)])
                logIndex += 1
            }
        }
        try setMeta("head", RLP.encode(.unsigned(block.header.number)))
    }

    /// The head block number recorded, or nil for an empty database.
    public func headNumber() throws(SQLiteError) -> UInt64? {
        try db.query("SELECT MAX(number) FROM blocks").first?.first?.integer.map { UInt64($0) }
    }

    /// The header, hash and transaction hashes of block `number`.
    public func blockRecord(number: UInt64) throws(SQLiteError) -> (header: BlockHeader, hash: Bytes32, transactionHashes: [Bytes32], firstUndo: Int64)? {
        guard let row = try db.query("SELECT header, hash, tx_hashes, first_undo FROM blocks WHERE number = ?",
                                     [.integer(Int64(clamping: number))]).first,
              let header = try? BlockHeader.decode(row[0].blob ?? []), let hash = Bytes32(bytes: row[1].blob ?? []) else { return nil }
        let hashBytes = row[2].blob ?? []
        let hashes = stride(from: 0, to: hashBytes.count, by: 32).compactMap { Bytes32(bytes: hashBytes[$0..<$0 + 32]) }
        return (header, hash, hashes, row[3].integer ?? 0)
    }

    /// The number of the block with `hash`.
    public func blockNumber(hash: Bytes32) throws(SQLiteError) -> UInt64? {
        try db.query("SELECT number FROM blocks WHERE hash = ?", [.blob(hash.bytes)]).first?.first?.integer.map { UInt64($0) }
    }

    /// A stored transaction by hash.
    public func transaction(hash: Bytes32) throws(SQLiteError) -> StoredTransaction? {
        guard let row = try db.query("SELECT raw, sender, block, idx FROM transactions WHERE hash = ?", [.blob(hash.bytes)]).first,
              let tx = try? Transaction.decode(row[0].blob ?? []), let sender = Address(bytes: row[1].blob ?? []) else { return nil }
        return StoredTransaction(transaction: tx, sender: sender, blockNumber: UInt64(row[2].integer ?? 0), index: Int(row[3].integer ?? 0))
    }

    /// A receipt by transaction hash.
    public func receipt(hash: Bytes32) throws(SQLiteError) -> Receipt? {
        guard let row = try db.query("SELECT body FROM receipts WHERE tx_hash = ?", [.blob(hash.bytes)]).first else { return nil }
        return ChainStore.decodeReceipt(row[0].blob ?? [])
    }

    /// The first log index of transaction `index` in block `number`.
    public func firstLogIndex(block number: UInt64, transactionIndex index: Int) throws(SQLiteError) -> Int {
        Int(try db.query("SELECT COUNT(*) FROM logs WHERE block = ? AND tx_index < ?",
                         [.integer(Int64(clamping: number)), .integer(Int64(index))]).first?.first?.integer ?? 0)
    }

    /// Logs in blocks `from...to` (optionally from the given addresses) whose topics match `topics`
    /// (position i: nil matches anything, else one of the listed values); at most `limit` of them
    /// (the caller asks for one more than it allows, to tell that a query has too many).
    public func logs(from: UInt64, to: UInt64, addresses: [Address], topics: [[Bytes32]?],
                     limit: Int = Int.max) throws(SQLiteError) -> [PlacedLog] {
        var sql = "SELECT l.block, l.log_index, l.tx_hash, l.tx_index, l.address, l.topics, l.data, b.hash FROM logs l JOIN blocks b ON b.number = l.block WHERE l.block >= ? AND l.block <= ?"
        var values: [SQLiteValue] = [.integer(Int64(clamping: from)), .integer(Int64(clamping: to))]
        if !addresses.isEmpty {
            sql += " AND l.address IN (" + addresses.map { _ in "?" }.joined(separator: ",") + ")"
            values += addresses.map { .blob($0.bytes) }
        }
        sql += " ORDER BY l.block, l.log_index"
        var out: [PlacedLog] = []
        for row in try db.query(sql, values) {
            let topicBytes = row[5].blob ?? []
            let logTopics = stride(from: 0, to: topicBytes.count, by: 32).compactMap { Bytes32(bytes: topicBytes[$0..<$0 + 32]) }
            var matches = true
            for (i, wanted) in topics.enumerated() {
                guard let wanted else { continue }
                if i >= logTopics.count || !wanted.contains(logTopics[i]) { matches = false; break }
            }
            guard matches, let address = Address(bytes: row[4].blob ?? []), let txHash = Bytes32(bytes: row[2].blob ?? []),
                  let blockHash = Bytes32(bytes: row[7].blob ?? []) else { continue }
            out.append(PlacedLog(log: Log(address: address, topics: logTopics, data: row[6].blob ?? []),
                                 blockNumber: UInt64(row[0].integer ?? 0), blockHash: blockHash,
                                 logIndex: Int(row[1].integer ?? 0), transactionHash: txHash,
                                 transactionIndex: Int(row[3].integer ?? 0)))
            if out.count >= limit { break }
        }
        return out
    }

    /// Deletes blocks above `number` with their transactions, receipts and logs, and undo entries from `undoSeq` on.
    public func deleteBlocks(above number: UInt64, undoFrom undoSeq: Int64) throws(SQLiteError) {
        let n = SQLiteValue.integer(Int64(clamping: number))
        try db.run("DELETE FROM logs WHERE block > ?", [n])
        try db.run("DELETE FROM receipts WHERE block > ?", [n])
        try db.run("DELETE FROM transactions WHERE block > ?", [n])
        try db.run("DELETE FROM blocks WHERE number > ?", [n])
        try db.run("DELETE FROM undo WHERE seq >= ?", [.integer(undoSeq)])
        try setMeta("head", RLP.encode(.unsigned(number)))
    }

    /// Rewrites the current-state rows of the accounts and slots `entries` touch, from `state`.
    public func rewriteState(for entries: [UndoEntry], from state: ChainState) throws(SQLiteError) {
        for entry in entries {
            switch entry {
            case .account(let address, _):
                if let now = state.account(address) {
                    try db.run("INSERT OR REPLACE INTO accounts(address, nonce, balance, code_hash) VALUES(?, ?, ?, ?)",
                               [.blob(address.bytes), .integer(Int64(bitPattern: now.nonce)),
                                .blob(now.balance.minimalBigEndianBytes), .blob(now.codeHash.bytes)])
                } else {
                    try db.run("DELETE FROM accounts WHERE address = ?", [.blob(address.bytes)])
                }
            case .storage(let address, let slot, _):
                let now = state.storageValue(address, slot)
                if now.isZero {
                    try db.run("DELETE FROM storage WHERE address = ? AND slot = ?", [.blob(address.bytes), .blob(slot.bytes)])
                } else {
                    try db.run("INSERT OR REPLACE INTO storage(address, slot, value) VALUES(?, ?, ?)",
                               [.blob(address.bytes), .blob(slot.bytes), .blob(now.bytes)])
                }
            }
        }
    }
}
