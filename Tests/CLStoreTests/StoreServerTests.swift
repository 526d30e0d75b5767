import CLPrimitives
import CLStore
import Foundation
import Testing

@Suite("Store over HTTP", .serialized)
struct StoreServerTests {
    @Test("GET /KEY serves the bytes, a missing key is 404 (missing), a tampered file is refused by the client")
    func serveAndVerify() async throws {
        let store = try ContentStore(path: temporaryDirectory("serve"))
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let key = try store.add(bytes)
        let server = StoreServer(store: store, host: "127.0.0.1", port: 0)
        let port = try server.start()
        defer { server.stop() }
        let client = StoreClient(sources: [.http(URL(string: "http://127.0.0.1:\(port)")!)])
        #expect(try await client.fetch(key) == bytes)

        let absent = Keccak256.hash([0])
        do {
            _ = try await client.fetch(absent)
            Issue.record("expected StoreError.missing")
        } catch {
            #expect(error == .missing(key: absent, attempts: ["http://127.0.0.1:\(port): not found"]))
        }

        // Tamper with the file on disk: the server serves it as it is, the client refuses it.
        try Data([1, 2, 3]).write(to: store.directory.appendingPathComponent(ContentStore.fileName(key)))
        let refusals = Refusals()
        let checking = StoreClient(sources: [.http(URL(string: "http://127.0.0.1:\(port)")!)]) { refusals.add($0) }
        await #expect(throws: StoreError.self) { try await checking.fetch(key) }
        #expect(refusals.all == [.hashMismatch(source: "http://127.0.0.1:\(port)", key: key, actual: Keccak256.hash([1, 2, 3]))])
    }

    @Test("an unreachable store is skipped for the next one")
    func unreachableIsSkipped() async throws {
        let store = try ContentStore(path: temporaryDirectory("fallback"))
        let key = try store.add([5, 5, 5])
        let client = StoreClient(sources: [.http(URL(string: "http://127.0.0.1:1")!), .directory(store)], timeout: 5)
        #expect(try await client.fetch(key) == [5, 5, 5])
    }
}
