import CLHarness
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The swift-nio HTTP server in-process: concurrent clients, limits from `HTTPServerLimits`, stop.
@Suite("HTTP server") struct HTTPServerTests {
    @Test func concurrentClientsAreAllAnsweredByAFewThreads() async throws {
        let node = try TestNode()
        var limits = HTTPServerLimits()
        limits.workerThreads = 2
        let port = try node.server.start(host: "127.0.0.1", port: 0, httpLimits: limits)
        defer { node.server.stop() }
        let url = URL(string: "http://127.0.0.1:\(port)")!
        let answers = try await withThrowingTaskGroup(of: JSON.self) { group in
            for _ in 0..<48 {
                group.addTask { try await RPCClient(url: url).call("eth_chainId") }
            }
            var all: [JSON] = []
            for try await answer in group { all.append(answer) }
            return all
        }
        #expect(answers.count == 48 && answers.allSatisfy { $0 == .string("0x7a69") })
    }

    @Test func handlerGetsMethodPathHeadersAndDecodedBody() async throws {
        let seen = SeenRequests()
        let server = HTTPServer(host: "127.0.0.1", port: 0) { request in
            seen.add(request)
            return HTTPResponse(status: 200, contentType: "text/plain", body: Array("ok".utf8))
        }
        let port = try server.start()
        defer { server.stop() }
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/some/path")!)
        request.httpMethod = "POST"
        request.httpBody = Data("hello".utf8)
        request.setValue("text/plain", forHTTPHeaderField: "Content-Type")
        request.setValue("yes", forHTTPHeaderField: "X-Probe")
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200 && data == Data("ok".utf8))
        let got = try #require(seen.all.first)
        #expect(got.method == "POST" && got.path == "/some/path" && got.body == Array("hello".utf8))
        #expect(got.headers["x-probe"] == "yes" && got.headers["content-type"] == "text/plain")
    }

    @Test func badHostIsATypedError() {
        let server = HTTPServer(host: "not-an-address", port: 0) { _ in HTTPResponse(status: 200, body: []) }
        #expect(throws: HTTPServerError.badAddress("not-an-address")) { try server.start() }
    }
}

/// Requests a handler saw, from any worker thread.
final class SeenRequests: @unchecked Sendable {
    private let lock = NSLock()
    private var requests: [HTTPRequest] = []
    func add(_ request: HTTPRequest) { lock.withLock { requests.append(request) } }
    var all: [HTTPRequest] { lock.withLock { requests } }
}
