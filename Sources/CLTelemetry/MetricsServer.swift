import CLHarness
import Prometheus

/// Serves a Prometheus registry in the text exposition format on `GET /metrics` (CLHarness's swift-nio HTTP
/// server), for a service's `--metrics-addr`.
public final class MetricsServer: Sendable {
    /// The registry served.
    public let registry: PrometheusCollectorRegistry
    private let server: HTTPServer

    /// A server for `registry` on `host:port` (port 0 picks a free one).
    public init(registry: PrometheusCollectorRegistry, host: String, port: UInt16) {
        self.registry = registry
        server = HTTPServer(host: host, port: port) { request in
            guard request.method == "GET" else {
                return HTTPResponse(status: 405, contentType: "text/plain", body: Array("GET /metrics\n".utf8))
            }
            guard request.path == "/metrics" || request.path.hasPrefix("/metrics?") else {
                return HTTPResponse(status: 404, contentType: "text/plain", body: Array("metrics are at /metrics\n".utf8))
            }
            return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4", body: registry.emitToBuffer())
        }
    }

    /// Binds and listens; returns the bound port.
    @discardableResult
    public func start() throws(HTTPServerError) -> UInt16 { try server.start() }

    /// Stops listening.
    public func stop() { server.stop() }
}

/// Parses `HOST:PORT` (IPv4 or a name; the port 0 … 65535).
public func parseHostPort(_ text: String) -> (host: String, port: UInt16)? {
    guard let colon = text.lastIndex(of: ":") else { return nil }
    let host = String(text[..<colon])
    guard !host.isEmpty, let port = UInt16(text[text.index(after: colon)...]) else { return nil }
    return (host, port)
}
