import CLPrimitives
import CLStore
import Foundation
import Testing

/// A fresh directory under the system's temporary directory.
func temporaryDirectory(_ name: String) -> String {
    let path = NSTemporaryDirectory() + "clstore-\(name)-\(UUID().uuidString)"
    return path
}

@Suite("Content-addressed store")
struct ContentStoreTests {
    @Test("add stores the bytes under keccak256 and get returns them")
    func addAndGet() throws {
        let store = try ContentStore(path: temporaryDirectory("add"))
        let bytes: [UInt8] = Array("the model descriptor".utf8)
        let key = try store.add(bytes)
        #expect(key == Keccak256.hash(bytes))
        #expect(try store.get(key) == bytes)
        #expect(store.contains(key))
        #expect(try store.keys() == [key])
        #expect(try store.get(Keccak256.hash([1, 2, 3])) == nil)
    }

    @Test("an entry is written through a temporary file and renamed: no temporary file is left")
    func atomicWrite() throws {
        let path = temporaryDirectory("atomic")
        let store = try ContentStore(path: path)
        let key = try store.add([UInt8](repeating: 7, count: 100_000))
        try store.put([1, 2], as: key)
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
        #expect(names == [ContentStore.fileName(key)])
        #expect(try store.get(key) == [1, 2])
    }

    @Test("keys parse with and without 0x; anything else is a typed error", arguments: ["0x12", "zz", String(repeating: "g", count: 64), ""])
    func badKeys(text: String) {
        #expect(throws: StoreError.badKey(text)) { try parseStoreKey(text) }
    }

    @Test("a 64-digit key parses with or without its prefix")
    func goodKeys() throws {
        let key = Keccak256.hash([9])
        #expect(try parseStoreKey(key.hex) == key)
        #expect(try parseStoreKey(String(key.hex.dropFirst(2))) == key)
    }
}

@Suite("Store client")
struct StoreClientTests {
    @Test("a directory that serves tampered bytes is refused and the next store answers")
    func tamperedDirectoryIsRefused() async throws {
        let liar = try ContentStore(path: temporaryDirectory("liar"))
        let honest = try ContentStore(path: temporaryDirectory("honest"))
        let bytes: [UInt8] = Array("input tensor".utf8)
        let key = try honest.add(bytes)
        try liar.put(Array("something else".utf8), as: key)
        let refusals = Refusals()
        let client = StoreClient(sources: [.directory(liar), .directory(honest)]) { refusals.add($0) }
        #expect(try await client.fetch(key) == bytes)
        #expect(refusals.all == [.hashMismatch(source: liar.directory.path, key: key, actual: Keccak256.hash(Array("something else".utf8)))])
    }

    @Test("data no store holds is StoreError.missing, with each store's answer")
    func missingData() async throws {
        let empty = try ContentStore(path: temporaryDirectory("empty"))
        let client = StoreClient(sources: [.directory(empty)])
        let key = Keccak256.hash([42])
        do {
            _ = try await client.fetch(key)
            Issue.record("expected StoreError.missing")
        } catch {
            #expect(error == .missing(key: key, attempts: ["\(empty.directory.path): not found"]))
            #expect(error.isMissing)
        }
    }

    @Test("only the tampered store is refused: a lone lying store leaves the data missing")
    func loneLiarMeansMissing() async throws {
        let liar = try ContentStore(path: temporaryDirectory("lone"))
        let key = Keccak256.hash(Array("real".utf8))
        try liar.put(Array("fake".utf8), as: key)
        let client = StoreClient(sources: [.directory(liar)])
        await #expect(throws: StoreError.self) { try await client.fetch(key) }
    }

    @Test("a custom check (a program hash) decides what is accepted")
    func customCheck() async throws {
        let store = try ContentStore(path: temporaryDirectory("custom"))
        let bytes: [UInt8] = [1, 2, 3, 4]
        let reversedKey = Keccak256.hash(bytes.reversed())
        try store.put(bytes, as: reversedKey)
        let check = ContentCheck(name: "reversed keccak") { Keccak256.hash($0.reversed()) }
        let client = StoreClient(sources: [.directory(store)])
        #expect(try await client.fetch(reversedKey, check: check) == bytes)
        await #expect(throws: StoreError.self) { try await client.fetch(reversedKey) }
    }

    @Test("store sources: URLs are HTTP stores, other text a directory, empty text refused")
    func sources() throws {
        if case .http(let url) = try StoreSource("http://127.0.0.1:9/") { #expect(url.absoluteString == "http://127.0.0.1:9") } else {
            Issue.record("expected an HTTP source")
        }
        if case .directory = try StoreSource(temporaryDirectory("source")) {} else { Issue.record("expected a directory source") }
        #expect(throws: StoreError.badSource("")) { try StoreSource("") }
    }
}

/// Refusals heard by a client, collected across tasks.
final class Refusals: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [StoreError] = []
    func add(_ error: StoreError) { lock.withLock { list.append(error) } }
    var all: [StoreError] { lock.withLock { list } }
}
