import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// An event-driven HTTP/1.1 server on swift-nio: a few event-loop threads do all socket I/O and
/// parsing, however many connections are open; handlers run on a pool of worker threads and their
/// answers are written back on the loops. Keep-alive and pipelining (one request at a time per
/// connection, reading paused while an answer is pending), strict framing (`HTTPRequestHandler`),
/// deadlines for heads, bodies and idle connections (`HTTPConnectionClock`), limits on connections
/// in all and per client address (`HTTPConnectionGate`) and on head and body sizes
/// (`HTTPServerLimits`). Enough for JSON-RPC clients (web3.py, ethers, viem, curl); no TLS or HTTP/2.
///
/// Each connection's pipeline, from the socket up:
/// `HTTPConnectionClock` (raw bytes: deadlines, draining) → NIO's response encoder and request
/// decoder → NIO's `HTTPServerPipelineHandler` (one request at a time) → `HTTPRequestHandler`.
/// A protocol upgrade (a WebSocket endpoint) goes in where NIO's server pipeline takes one, through
/// `configureHTTPServerPipeline(withServerUpgrade:)` in `configure(_:)`.
public final class HTTPServer: @unchecked Sendable {
    /// The handler every request goes to; called concurrently from worker threads.
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    private let host: String
    private let requestedPort: UInt16
    /// The limits and deadlines in force.
    public let limits: HTTPServerLimits
    private let handler: Handler
    private let lock = NSLock()
    private var group: MultiThreadedEventLoopGroup?
    private var listener: Channel?
    private var gate: HTTPConnectionGate?

    /// Serves WebSocket connections on the same port (`GET` with `Upgrade: websocket`); nil refuses
    /// upgrades. Set before `start()`.
    public var webSocket: (any WebSocketService)?

    /// The port actually bound (differs from the requested one when that was 0).
    public private(set) var port: UInt16 = 0

    /// A server for `host:port` (port 0 picks a free one) with these limits.
    public init(host: String = "127.0.0.1", port: UInt16, limits: HTTPServerLimits = HTTPServerLimits(), handler: @escaping Handler) {
        self.host = host
        self.requestedPort = port
        self.limits = limits
        self.handler = handler
    }

    /// A server for `host:port` that refuses bodies over `maxBodyBytes`, other limits at their defaults.
    public convenience init(host: String = "127.0.0.1", port: UInt16, maxBodyBytes: Int, handler: @escaping Handler) {
        var limits = HTTPServerLimits()
        limits.maxBodyBytes = maxBodyBytes
        self.init(host: host, port: port, limits: limits, handler: handler)
    }

    /// Connections open now.
    public var openConnections: Int { lock.withLock { gate?.openConnections ?? 0 } }

    /// Binds and listens on the event loops; returns the bound port.
    @discardableResult
    public func start() throws(HTTPServerError) -> UInt16 {
        let loops = limits.eventLoopThreads > 0 ? limits.eventLoopThreads : System.coreCount
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, loops))
        let gate = HTTPConnectionGate(maxConnections: limits.maxConnections, maxPerClient: limits.maxConnectionsPerClient)
        let pool = HTTPWorkerPool(limit: limits.workerThreads)
        let limits = self.limits
        let handler = self.handler
        let webSocket = self.webSocket
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Out of file descriptors, accepting pauses a moment instead of spinning on the error;
            // connection limits are decided in accept order.
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([AcceptBackoffHandler(), HTTPAdmissionHandler(gate: gate)])
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            // A client that shuts its sending side after a request still gets the answer.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try HTTPServer.configure(channel, gate: gate, limits: limits, pool: pool, handler: handler, webSocket: webSocket)
                }
            }
        let bindHost = host == "localhost" ? "127.0.0.1" : host
        let channel: Channel
        do {
            let address = try SocketAddress(ipAddress: bindHost, port: Int(requestedPort))
            channel = try bootstrap.bind(to: address).wait()
        } catch {
            try? group.syncShutdownGracefully()
            if error is SocketAddressError { throw .badAddress(host) }
            if let io = error as? IOError { throw .socketFailed(call: "bind", errno: io.errnoCode) }
            throw .bindFailed("\(error)")
        }
        port = UInt16(channel.localAddress?.port ?? 0)
        lock.withLock {
            self.group = group
            self.listener = channel
            self.gate = gate
        }
        return port
    }

    /// Stops accepting connections (open ones are served until they close or time out).
    public func stop() {
        let listener = lock.withLock { () -> Channel? in
            defer { self.listener = nil }
            return self.listener
        }
        try? listener?.close().wait()
    }

    /// Builds one accepted connection's pipeline (see the type's notes), or a refusal when the
    /// connection is over a limit.
    static func configure(_ channel: Channel, gate: HTTPConnectionGate, limits: HTTPServerLimits, pool: HTTPWorkerPool,
                          handler: @escaping Handler, webSocket: (any WebSocketService)? = nil) throws {
        let pipeline = channel.pipeline.syncOperations
        if let refusal = gate.refusal(for: channel) {
            try pipeline.addHandler(HTTPRefusalHandler(refusal.response))
            return
        }
        let clock = HTTPConnectionClock(limits: limits)
        try pipeline.addHandler(clock)
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderListSize = limits.maxHeaderBytes
        decoderLimits.maxHeaderFieldSize = limits.maxHeaderBytes
        let requestHandler = HTTPRequestHandler(clock: clock, limits: limits, pool: pool, handler: handler)
        let upgrade = webSocket.map { service in
            webSocketUpgrade(channel, clock: clock, requestHandler: requestHandler, limits: limits, pool: pool, service: service)
        }
        try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: true, withServerUpgrade: upgrade, withErrorHandling: false,
                                                 withOutboundHeaderValidation: true, withEncoderConfiguration: .init(),
                                                 withDecoderLimitConfiguration: decoderLimits)
        try pipeline.addHandler(requestHandler)
    }

    /// The WebSocket upgrade (RFC 6455) of one connection: any path, frames up to the body limit.
    /// Once upgraded, `HTTPRequestHandler` leaves the pipeline, the clock stops keeping HTTP
    /// deadlines, and NIO's frame codec, a fragment aggregator and `WebSocketHandler` take over.
    static func webSocketUpgrade(_ channel: Channel, clock: HTTPConnectionClock, requestHandler: HTTPRequestHandler,
                                 limits: HTTPServerLimits, pool: HTTPWorkerPool,
                                 service: any WebSocketService) -> NIOHTTPServerUpgradeSendableConfiguration {
        let frameLimit = min(max(limits.maxBodyBytes, 1 << 14), Int(UInt32.max))
        let parts = NIOLoopBound((clock, requestHandler), eventLoop: channel.eventLoop)
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: frameLimit, automaticErrorHandling: true,
            // Only a GET opens a WebSocket (RFC 6455 §4.1); other methods are served as HTTP.
            shouldUpgrade: { channel, head in channel.eventLoop.makeSucceededFuture(head.method == .GET ? HTTPHeaders() : nil) },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    let (clock, requestHandler) = parts.value
                    clock.upgraded()
                    let pipeline = channel.pipeline.syncOperations
                    pipeline.removeHandler(requestHandler, promise: nil)
                    try pipeline.addHandler(NIOWebSocketFrameAggregator(minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1 << 16,
                                                                        maxAccumulatedFrameSize: frameLimit))
                    try pipeline.addHandler(WebSocketHandler(service: service, pool: pool, limits: limits))
                }
            })
        return (upgraders: [upgrader], completionHandler: { _ in })
    }
}
