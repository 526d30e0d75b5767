import CLHarness

/// Serves the monitor: `GET /` the page, `GET /api/state` the latest snapshot (JSON), `GET /metrics` the alert
/// metrics (Prometheus text format).
public final class MonitorServer: Sendable {
    private let server: HTTPServer

    /// A server for `monitor` on `host:port` (port 0 picks a free one).
    public init(monitor: DeploymentMonitor, host: String, port: UInt16) {
        server = HTTPServer(host: host, port: port) { request in
            guard request.method == "GET" else { return HTTPResponse(status: 405, contentType: "text/plain", body: Array("GET only\n".utf8)) }
            let path = String(request.path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            switch path {
            case "/", "/index.html":
                return HTTPResponse(status: 200, contentType: "text/html; charset=utf-8", body: Array(MonitorPage.html.utf8))
            case "/api/state":
                return HTTPResponse(status: 200, contentType: "application/json", body: monitor.snapshotText)
            case "/metrics":
                return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4", body: monitor.registry.emitToBuffer())
            default:
                return HTTPResponse(status: 404, contentType: "text/plain", body: Array("not found\n".utf8))
            }
        }
    }

    /// Binds and listens; returns the bound port.
    @discardableResult
    public func start() throws(HTTPServerError) -> UInt16 { try server.start() }

    /// Stops listening.
    public func stop() { server.stop() }
}
