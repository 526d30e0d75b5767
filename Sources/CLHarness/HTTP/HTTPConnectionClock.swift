import NIOCore

/// The first handler of every connection, below the HTTP codec: it sees the raw bytes, so it knows
/// when a request's first byte arrives, and it keeps the connection's deadlines.
///
/// A connection is always in one phase, with at most one timer:
/// - `idle`: waiting for the first byte of the next request (`idleTimeout`; then closed silently);
/// - `head`: from that byte until the request head is parsed (`headerTimeout`, counted from the
///   first byte: a trickle of bytes does not extend it; then 408);
/// - `body`: until the whole body is in (`bodyTimeout` from the end of the head; then 408);
/// - `busy`: the request is being handled; no deadline, and no reads (the pipeline handler stops
///   reading until the response is written, so a client cannot queue work behind it);
/// - `draining`: a refusal or last response was sent and the write side shut; what the client
///   still sends is discarded for up to half a second (or a MiB), then the connection is closed.
///   Closing at once with unread bytes would reset the connection and could destroy the answer
///   before the client reads it.
///
/// `HTTPRequestHandler`, further up the same pipeline and on the same event loop, moves it between
/// phases.
final class HTTPConnectionClock: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum Phase { case idle, head, body, busy, draining, upgraded }

    private let limits: HTTPServerLimits
    private var phase = Phase.idle
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    private var drained = 0

    /// How long a closing connection keeps discarding input, and the most it discards.
    static let drainTime = TimeAmount.milliseconds(500)
    static let drainBytes = 1 << 20

    init(limits: HTTPServerLimits) { self.limits = limits }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { arm(limits.idleTimeout) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(limits.idleTimeout)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The client shut its sending side: a draining connection has nothing more to wait for.
        if case .inputClosed = event as? ChannelEvent, phase == .draining {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch phase {
        case .draining:
            drained += unwrapInboundIn(data).readableBytes
            if drained > HTTPConnectionClock.drainBytes { context.close(promise: nil) }
            return
        case .idle:
            phase = .head
            arm(limits.headerTimeout)
        case .head, .body, .busy, .upgraded:
            break
        }
        context.fireChannelRead(data)
    }

    // MARK: Phase changes, from HTTPRequestHandler

    /// The request head was parsed: the body deadline starts.
    func headReceived() {
        guard phase != .draining, phase != .upgraded else { return }
        phase = .body
        arm(limits.bodyTimeout)
    }

    /// The whole request is in and being handled.
    func requestReceived() {
        guard phase != .draining, phase != .upgraded else { return }
        phase = .busy
        cancelTimer()
    }

    /// The response was written and the connection stays open for the next request.
    func responseSent() {
        guard phase != .draining, phase != .upgraded else { return }
        phase = .idle
        arm(limits.idleTimeout)
    }

    /// The connection became a WebSocket: no HTTP deadlines from now on (raw bytes pass through).
    func upgraded() {
        phase = .upgraded
        cancelTimer()
    }

    /// Discards input from now on; once `written` (the last response's write) completes, shuts the
    /// write side; closes when the drain time is over or the client closes (see the type's notes).
    func drainAndClose(after written: EventLoopFuture<Void>) {
        guard let context, phase != .draining else { return }
        phase = .draining
        cancelTimer()
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: HTTPConnectionClock.drainTime) { [weak self] in
            self?.context?.close(promise: nil)
        }
        written.assumeIsolated().whenComplete { [weak self] result in
            guard let context = self?.context else { return }
            guard case .success = result else { context.close(promise: nil); return }
            let shut = context.eventLoop.makePromise(of: Void.self)
            shut.futureResult.assumeIsolated().whenFailure { [weak self] _ in self?.context?.close(promise: nil) }
            context.close(mode: .output, promise: shut)
        }
    }

    // MARK: Deadlines

    private func arm(_ seconds: Double) {
        cancelTimer()
        guard let context else { return }
        let phaseArmed = phase
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) { [weak self] in
            self?.expired(phaseArmed)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }

    private func expired(_ armed: Phase) {
        guard let context, armed == phase else { return }
        timer = nil
        switch phase {
        case .idle: context.close(promise: nil)
        case .head: answerAndDrain(.text(408, "request head not received in time"))
        case .body: answerAndDrain(.text(408, "request body not received in time"))
        case .busy, .draining, .upgraded: break
        }
    }

    /// Writes `response` as raw bytes (no response is in progress in these phases) and closes.
    private func answerAndDrain(_ response: HTTPResponse) {
        guard let context else { return }
        let buffer = context.channel.allocator.buffer(bytes: response.closingWireBytes())
        drainAndClose(after: context.writeAndFlush(NIOAny(buffer)))
    }

    /// Writes `response` as raw bytes on `context`, shuts the write side, and closes after the drain time.
    static func answerAndClose(context: ChannelHandlerContext, _ response: HTTPResponse) {
        let buffer = context.channel.allocator.buffer(bytes: response.closingWireBytes())
        context.writeAndFlush(NIOAny(buffer)).assumeIsolated().whenComplete { _ in
            context.close(mode: .output, promise: nil)
            context.eventLoop.assumeIsolated().scheduleTask(in: drainTime) { context.close(promise: nil) }
        }
    }
}
