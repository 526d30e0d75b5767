import CLPrimitives
import Foundation
import NIOWebSocket

/// One WebSocket message being answered: eth_subscribe records the subscriptions it creates here,
/// and they start only once the answer naming them has been queued, so that no notification can
/// reach the client before the id it carries.
final class RPCSession {
    /// The client.
    let connection: WebSocketConnection
    /// Subscriptions created while answering.
    var created: [String] = []
    /// The client asked for too much (a subscription flood): closed once the answer is queued.
    var dropAfterReply = false

    init(connection: WebSocketConnection) { self.connection = connection }
}

/// eth_subscribe over WebSocket, as geth serves it: `newHeads` (each new head's header),
/// `logs` (each log of a new block that passes a `LogFilter`, one notification per log, in block
/// order) and `newPendingTransactions` (hashes). Notifications are built while the chain commits
/// (`ChainObserver`, under the chain's lock), so they leave in the order blocks are made; a client
/// that does not keep up is closed by its `WebSocketConnection`, and one asking for more than
/// `maxPerConnection` subscriptions is closed (policy violation), the others unaffected.
final class SubscriptionHub: ChainObserver, WebSocketService, @unchecked Sendable {
    enum Kind {
        case newHeads
        case logs(LogFilter)
        case pendingTransactions
    }

    struct Subscription {
        let connection: WebSocketConnection
        let kind: Kind
        var active = false
    }

    /// The server whose methods answer the other messages.
    weak var server: RPCServer?
    let maxPerConnection: Int
    private let lock = NSLock()

    /// Runs `body` holding the lock (with typed throws, which `NSLock.withLock` lacks).
    private func guarded<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
    private var subscriptions: [String: Subscription] = [:]
    private var byConnection: [UInt64: Set<String>] = [:]
    private var generator = SystemRandomNumberGenerator()

    init(maxPerConnection: Int) { self.maxPerConnection = maxPerConnection }

    /// Subscriptions held now (all connections).
    var count: Int { lock.withLock { subscriptions.count } }

    // MARK: WebSocketService

    func received(_ message: [UInt8], on connection: WebSocketConnection) {
        guard let server else { return }
        let session = RPCSession(connection: connection)
        let reply = server.handle(body: message, session: session)
        if !reply.isEmpty { connection.send(reply) }
        if session.dropAfterReply { connection.close(code: .policyViolation) }
        lock.withLock {
            for id in session.created { subscriptions[id]?.active = true }
        }
    }

    func closed(_ connection: WebSocketConnection) {
        lock.withLock {
            for id in byConnection.removeValue(forKey: connection.id) ?? [] { subscriptions[id] = nil }
        }
    }

    // MARK: Subscribing

    func subscribe(_ kind: Kind, session: RPCSession) throws(RPCError) -> String {
        let connection = session.connection
        let id = try guarded { () throws(RPCError) -> String in
            let held = byConnection[connection.id]?.count ?? 0
            guard held < maxPerConnection else {
                throw RPCLimits.exceeded("more than \(maxPerConnection) subscriptions on one connection (--max-subscriptions)")
            }
            var id: String
            repeat {
                id = "0x" + Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }, prefix: false)
            } while subscriptions[id] != nil
            subscriptions[id] = Subscription(connection: connection, kind: kind)
            byConnection[connection.id, default: []].insert(id)
            return id
        }
        session.created.append(id)
        return id
    }

    /// Ends subscription `id` of `connection`; false when it holds none by that id.
    func unsubscribe(_ id: String, connection: WebSocketConnection) -> Bool {
        lock.withLock {
            guard subscriptions[id]?.connection == connection else { return false }
            subscriptions[id] = nil
            byConnection[connection.id]?.remove(id)
            return true
        }
    }

    // MARK: ChainObserver

    func chainDidAddBlock(_ block: Block) {
        lock.withLock {
            guard !subscriptions.isEmpty else { return }
            var header: JSON?
            var logs: [PlacedLog]?
            for (id, subscription) in subscriptions where subscription.active {
                switch subscription.kind {
                case .newHeads:
                    if header == nil { header = SubscriptionHub.header(block) }
                    subscription.connection.send(SubscriptionHub.notification(id, header!))
                case .logs(let filter):
                    if logs == nil { logs = block.placedLogs }
                    for log in logs! where filter.matches(log) {
                        subscription.connection.send(SubscriptionHub.notification(id, RPCFormat.log(log)))
                    }
                case .pendingTransactions:
                    break
                }
            }
        }
    }

    func chainDidAcceptTransaction(_ hash: Bytes32) {
        lock.withLock {
            for (id, subscription) in subscriptions where subscription.active {
                if case .pendingTransactions = subscription.kind {
                    subscription.connection.send(SubscriptionHub.notification(id, RPCFormat.hash(hash)))
                }
            }
        }
    }

    /// `{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":id,"result":result}}`.
    static func notification(_ id: String, _ result: JSON) -> [UInt8] {
        JSON.object([("jsonrpc", .string("2.0")), ("method", .string("eth_subscription")),
                     ("params", .object([("subscription", .string(id)), ("result", result)]))]).serialized
    }

    /// A block's header fields as geth's newHeads sends them (the block object without its
    /// transactions, uncles, withdrawals, size and total difficulty).
    static func header(_ block: Block) -> JSON {
        guard case .object(let members) = RPCFormat.block(block, fullTransactions: false) else { return .null }
        let dropped: Set<String> = ["transactions", "uncles", "withdrawals", "size", "totalDifficulty"]
        return .object(members.filter { !dropped.contains($0.0) })
    }
}

extension RPCServer {
    /// eth_subscribe and eth_unsubscribe (WebSocket only; over HTTP geth's `notifications not supported`).
    func subscriptionMethod(_ method: String, _ p: RPCParams, session: RPCSession?) throws(RPCError) -> JSON? {
        guard method == "eth_subscribe" || method == "eth_unsubscribe" else { return nil }
        guard let session else { throw RPCError(code: -32601, message: "notifications not supported") }
        if method == "eth_unsubscribe" {
            let id = try RPCParams.string(try p.required(0, "subscription id"), "subscription id")
            guard subscriptions.unsubscribe(id, connection: session.connection) else { throw .server("subscription not found") }
            return .bool(true)
        }
        let name = try RPCParams.string(try p.required(0, "subscription name"), "subscription name")
        let kind: SubscriptionHub.Kind
        switch name {
        case "newHeads": kind = .newHeads
        case "newPendingTransactions": kind = .pendingTransactions
        case "logs": kind = .logs(try LogFilter(p.optional(1).flatMap { $0.isNull ? nil : $0 } ?? .object([])))
        default: throw RPCError(code: -32601, message: "no \"\(name)\" subscription in eth namespace")
        }
        do {
            return .string(try subscriptions.subscribe(kind, session: session))
        } catch {
            // A subscription flood: this client is dropped, after the answer saying why.
            session.dropAfterReply = true
            throw error
        }
    }
}
