import CSQLite

/// A failed SQLite call: the result code and SQLite's message.
public struct SQLiteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The SQLite result code.
    public let code: Int32
    /// SQLite's explanation, prefixed with what was being done.
    public let message: String
    /// `message (code n)`.
    public var description: String { "\(message) (sqlite code \(code))" }
}

/// A value bound to or read from a statement column.
public enum SQLiteValue: Equatable, Sendable {
    /// SQL NULL.
    case null
    /// A 64-bit integer.
    case integer(Int64)
    /// A byte string.
    case blob([UInt8])
    /// A UTF-8 text.
    case text(String)
}

/// The destructor constant SQLite understands as "copy the bytes now".
private let transientDestructor = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// One connection to an SQLite database (a file, or `:memory:`), with a cache of prepared statements.
///
/// Not thread-safe: the owner serialises access (the chain holds it under its lock).
public final class SQLiteDatabase {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    /// Opens (creating if needed) the database at `path`; `:memory:` for a private in-memory one.
    public init(path: String) throws(SQLiteError) {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw SQLiteError(code: rc, message: "cannot open \(path): \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, 5000)
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    private func failure(_ rc: Int32, _ doing: String) -> SQLiteError {
        SQLiteError(code: rc, message: "\(doing): \(String(cString: sqlite3_errmsg(handle)))")
    }

    /// Runs one or more statements that return no rows (schema, pragmas, BEGIN/COMMIT).
    public func execute(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        guard rc == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: "\(sql.prefix(60)): \(message)")
        }
    }

    private func prepared(_ sql: String) throws(SQLiteError) -> OpaquePointer {
        if let statement = statements[sql] {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
            return statement
        }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw failure(rc, "prepare \(sql.prefix(60))") }
        statements[sql] = statement
        return statement
    }

    private func bind(_ values: [SQLiteValue], to statement: OpaquePointer) throws(SQLiteError) {
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .integer(let v): rc = sqlite3_bind_int64(statement, index, v)
            case .text(let s): rc = sqlite3_bind_text(statement, index, s, -1, transientDestructor)
            case .blob(let bytes):
                rc = bytes.withUnsafeBytes { raw in
                    // A zero-length blob must still be a blob, not NULL: give SQLite a valid pointer.
                    sqlite3_bind_blob(statement, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), transientDestructor)
                }
            }
            guard rc == SQLITE_OK else { throw failure(rc, "bind parameter \(index)") }
        }
    }

    /// Runs a statement that returns no rows, with positional parameters.
    public func run(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) {
        let statement = try prepared(sql)
        try bind(values, to: statement)
        let rc = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw failure(rc, "run \(sql.prefix(60))") }
    }

    /// Runs a query and returns every row as an array of column values.
    public func query(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> [[SQLiteValue]] {
        let statement = try prepared(sql)
        try bind(values, to: statement)
        var rows: [[SQLiteValue]] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { sqlite3_reset(statement); throw failure(rc, "query \(sql.prefix(60))") }
            let columns = sqlite3_column_count(statement)
            var row: [SQLiteValue] = []
            row.reserveCapacity(Int(columns))
            for c in 0..<columns {
                switch sqlite3_column_type(statement, c) {
                case SQLITE_NULL: row.append(.null)
                case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(statement, c)))
                case SQLITE_TEXT: row.append(.text(String(cString: sqlite3_column_text(statement, c))))
                default:
                    let count = Int(sqlite3_column_bytes(statement, c))
                    if count == 0 { row.append(.blob([])); break }
                    let pointer = sqlite3_column_blob(statement, c)!
                    row.append(.blob(Array(UnsafeRawBufferPointer(start: pointer, count: count))))
                }
            }
            rows.append(row)
        }
        sqlite3_reset(statement)
        return rows
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`; rolls back if it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

extension SQLiteValue {
    /// The integer, or nil.
    public var integer: Int64? { if case .integer(let v) = self { v } else { nil } }
    /// The blob bytes, or nil.
    public var blob: [UInt8]? { if case .blob(let b) = self { b } else { nil } }
    /// The text, or nil.
    public var text: String? { if case .text(let t) = self { t } else { nil } }
}
