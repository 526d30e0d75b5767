import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP request as the server hands it to its handler.
public struct HTTPRequest: Sendable {
    /// `GET`, `POST`, ...
    public let method: String
    /// The request target, e.g. `/`.
    public let path: String
    /// Header fields, names lower-cased.
    public let headers: [String: String]
    /// The body bytes.
    public let body: [UInt8]
}

/// One HTTP response.
public struct HTTPResponse: Sendable {
    /// Status code, e.g. 200.
    public var status: Int
    /// Extra header fields (Content-Length and Connection are added by the server).
    public var headers: [(String, String)]
    /// The body bytes.
    public var body: [UInt8]

    /// A response with `status`, a content type and a body.
    public init(status: Int, contentType: String = "application/json", body: [UInt8]) {
        self.status = status
        self.headers = [("Content-Type", contentType)]
        self.body = body
    }
}

/// Why the server could not start.
public enum HTTPServerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `socket`, `bind` or `listen` failed with this errno.
    case socketFailed(call: String, errno: Int32)
    /// The host is not an IPv4 address.
    case badAddress(String)

    /// A sentence naming the failure.
    public var description: String {
        switch self {
        case .socketFailed(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .badAddress(let host): "not an IPv4 address: \(host)"
        }
    }
}

/// A small HTTP/1.1 server over POSIX sockets: a thread per connection, keep-alive, a limit on
/// header and body sizes. Enough for JSON-RPC clients (web3.py, ethers, viem, curl) on loopback or a
/// trusted network; it does not speak TLS, chunked request bodies or HTTP/2.
public final class HTTPServer: @unchecked Sendable {
    /// The handler every request goes to; called concurrently from connection threads.
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    private let host: String
    private let requestedPort: UInt16
    private let maxBodyBytes: Int
    private let maxHeaderBytes = 64 * 1024
    private let handler: Handler
    private var listener: Int32 = -1
    private let state = NSLock()
    private var stopped = false

    /// The port actually bound (differs from the requested one when that was 0).
    public private(set) var port: UInt16 = 0

    /// A server for `host:port` (port 0 picks a free one) that refuses bodies over `maxBodyBytes`.
    public init(host: String = "127.0.0.1", port: UInt16, maxBodyBytes: Int = 5 * 1024 * 1024, handler: @escaping Handler) {
        self.host = host
        self.requestedPort = port
        self.maxBodyBytes = maxBodyBytes
        self.handler = handler
    }

    /// Binds, listens and starts the accept thread; returns the bound port.
    @discardableResult
    public func start() throws(HTTPServerError) -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .socketFailed(call: "socket", errno: errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = requestedPort.bigEndian
        let bindHost = host == "localhost" ? "127.0.0.1" : host
        guard inet_pton(AF_INET, bindHost, &address.sin_addr) == 1 else { close(fd); throw .badAddress(host) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { let code = errno; close(fd); throw .socketFailed(call: "bind", errno: code) }
        guard listen(fd, 128) == 0 else { let code = errno; close(fd); throw .socketFailed(call: "listen", errno: code) }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: actual.sin_port)
        listener = fd
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "http-accept"
        thread.start()
        return port
    }

