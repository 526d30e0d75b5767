import Foundation
import NIOCore
import NIOWebSocket

/// What serves the messages of WebSocket connections (the JSON-RPC subscriptions of `RPCServer`).
public protocol WebSocketService: AnyObject, Sendable {
    /// A text or binary message from `connection`, on a worker thread; answers go back through
    /// `connection.send`. One connection's messages are handled one at a time, in order.
    func received(_ message: [UInt8], on connection: WebSocketConnection)
    /// `connection` closed (for any reason); called once, on its event loop.
    func closed(_ connection: WebSocketConnection)
}

/// One WebSocket client, as its service sees it: text messages may be sent to it from any thread,
/// and are written in the order sent. Writes not yet taken by the socket are counted; a client that
/// lets more than `maxQueuedBytes` pile up (it does not read) is closed, alone.
public final class WebSocketConnection: @unchecked Sendable, Hashable {
    /// A number unique among this process's connections.
    public let id: UInt64
    private let channel: Channel
    private let maxQueuedBytes: Int
    private let lock = NSLock()
    private var queuedBytes = 0
    private var closing = false

    private static let counter = NSLock()
    nonisolated(unsafe) private static var nextID: UInt64 = 1

    init(channel: Channel, maxQueuedBytes: Int) {
        self.channel = channel
        self.maxQueuedBytes = maxQueuedBytes
        id = WebSocketConnection.counter.withLock {
            defer { WebSocketConnection.nextID += 1 }
            return WebSocketConnection.nextID
        }
    }

    /// True once the connection is closing or closed: sends are dropped.
    public var isClosing: Bool { lock.withLock { closing } }

    /// Queues `text` as one text frame (dropped when the connection is closing).
    public func send(_ text: [UInt8]) {
        enum Verdict { case send, drop, overflow }
        let verdict = lock.withLock { () -> Verdict in
            guard !closing else { return .drop }
            queuedBytes += text.count
            if queuedBytes > maxQueuedBytes { closing = true; return .overflow }
            return .send
        }
        let channel = self.channel
        switch verdict {
        case .drop: return
        case .overflow:
            // The client does not read: a close frame would wait behind what it has not read.
            channel.close(promise: nil)
            return
        case .send: break
        }
        let count = text.count
        channel.eventLoop.execute { [self] in
            let frame = WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(bytes: text))
            let promise = channel.eventLoop.makePromise(of: Void.self)
            promise.futureResult.whenComplete { [self] _ in lock.withLock { queuedBytes -= count } }
            channel.writeAndFlush(frame, promise: promise)
        }
    }

    /// Sends a close frame with `code` and closes the connection (at the latest a second later,
    /// should the client not read the frame).
    public func close(code: WebSocketErrorCode = .normalClosure) {
        let first = lock.withLock { () -> Bool in
            defer { closing = true }
            return !closing
        }
        guard first else { return }
        let channel = self.channel
        channel.eventLoop.execute {
            var data = channel.allocator.buffer(capacity: 2)
            data.write(webSocketErrorCode: code)
            let frame = WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
            channel.writeAndFlush(frame).whenComplete { _ in channel.close(promise: nil) }
            channel.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        }
    }

    public static func == (a: WebSocketConnection, b: WebSocketConnection) -> Bool { a.id == b.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

/// The top of an upgraded connection's pipeline (below it: NIO's frame codec, its protocol-error
/// handler, which answers a malformed frame with close 1002, and its fragment aggregator): answers
/// pings, echoes a close, and hands each message to the worker pool, one at a time per connection.
/// Messages that arrive meanwhile wait, up to `maxPending`; a client sending more is closed (1008).
final class WebSocketHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let service: any WebSocketService
    private let pool: HTTPWorkerPool
    private let maxPending: Int
    private let maxQueuedBytes: Int
    private var connection: WebSocketConnection?
    private var waiting: [[UInt8]] = []
    private var busy = false
    private var done = false

    init(service: any WebSocketService, pool: HTTPWorkerPool, limits: HTTPServerLimits) {
        self.service = service
        self.pool = pool
        maxPending = limits.webSocketMaxPendingRequests
        maxQueuedBytes = limits.webSocketMaxQueuedBytes
    }

    func handlerAdded(context: ChannelHandlerContext) {
        connection = WebSocketConnection(channel: context.channel, maxQueuedBytes: maxQueuedBytes)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { finish() }

    private func finish() {
        guard !done, let connection else { return }
        done = true
        waiting = []
        service.closed(connection)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let connection, !done else { return }
        let frame = unwrapInboundIn(data)
        // No extension is negotiated, so a reserved bit set fails the connection (RFC 6455 §5.2).
        guard !frame.rsv1, !frame.rsv2, !frame.rsv3 else {
            waiting = []
            connection.close(code: .protocolError)
            return
        }
        switch frame.opcode {
        case .text, .binary:
            guard !connection.isClosing else { return }
            var payload = frame.unmaskedData
            let message = payload.readBytes(length: payload.readableBytes) ?? []
            guard waiting.count < maxPending else {
                waiting = []
                connection.close(code: .policyViolation)
                return
            }
            waiting.append(message)
            if !busy { runNext(context: context) }
        case .ping:
            var payload = frame.unmaskedData
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: context.channel.allocator.buffer(bytes: payload.readBytes(length: payload.readableBytes) ?? []))
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            break
        case .connectionClose:
            // Echo the client's code (or none), then close.
            var payload = frame.unmaskedData
            let code = payload.readSlice(length: 2) ?? context.channel.allocator.buffer(capacity: 0)
            let reply = WebSocketFrame(fin: true, opcode: .connectionClose, data: code)
            context.writeAndFlush(wrapOutboundOut(reply)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            waiting = []
            done = true
            service.closed(connection)
        default:
            connection.close(code: .protocolError)
        }
    }

    /// Hands the oldest waiting message to the pool; the next goes when it is answered.
    private func runNext(context: ChannelHandlerContext) {
        guard !done, let connection, !waiting.isEmpty else { busy = false; return }
        busy = true
        let message = waiting.removeFirst()
        let service = self.service
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        let queued = pool.submit {
            service.received(message, on: connection)
            loop.execute {
                let (me, context) = bound.value
                me.runNext(context: context)
            }
        }
        if !queued { connection.close(code: .unexpectedServerError) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A fragment-aggregation error (too large, out of order) or a socket failure: this client only.
        connection?.close(code: .protocolError)
    }
}
