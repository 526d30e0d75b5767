import Foundation
import NIOCore

/// Counts open connections, in all and per client address, across every event loop, and refuses
/// those over the limits.
final class HTTPConnectionGate: @unchecked Sendable {
    /// Why a connection was refused.
    enum Refusal: Error {
        /// The server holds `maxConnections` already.
        case full
        /// This client holds `maxConnectionsPerClient` already.
        case clientFull

        /// The 503 answered before closing.
        var response: HTTPResponse {
            switch self {
            case .full: .text(503, "too many connections")
            case .clientFull: .text(503, "too many connections from this client")
            }
        }
    }

    private let maxConnections: Int
    private let maxPerClient: Int
    private let lock = NSLock()
    private var open = 0
    private var byClient: [String: Int] = [:]
    /// Accepted connections refused by `admit(_:)`, until their pipeline is built.
    private var refused: [ObjectIdentifier: Refusal] = [:]

    /// A gate for at most `maxConnections` connections, `maxPerClient` per address (0: unlimited).
    init(maxConnections: Int, maxPerClient: Int) {
        self.maxConnections = max(1, maxConnections)
        self.maxPerClient = max(0, maxPerClient)
    }

    /// The key a connection is counted under: its peer's IP address without the port.
    static func clientKey(_ address: SocketAddress?) -> String { address?.ipAddress ?? "" }

    /// Takes a slot for a connection from `client`, or says why not.
    func admit(_ client: String) throws(Refusal) {
        lock.lock()
        defer { lock.unlock() }
        guard open < maxConnections else { throw .full }
        if maxPerClient > 0 {
            let held = byClient[client, default: 0]
            guard held < maxPerClient else { throw .clientFull }
            byClient[client] = held + 1
        }
        open += 1
    }

    /// Gives back the slot of a closed connection from `client`.
    func release(_ client: String) {
        lock.lock()
        defer { lock.unlock() }
        open -= 1
        if maxPerClient > 0, let held = byClient[client] { byClient[client] = held > 1 ? held - 1 : nil }
    }

    /// Decides on a just-accepted connection, in accept order (the decision is taken before the
    /// connection is handed to its event loop, so that a later connection on another loop cannot
    /// take the slot of an earlier one). Its slot is given back when it closes.
    func decide(_ child: Channel) {
        let client = HTTPConnectionGate.clientKey(child.remoteAddress)
        let id = ObjectIdentifier(child)
        do throws(Refusal) {
            try admit(client)
            child.closeFuture.whenComplete { _ in self.release(client) }
        } catch {
            lock.withLock { refused[id] = error }
            child.closeFuture.whenComplete { _ in self.lock.withLock { _ = self.refused.removeValue(forKey: id) } }
        }
    }

    /// The refusal `decide(_:)` gave `child`, if any.
    func refusal(for child: Channel) -> Refusal? {
        lock.withLock { refused.removeValue(forKey: ObjectIdentifier(child)) }
    }

    /// Connections open now.
    var openConnections: Int {
        lock.lock()
        defer { lock.unlock() }
        return open
    }
}

/// On the listening channel, ahead of NIO's accept handler: has the gate decide on each accepted
/// connection as it is accepted.
final class HTTPAdmissionHandler: ChannelInboundHandler {
    typealias InboundIn = Channel
    typealias InboundOut = Channel

    private let gate: HTTPConnectionGate

    init(gate: HTTPConnectionGate) { self.gate = gate }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        gate.decide(unwrapInboundIn(data))
        context.fireChannelRead(data)
    }
}

/// The only handler of a refused connection: answers 503 once it is active, then closes.
final class HTTPRefusalHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let response: HTTPResponse

    init(_ response: HTTPResponse) { self.response = response }

    func channelActive(context: ChannelHandlerContext) {
        HTTPConnectionClock.answerAndClose(context: context, response)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