    /// Stops accepting connections (open connections finish their current request).
    public func stop() {
        state.lock()
        defer { state.unlock() }
        guard !stopped else { return }
        stopped = true
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// The most connections served at once (each has its own thread).
    public var maxConnections = 256
    private var openConnections = 0

    private func reserveConnection() -> Bool {
        state.lock()
        defer { state.unlock() }
        guard openConnections < maxConnections else { return false }
        openConnections += 1
        return true
    }

    private func releaseConnection() {
        state.lock()
        openConnections -= 1
        state.unlock()
    }

    private var isStopped: Bool {
        state.lock()
        defer { state.unlock() }
        return stopped
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if isStopped { return }
                if errno == EMFILE || errno == ENFILE { usleep(10_000); continue }
                return
            }
            guard reserveConnection() else {
                // Too many open connections: refuse this one rather than start another thread.
                send(client, HTTPServer.simple(status: 503, message: "too many connections"), close: true)
                close(client)
                continue
            }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            // An idle keep-alive connection is closed after two minutes, freeing its thread.
            var idle = timeval(tv_sec: 120, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &idle, socklen_t(MemoryLayout<timeval>.size))
            let thread = Thread { [self] in serve(client) }
            // The EVM recurses on the native stack for nested calls (up to depth 1024): give it room.
            thread.stackSize = 256 * 1024 * 1024
            thread.start()
        }
    }

    /// Serves requests on one connection until the peer closes it or asks to.
    private func serve(_ fd: Int32) {
        defer {
            close(fd)
            releaseConnection()
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        func fill() -> Bool {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return false }
            buffer += chunk[0..<n]
            return true
        }
        while true {
            // Read the header block.
            var headerEnd: Int? = nil
            while true {
                headerEnd = HTTPServer.findHeaderEnd(buffer)
                if headerEnd != nil { break }
                if buffer.count > maxHeaderBytes {
                    send(fd, HTTPServer.simple(status: 431, message: "header too large"), close: true)
                    return
                }
                if !fill() { return }
            }
            let end = headerEnd!
            guard let head = String(validating: buffer[0..<end], as: UTF8.self) else {
                send(fd, HTTPServer.simple(status: 400, message: "header is not UTF-8"), close: true)
                return
            }
            let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
            let requestLine = lines.first.map { $0.split(separator: " ") } ?? []
            guard requestLine.count == 3 else {
                send(fd, HTTPServer.simple(status: 400, message: "malformed request line"), close: true)
                return
            }
            var headers: [String: String] = [:]
            for line in lines.dropFirst() where !line.isEmpty {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = HTTPServer.trimmed(line[..<colon]).lowercased()
                headers[name] = HTTPServer.trimmed(line[line.index(after: colon)...])
            }
            let version = String(requestLine[2])
            var keepAlive = version == "HTTP/1.1"
            if let connection = headers["connection"]?.lowercased() {
                if connection.contains("close") { keepAlive = false }
                if connection.contains("keep-alive") { keepAlive = true }
            }
            if headers["transfer-encoding"] != nil {
                send(fd, HTTPServer.simple(status: 411, message: "chunked request bodies are not supported; send Content-Length"), close: true)
                return
            }
            let length = headers["content-length"].flatMap { Int($0) } ?? 0
            if length < 0 || length > maxBodyBytes {
                // Answer as a JSON-RPC error too, since JSON-RPC clients read the body.
                let body = Array(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"request body too large (limit \#(maxBodyBytes) bytes)"}}"#.utf8)
                send(fd, HTTPResponse(status: 413, body: body), close: true)
                return
            }
            buffer.removeFirst(end + 4)
            if headers["expect"]?.lowercased() == "100-continue" && buffer.count < length {
                // curl asks before sending bodies over 1 KiB; answering saves it a one-second wait.
                let interim = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
                _ = interim.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
            while buffer.count < length {
                if !fill() { return }
            }
            let body = Array(buffer[0..<length])
            buffer.removeFirst(length)
            let request = HTTPRequest(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body)
            var response: HTTPResponse
            if request.method == "OPTIONS" {
                response = HTTPResponse(status: 204, body: [])
                response.headers += [("Access-Control-Allow-Methods", "POST, GET, OPTIONS"),
                                     ("Access-Control-Allow-Headers", "Content-Type")]
            } else {
                response = handler(request)
            }
            if !send(fd, response, close: !keepAlive) || !keepAlive { return }
        }
    }

    /// `text` without leading and trailing spaces and tabs.
    private static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    private static func findHeaderEnd(_ buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }

    private static func simple(status: Int, message: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain", body: Array(message.utf8))
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 204: "No Content"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 411: "Length Required"
        case 413: "Payload Too Large"
        case 415: "Unsupported Media Type"
        case 431: "Request Header Fields Too Large"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }

    @discardableResult
    private func send(_ fd: Int32, _ response: HTTPResponse, close: Bool) -> Bool {
        var head = "HTTP/1.1 \(response.status) \(HTTPServer.reason(response.status))\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        head += "Access-Control-Allow-Origin: *\r\n"
        head += "Content-Length: \(response.body.count)\r\nConnection: \(close ? "close" : "keep-alive")\r\n\r\n"
        let bytes = Array(head.utf8) + response.body
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return false
            }
            sent += n
        }
        return true
    }
}
