import Foundation

/// One HTTP request as the server hands it to its handler.
public struct HTTPRequest: Sendable {
    /// `GET`, `POST`, ...
    public let method: String
    /// The request target, e.g. `/`.
    public let path: String
    /// Header fields, names lower-cased; a field sent more than once has its values joined by ", ".
    public let headers: [String: String]
    /// The body bytes (a chunked body already decoded).
    public let body: [UInt8]

    /// A request with these parts.
    public init(method: String, path: String, headers: [String: String], body: [UInt8]) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }
}

/// One HTTP response.
public struct HTTPResponse: Sendable {
    /// Status code, e.g. 200.
    public var status: Int
    /// Extra header fields (Content-Length, Connection and Access-Control-Allow-Origin are added by the server).
    public var headers: [(String, String)]
    /// The body bytes.
    public var body: [UInt8]

    /// A response with `status`, a content type and a body.
    public init(status: Int, contentType: String = "application/json", body: [UInt8]) {
        self.status = status
        self.headers = [("Content-Type", contentType)]
        self.body = body
    }

    /// A plain-text response, for refusals.
    static func text(_ status: Int, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain", body: Array(message.utf8))
    }

    /// The reason phrase of `status`.
    static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 204: "No Content"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 411: "Length Required"
        case 413: "Payload Too Large"
        case 415: "Unsupported Media Type"
        case 431: "Request Header Fields Too Large"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }

    /// The whole response as bytes on the wire, with `Connection: close`: for refusals written below
    /// the HTTP codec (a connection over the limit, a missed deadline).
    func closingWireBytes() -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(HTTPResponse.reason(status))\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Access-Control-Allow-Origin: *\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + body
    }
}

/// Why the server could not start.
public enum HTTPServerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `socket`, `bind` or `listen` failed with this errno.
    case socketFailed(call: String, errno: Int32)
    /// The host is not an IP address.
    case badAddress(String)
    /// Binding failed for another reason (the event loop's own message).
    case bindFailed(String)

    /// A sentence naming the failure.
    public var description: String {
        switch self {
        case .socketFailed(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .badAddress(let host): "not an IP address: \(host)"
        case .bindFailed(let message): "bind failed: \(message)"
        }
    }
}

/// The limits and deadlines of an `HTTPServer`: what one client may hold and how long it may take.
public struct HTTPServerLimits: Sendable {
    /// Largest request body, in bytes (a larger one is answered 413 and its connection closed).
    public var maxBodyBytes = 5 * 1024 * 1024
    /// Largest request head (request line and header fields), in bytes (431 when exceeded).
    public var maxHeaderBytes = 64 * 1024
    /// Most connections open at once; the next is answered 503 and closed.
    public var maxConnections = 4096
    /// Most connections one client address may hold at once (0: no limit per client).
    public var maxConnectionsPerClient = 0
    /// Seconds a keep-alive connection may wait for the first byte of its next request.
    public var idleTimeout: Double = 15
    /// Seconds a client has to send a whole request head, from its first byte (408 when missed).
    public var headerTimeout: Double = 10
    /// Seconds a client has to send a whole body, from the end of its head (408 when missed).
    public var bodyTimeout: Double = 30
    /// Threads that run the handler (off the event loops: a request may block on the chain lock).
    public var workerThreads = 16
    /// Event-loop threads that do all socket I/O and HTTP parsing (0: one per core).
    public var eventLoopThreads = 0
    /// Bytes of messages waiting to be written to one WebSocket client; a client that does not read
    /// faster than it is sent to is closed past it.
    public var webSocketMaxQueuedBytes = 16 * 1024 * 1024
    /// Requests one WebSocket client may have waiting for an answer; the one sending more is closed.
    public var webSocketMaxPendingRequests = 1024

    /// The defaults.
    public init() {}
}
