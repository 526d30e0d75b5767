import CLPrimitives
import Foundation

/// A content-addressed store in one local directory: each entry is a file named by its key (64 lowercase hex
/// digits, no prefix). The key is normally `keccak256` of the bytes, the hash tasks commit to for models,
/// inputs and every preimage the guest reads; `put(_:as:)` stores under a key computed otherwise (a program
/// under its FPVM program hash), which the caller has verified.
///
/// Writes are atomic: the bytes go to a temporary file in the same directory, which is then renamed over the
/// entry, so a reader (or a crash) never sees a half-written entry. The store trusts nothing it reads back:
/// a file changed on disk is served as it is, and every client checks the hash (`StoreClient`).
public struct ContentStore: Sendable {
    /// The directory holding the entries.
    public let directory: URL

    /// A store in `path`, created (with its parents) when missing.
    public init(path: String) throws(StoreError) {
        directory = URL(fileURLWithPath: path, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .io("cannot create \(path): \(error.localizedDescription)")
        }
    }

    /// The file name of `key`.
    public static func fileName(_ key: Bytes32) -> String { String(key.hex.dropFirst(2)) }

    /// Stores `bytes` under `keccak256(bytes)`; returns the key.
    @discardableResult
    public func add(_ bytes: [UInt8]) throws(StoreError) -> Bytes32 {
        let key = Keccak256.hash(bytes)
        try put(bytes, as: key)
        return key
    }

    /// Stores `bytes` under `key` (replacing an entry with the same key), atomically.
    public func put(_ bytes: [UInt8], as key: Bytes32) throws(StoreError) {
        let target = directory.appendingPathComponent(Self.fileName(key))
        let temporary = directory.appendingPathComponent(".\(Self.fileName(key)).\(UUID().uuidString).tmp")
        do {
            try Data(bytes).write(to: temporary)
        } catch {
            throw .io("cannot write \(temporary.path): \(error.localizedDescription)")
        }
        // rename(2) replaces the target in one step: readers see the old entry or the new one, never a part.
        if rename(temporary.path, target.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .io("cannot rename into \(target.path): \(reason)")
        }
    }

    /// The bytes under `key` as they are on disk, or nil when there is no such entry.
    public func get(_ key: Bytes32) throws(StoreError) -> [UInt8]? {
        let file = directory.appendingPathComponent(Self.fileName(key))
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        do {
            return [UInt8](try Data(contentsOf: file))
        } catch {
            throw .io("cannot read \(file.path): \(error.localizedDescription)")
        }
    }

    /// Whether an entry exists under `key`.
    public func contains(_ key: Bytes32) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(Self.fileName(key)).path)
    }

    /// The keys of every entry (temporary files and foreign names skipped).
    public func keys() throws(StoreError) -> [Bytes32] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw .io("cannot list \(directory.path): \(error.localizedDescription)")
        }
        return names.compactMap { try? parseStoreKey($0) }.sorted { $0.hex < $1.hex }
    }
}
