import CLPrimitives

/// The SQLite schema and every read and write the chain makes.
///
/// Layout (see docs/ARCHITECTURE.md, "Harness persistence"):
/// - `meta(key, value)`: chain id, head number.
/// - `blocks(number, hash, header, tx_hashes)`: header RLP; transaction hashes concatenated.
/// - `transactions(hash, block, idx, raw, sender)`; `receipts(tx_hash, block, idx, body)` (receipt RLP plus
///   the fields consensus does not encode); `logs(block, log_index, tx_hash, tx_index, address, topics, data)`.
/// - `accounts`, `storage`, `code`: the current state.
/// - `undo(seq, block, address, slot, old)`: what each change overwrote, for snapshots, reverts and
///   historical queries.
///
/// A block and all its state changes are written in one SQLite transaction: after a crash the
/// database holds every committed block and nothing of a block being written.
public final class ChainStore {
    /// The underlying connection.
    public let db: SQLiteDatabase

    /// Opens `path` (or `:memory:`), switches to WAL and creates the schema if needed.
    public init(path: String, synchronousFull: Bool = false) throws(SQLiteError) {
        db = try SQLiteDatabase(path: path)
        if path != ":memory:" {
            // Small pages: a block commit touches about ten B-tree pages, and each is written whole to
            // the WAL, so 1 KiB pages write a quarter of the bytes 4 KiB pages would. (Takes effect
            // only when the file is created.) A larger auto-checkpoint spaces out the checkpoints' fsyncs.
            try db.execute("PRAGMA page_size=1024")
            // One node per database: exclusive locking keeps the file's locks for the connection's
            // lifetime (a second node fails to open it), and keeps the WAL index in process memory.
            try db.execute("PRAGMA locking_mode=EXCLUSIVE")
            try db.execute("PRAGMA journal_mode=WAL")
            try db.execute("PRAGMA wal_autocheckpoint=8192")
            // NORMAL in WAL mode: a commit survives the process being killed (the WAL is in the OS
            // page cache); FULL also survives power loss, at an fsync per block.
            try db.execute("PRAGMA synchronous=\(synchronousFull ? "FULL" : "NORMAL")")
        }
        try db.execute("""
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS blocks(number INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE,
                header BLOB NOT NULL, tx_hashes BLOB NOT NULL, first_undo INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS transactions(hash BLOB PRIMARY KEY, block INTEGER NOT NULL,
                idx INTEGER NOT NULL, raw BLOB NOT NULL, sender BLOB NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS receipts(tx_hash BLOB PRIMARY KEY, block INTEGER NOT NULL,
                idx INTEGER NOT NULL, body BLOB NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS logs(block INTEGER NOT NULL, log_index INTEGER NOT NULL,
                tx_hash BLOB NOT NULL, tx_index INTEGER NOT NULL, address BLOB NOT NULL, topics BLOB NOT NULL,
                data BLOB NOT NULL, PRIMARY KEY(block, log_index)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS logs_by_address ON logs(address, block);
            CREATE TABLE IF NOT EXISTS accounts(address BLOB PRIMARY KEY, nonce INTEGER NOT NULL,
                balance BLOB NOT NULL, code_hash BLOB NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS storage(address BLOB NOT NULL, slot BLOB NOT NULL, value BLOB NOT NULL,
                PRIMARY KEY(address, slot)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS code(hash BLOB PRIMARY KEY, bytes BLOB NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS undo(seq INTEGER PRIMARY KEY, block INTEGER NOT NULL, address BLOB NOT NULL,
                slot BLOB, old BLOB);
            CREATE INDEX IF NOT EXISTS undo_by_key ON undo(address, slot, seq);
            """)
        // Take the write lock now (held until close in exclusive mode), so a second node fails at once.
        try db.execute("BEGIN IMMEDIATE; INSERT OR REPLACE INTO meta(key, value) VALUES('opened', x'01'); COMMIT")
    }

    // MARK: Meta

    /// A meta value.
    public func meta(_ key: String) throws(SQLiteError) -> [UInt8]? {
        try db.query("SELECT value FROM meta WHERE key = ?", [.text(key)]).first?.first?.blob
    }

    /// Sets a meta value.
    public func setMeta(_ key: String, _ value: [UInt8]) throws(SQLiteError) {
        try db.run("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", [.text(key), .blob(value)])
    }

    // MARK: State

    /// Loads the whole current state into `state`.
    public func loadState(into state: ChainState) throws(SQLiteError) {
        for row in try db.query("SELECT bytes FROM code") { state.addCode(row[0].blob ?? []) }
        for row in try db.query("SELECT address, nonce, balance, code_hash FROM accounts") {
            guard let address = Address(bytes: row[0].blob ?? []),
                  let balance = UInt256(bigEndianBytes: row[2].blob ?? []),
                  let codeHash = Bytes32(bytes: row[3].blob ?? []) else { continue }
            state.setAccount(address, AccountRecord(nonce: UInt64(bitPattern: row[1].integer ?? 0), balance: balance,
                                                    codeHash: codeHash))
        }
        for row in try db.query("SELECT address, slot, value FROM storage") {
            guard let address = Address(bytes: row[0].blob ?? []), let slot = Bytes32(bytes: row[1].blob ?? []),
                  let value = Bytes32(bytes: row[2].blob ?? []) else { continue }
            state.setSlot(address, slot, value)
        }
    }

