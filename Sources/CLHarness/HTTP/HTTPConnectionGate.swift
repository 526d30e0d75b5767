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

    /// Connections open now.
    var openConnections: Int {
        lock.lock()
        defer { lock.unlock() }
        return open
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
