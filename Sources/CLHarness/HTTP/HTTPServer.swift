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

/// A small HTTP/1.1 server over POSIX sockets: a thread per connection, keep-alive, strict framing
/// (`HTTPFraming`: one valid Content-Length or chunked, else 400 and close), limits on header and
/// body sizes, and deadlines for the head, the body and idle keep-alive connections. Enough for
/// JSON-RPC clients (web3.py, ethers, viem, curl) on loopback or a trusted network; no TLS or HTTP/2.
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
        guard listen(fd, 4096) == 0 else { let code = errno; close(fd); throw .socketFailed(call: "listen", errno: code) }
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

    /// The most connections served at once (each has its own thread, mostly asleep: an idle or
    /// slow one wakes once a second to check its deadline).
    public var maxConnections = 4096
    /// The most connections one client address may hold at once (0: no limit per client).
    public var maxConnectionsPerClient = 0
    private var openConnections = 0
    private var openByClient: [UInt32: Int] = [:]

    /// Why a connection was not taken.
    private enum Refusal { case full, clientFull }

    private func reserveConnection(client: UInt32) -> Refusal? {
        state.lock()
        defer { state.unlock() }
        guard openConnections < maxConnections else { return .full }
        if maxConnectionsPerClient > 0 {
            guard openByClient[client, default: 0] < maxConnectionsPerClient else { return .clientFull }
            openByClient[client, default: 0] += 1
        }
        openConnections += 1
        return nil
    }

    private func releaseConnection(client: UInt32) {
        state.lock()
        openConnections -= 1
        if maxConnectionsPerClient > 0, let count = openByClient[client] {
            openByClient[client] = count > 1 ? count - 1 : nil
        }
        state.unlock()
    }

    private var isStopped: Bool {
        state.lock()
        defer { state.unlock() }
        return stopped
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            var peer = sockaddr_in()
            var peerLength = socklen_t(MemoryLayout<sockaddr_in>.size)
            let client = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(fd, $0, &peerLength) }
            }
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if isStopped { return }
                if errno == EMFILE || errno == ENFILE { usleep(10_000); continue }
                return
            }
            let address = peer.sin_addr.s_addr
            if let refusal = reserveConnection(client: address) {
                // Too many open connections: refuse this one rather than start another thread.
                let message = refusal == .full ? "too many connections" : "too many connections from this client"
                send(client, HTTPServer.simple(status: 503, message: message), close: true)
                close(client)
                continue
            }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            // The EVM recurses on the native stack for nested calls (up to depth 1024): give it room.
            // A thread that cannot be started fails this connection only: it is answered and closed.
            if !HTTPServer.spawn(stackSize: 256 * 1024 * 1024, { [self] in serve(client, address: address) }) {
                send(client, HTTPServer.simple(status: 503, message: "cannot start a thread for this connection"), close: true)
                close(client)
                releaseConnection(client: address)
            }
        }
    }

    /// Closes a connection so that its last response arrives: stops sending, then discards what
    /// the peer still sends for up to half a second (closing with unread bytes would reset the
    /// connection and could destroy the response before the client reads it).
    static func closeGracefully(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
        var quick = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &quick, socklen_t(MemoryLayout<timeval>.size))
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        let deadline = Date().addingTimeInterval(0.5)
        var drained = 0
        while Date() < deadline, drained < 1 << 20 {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            drained += n
        }
        close(fd)
    }

    /// Starts `body` on a new detached thread with `stackSize` bytes of stack; false when the system
    /// refuses the thread (Foundation's `Thread.start` gives no such answer: the work would be lost).
    static func spawn(stackSize: Int, _ body: @escaping @Sendable () -> Void) -> Bool {
        final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
        var attributes = pthread_attr_t()
        guard pthread_attr_init(&attributes) == 0 else { return false }
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, stackSize)
        let box = Unmanaged.passRetained(Box(body))
        var thread = pthread_t()
        let started = pthread_create(&thread, &attributes, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box.toOpaque())
        if started != 0 {
            box.release()
            return false
        }
        return true
    }

    /// Seconds a keep-alive connection may wait for its next request.
    public var idleTimeout: Double = 15
    /// Seconds a client has to send a whole request head, from its first byte.
    public var headerTimeout: Double = 10
    /// Seconds a client has to send a whole body, from the end of its head.
    public var bodyTimeout: Double = 30

    /// What one read from a connection brought.
    private enum Read { case data, closed, timedOut }

    /// Serves requests on one connection until the peer closes it or asks to, or misses a deadline.
    private func serve(_ fd: Int32, address: UInt32) {
        defer {
            HTTPServer.closeGracefully(fd)
            releaseConnection(client: address)
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        func now() -> Double { Date().timeIntervalSince1970 }
        /// Reads more bytes; a read times out after a second, so deadlines are checked at least that often.
        func fill(until deadline: Double) -> Read {
            while true {
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                // A trickle of bytes does not extend a deadline (slowloris).
                if n > 0 { buffer += chunk[0..<n]; return now() < deadline ? .data : .timedOut }
                if n == 0 { return .closed }
                if errno == EINTR { continue }
                guard errno == EAGAIN || errno == EWOULDBLOCK else { return .closed }
                if now() >= deadline { return .timedOut }
            }
        }
        func refuse(_ refusal: HTTPFraming.Refusal) {
            if refusal.status == 413 {
                // Answer as a JSON-RPC error too, since JSON-RPC clients read the body.
                let body = Array(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"request body too large (limit \#(maxBodyBytes) bytes)"}}"#.utf8)
                send(fd, HTTPResponse(status: 413, body: body), close: true)
            } else {
                send(fd, HTTPServer.simple(status: refusal.status, message: refusal.message), close: true)
            }
        }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        while true {
            // Wait for the next request (idle deadline), then for its whole head (header deadline).
            if buffer.isEmpty {
                guard fill(until: now() + idleTimeout) == .data else { return }
            }
            let headDeadline = now() + headerTimeout
            var headEnd: Int? = nil
            do {
                while true {
                    headEnd = try HTTPFraming.headEnd(buffer)
                    if headEnd != nil { break }
                    if buffer.count > maxHeaderBytes {
                        send(fd, HTTPServer.simple(status: 431, message: "header too large"), close: true)
                        return
                    }
                    switch fill(until: headDeadline) {
                    case .data: continue
                    case .closed: return
                    case .timedOut:
                        send(fd, HTTPServer.simple(status: 408, message: "request head not received in time"), close: true)
                        return
                    }
                }
            } catch {
                refuse(error)
                return
            }
            let end = headEnd!
            let head: HTTPFraming.Head
            do { head = try HTTPFraming.parseHead(buffer[0..<end], maxBodyBytes: maxBodyBytes) } catch {
                refuse(error)
                return
            }
            buffer.removeFirst(end)
            if head.headers["expect"]?.lowercased() == "100-continue" {
                // curl asks before sending bodies over 1 KiB; answering saves it a one-second wait.
                let interim = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
                _ = interim.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
            let bodyDeadline = now() + bodyTimeout
            var body: [UInt8]
            while true {
                var complete: [UInt8]? = nil
                switch head.body {
                case .length(let length):
                    if buffer.count >= length {
                        complete = Array(buffer[0..<length])
                        buffer.removeFirst(length)
                    }
                case .chunked:
                    do {
                        if case .complete(let decoded, let consumed) = try HTTPFraming.decodeChunked(buffer, maxBodyBytes: maxBodyBytes) {
                            complete = decoded
                            buffer.removeFirst(consumed)
                        }
                    } catch {
                        refuse(error)
                        return
                    }
                }
                if let complete { body = complete; break }
                switch fill(until: bodyDeadline) {
                case .data: continue
                case .closed: return
                case .timedOut:
                    send(fd, HTTPServer.simple(status: 408, message: "request body not received in time"), close: true)
                    return
                }
            }
            let request = HTTPRequest(method: head.method, path: head.target, headers: head.headers, body: body)
            var response: HTTPResponse
            if request.method == "OPTIONS" {
                response = HTTPResponse(status: 204, body: [])
                response.headers += [("Access-Control-Allow-Methods", "POST, GET, OPTIONS"),
                                     ("Access-Control-Allow-Headers", "Content-Type")]
            } else {
                response = handler(request)
            }
            if !send(fd, response, close: !head.keepAlive) || !head.keepAlive { return }
        }
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
        case 408: "Request Timeout"
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