    static func encodeAccount(_ account: AccountRecord?) -> SQLiteValue {
        guard let account else { return .null }
        return .blob(RLP.encode(.list([.unsigned(account.nonce), .bytes(account.balance.minimalBigEndianBytes),
                                       .bytes(account.codeHash.bytes)])))
    }

    static func decodeAccount(_ value: SQLiteValue) -> AccountRecord? {
        guard let bytes = value.blob, let fields = try? RLP.decode(bytes).asList(count: 3),
              let nonce = try? fields[0].asUnsigned(UInt64.self),
              let balance = (try? fields[1].asUnsignedBigEndian()).flatMap({ UInt256(bigEndianBytes: $0) }),
              let codeHash = try? fields[2].asBytes32() else { return nil }
        return AccountRecord(nonce: nonce, balance: balance, codeHash: codeHash)
    }

    /// Writes state changes and their undo entries (inside the caller's SQLite transaction).
    /// `undo` is in the order `ChainState.apply` returned it (last change first).
    public func writeStateChanges(_ undo: [UndoEntry], state: ChainState, block: UInt64, newCode: [Bytes32: [UInt8]])
        throws(SQLiteError) {
        for (hash, bytes) in newCode {
            try db.run("INSERT OR IGNORE INTO code(hash, bytes) VALUES(?, ?)", [.blob(hash.bytes), .blob(bytes)])
        }
        var accountsWritten: Set<Address> = []
        var slotsWritten: Set<[UInt8]> = []
        for entry in undo.reversed() {
            switch entry {
            case .account(let address, let old):
                try db.run("INSERT INTO undo(block, address, slot, old) VALUES(?, ?, NULL, ?)",
                           [.integer(Int64(block)), .blob(address.bytes), ChainStore.encodeAccount(old)])
                guard accountsWritten.insert(address).inserted else { continue }
                if let now = state.account(address) {
                    try db.run("INSERT OR REPLACE INTO accounts(address, nonce, balance, code_hash) VALUES(?, ?, ?, ?)",
                               [.blob(address.bytes), .integer(Int64(bitPattern: now.nonce)),
                                .blob(now.balance.minimalBigEndianBytes), .blob(now.codeHash.bytes)])
                } else {
                    try db.run("DELETE FROM accounts WHERE address = ?", [.blob(address.bytes)])
                }
            case .storage(let address, let slot, let old):
                try db.run("INSERT INTO undo(block, address, slot, old) VALUES(?, ?, ?, ?)",
                           [.integer(Int64(block)), .blob(address.bytes), .blob(slot.bytes), .blob(old.bytes)])
                guard slotsWritten.insert(address.bytes + slot.bytes).inserted else { continue }
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

    /// The next undo sequence number.
    public func nextUndoSequence() throws(SQLiteError) -> Int64 {
        (try db.query("SELECT COALESCE(MAX(seq), 0) + 1 FROM undo").first?.first?.integer) ?? 1
    }

    /// Undo entries with `seq >= from`, newest first.
    public func undoEntries(from seq: Int64) throws(SQLiteError) -> [UndoEntry] {
        var entries: [UndoEntry] = []
        for row in try db.query("SELECT address, slot, old FROM undo WHERE seq >= ? ORDER BY seq DESC", [.integer(seq)]) {
            guard let address = Address(bytes: row[0].blob ?? []) else { continue }
            if let slotBytes = row[1].blob, let slot = Bytes32(bytes: slotBytes) {
                entries.append(.storage(address, slot, Bytes32(bytes: row[2].blob ?? []) ?? .zero))
            } else {
                entries.append(.account(address, ChainStore.decodeAccount(row[2])))
            }
        }
        return entries
    }

    /// The account at `address` as it was before undo sequence `seq` (nil: absent), or `.none` when no
    /// change since then touched it (the current value holds).
    public func historicalAccount(_ address: Address, before seq: Int64) throws(SQLiteError) -> AccountRecord?? {
        guard let row = try db.query("SELECT old FROM undo WHERE address = ? AND slot IS NULL AND seq >= ? ORDER BY seq LIMIT 1",
                                     [.blob(address.bytes), .integer(seq)]).first else { return .none }
        return .some(ChainStore.decodeAccount(row[0]))
    }

    /// True when a change since undo sequence `seq` overwrote a non-zero slot of `address`.
    public func hadStorage(_ address: Address, since seq: Int64) throws(SQLiteError) -> Bool {
        try !db.query("SELECT 1 FROM undo WHERE address = ? AND slot IS NOT NULL AND seq >= ? AND old != ? LIMIT 1",
                      [.blob(address.bytes), .integer(seq), .blob(Bytes32.zero.bytes)]).isEmpty
    }

    /// The slot value as it was before undo sequence `seq`, or nil when unchanged since.
    public func historicalSlot(_ address: Address, _ slot: Bytes32, before seq: Int64) throws(SQLiteError) -> Bytes32? {
        guard let row = try db.query("SELECT old FROM undo WHERE address = ? AND slot = ? AND seq >= ? ORDER BY seq LIMIT 1",
                                     [.blob(address.bytes), .blob(slot.bytes), .integer(seq)]).first else { return nil }
        return Bytes32(bytes: row[0].blob ?? []) ?? .zero
    }
}
