import CLPrimitives
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Why a JSON-RPC call failed on the client side.
public enum RPCClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The endpoint could not be reached or answered with an HTTP error.
    case transport(String)
    /// The endpoint answered with a JSON-RPC error.
    case rpc(RPCError)
    /// The answer was not a JSON-RPC response, or a result had an unexpected shape.
    case badResponse(String)

    /// A sentence naming the failure.
    public var description: String {
        switch self {
        case .transport(let why): "cannot reach the node: \(why)"
        case .rpc(let error):
            error.data.map { "\(error.message) (code \(error.code), data \($0.stringValue ?? $0.text))" } ?? "\(error.message) (code \(error.code))"
        case .badResponse(let why): "unexpected response: \(why)"
        }
    }
}

/// A JSON-RPC 2.0 client over HTTP(S) for any Ethereum endpoint (this node, Anvil, geth, a provider).
public final class RPCClient: Sendable {
    /// The endpoint.
    public let url: URL
    private let counter = Counter()

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    }

    /// A client for `url`.
    public init(url: URL) { self.url = url }

    /// Calls `method` with positional `params` and returns its result.
    public func call(_ method: String, _ params: [JSON] = []) async throws(RPCClientError) -> JSON {
        let id = counter.next()
        let body = JSON.object([("jsonrpc", .string("2.0")), ("id", .int(id)), ("method", .string(method)),
                                ("params", .array(params))])
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.serialized)
        request.timeoutInterval = 120
        let data: Data
        let response: URLResponse
        do { (data, response) = try await URLSession.shared.data(for: request) } catch {
            throw .transport("\(url.absoluteString): \(error.localizedDescription)")
        }
        let parsed: JSON
        do { parsed = try JSON.parse([UInt8](data)) } catch {
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            throw .transport("HTTP \(status), body is not JSON: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        if let error = parsed["error"], case .object = error {
            throw .rpc(RPCError(code: error["code"]?.intValue ?? 0, message: error["message"]?.stringValue ?? "", data: error["data"]))
        }
        guard let result = parsed["result"] else { throw .badResponse("no result in \(parsed.text.prefix(200))") }
        return result
    }

    /// A hex quantity result as UInt256.
    public static func word(_ value: JSON) throws(RPCClientError) -> UInt256 {
        guard let text = value.stringValue, let parsed = UInt256(hex: text) else { throw .badResponse("expected a quantity, got \(value.text)") }
        return parsed
    }

    /// A hex data result as bytes.
    public static func bytes(_ value: JSON) throws(RPCClientError) -> [UInt8] {
        guard let text = value.stringValue, let parsed = try? Hex.decode(text) else { throw .badResponse("expected hex data, got \(value.text)") }
        return parsed
    }
}
