import CLPrimitives

/// The `txpool` table: queued transactions (a nonce gap before them), so that they survive a
/// restart (docs/PROTOCOL.md, "Harness database").
extension ChainStore {
    /// Creates the table when it is missing (databases written before it existed).
    func createPoolTable() throws(SQLiteError) {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS txpool(hash BLOB PRIMARY KEY, sender BLOB NOT NULL, nonce INTEGER NOT NULL,
                                              raw BLOB NOT NULL) WITHOUT ROWID;
            """)
    }

    /// Saves a queued transaction.
    func saveQueued(_ tx: Transaction, sender: Address) throws(SQLiteError) {
        try db.run("INSERT OR REPLACE INTO txpool(hash, sender, nonce, raw) VALUES (?, ?, ?, ?)",
                   [.blob(tx.hash.bytes), .blob(sender.bytes), .integer(Int64(bitPattern: tx.nonce)), .blob(tx.encoded)])
    }

    /// Removes a queued transaction (promoted, replaced or stale).
    func deleteQueued(_ hash: Bytes32) throws(SQLiteError) {
        try db.run("DELETE FROM txpool WHERE hash = ?", [.blob(hash.bytes)])
    }

    /// Every saved queued transaction with its sender (rows that no longer decode are skipped).
    func queuedTransactions() throws(SQLiteError) -> [(Transaction, Address)] {
        try db.query("SELECT raw, sender FROM txpool ORDER BY sender, nonce").compactMap { row in
            guard let tx = try? Transaction.decode(row[0].blob ?? []), let sender = Address(bytes: row[1].blob ?? []) else { return nil }
            return (tx, sender)
        }
    }
}
