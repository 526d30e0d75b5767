import CLHarness
import CLPrimitives

/// Serves a `ContentStore` over HTTP (`chainlearn store serve`), on the node's own swift-nio server
/// (`CLHarness.HTTPServer`): `GET /KEY` (64 hex digits, `0x` optional) answers the entry's bytes as
/// `application/octet-stream`, 404 when there is none, 400 for a path that is not a key, 405 for another
/// method; `GET /` answers the number of entries. The server checks nothing it serves: clients verify every
/// answer against its key, so a store needs no trust.
public final class StoreServer: Sendable {
    /// The store served.
    public let store: ContentStore
    private let server: HTTPServer

    /// A server for `store` on `host:port` (port 0 picks a free one).
    public init(store: ContentStore, host: String, port: UInt16) {
        self.store = store
        server = HTTPServer(host: host, port: port) { request in StoreServer.answer(request, store: store) }
    }

    /// Binds and listens; returns the bound port.
    @discardableResult
    public func start() throws(HTTPServerError) -> UInt16 { try server.start() }

    /// Stops listening and closes connections.
    public func stop() { server.stop() }

    /// The answer to one request.
    static func answer(_ request: HTTPRequest, store: ContentStore) -> HTTPResponse {
        guard request.method == "GET" else {
            return HTTPResponse(status: 405, contentType: "text/plain", body: Array("only GET /KEY\n".utf8))
        }
        let path = String(request.path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        let name = path.hasPrefix("/") ? String(path.dropFirst()) : path
        if name.isEmpty {
            let count = (try? store.keys().count) ?? 0
            return HTTPResponse(status: 200, contentType: "text/plain", body: Array("chainlearn store: \(count) entries\n".utf8))
        }
        let key: Bytes32
        do { key = try parseStoreKey(name) } catch {
            return HTTPResponse(status: 400, contentType: "text/plain", body: Array("\(error)\n".utf8))
        }
        do {
            guard let bytes = try store.get(key) else {
                return HTTPResponse(status: 404, contentType: "text/plain", body: Array("no entry \(key.hex)\n".utf8))
            }
            return HTTPResponse(status: 200, contentType: "application/octet-stream", body: bytes)
        } catch {
            return HTTPResponse(status: 500, contentType: "text/plain", body: Array("\(error)\n".utf8))
        }
    }
}
