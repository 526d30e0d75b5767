import CLPrimitives

/// A JSON-RPC 2.0 error object: code, message and optional data.
public struct RPCError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The error code (JSON-RPC's reserved range, geth's -32000, or 3 for a revert).
    public var code: Int
    /// The message.
    public var message: String
    /// Extra data (a revert's bytes as hex).
    public var data: JSON?

    /// An error with these fields.
    public init(code: Int, message: String, data: JSON? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// `message (code n)`.
    public var description: String { "\(message) (code \(code))" }

    /// -32700: the body is not JSON.
    public static func parseError(_ why: String) -> RPCError { RPCError(code: -32700, message: "parse error: \(why)") }
    /// -32600: not a JSON-RPC request object.
    public static func invalidRequest(_ why: String) -> RPCError { RPCError(code: -32600, message: "invalid request: \(why)") }
    /// -32601: unknown method.
    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(code: -32601, message: "the method \(method) does not exist/is not available")
    }
    /// -32602: wrong parameters.
    public static func invalidParams(_ why: String) -> RPCError { RPCError(code: -32602, message: "invalid params: \(why)") }
    /// -32603: a failure inside the node.
    public static func internalError(_ why: String) -> RPCError { RPCError(code: -32603, message: "internal error: \(why)") }
    /// -32000: geth's code for a refused transaction or request.
    public static func server(_ message: String) -> RPCError { RPCError(code: -32000, message: message) }
    /// 3: execution reverted, with the revert bytes as data (geth and Anvil's shape).
    public static func reverted(_ output: [UInt8]) -> RPCError {
        RPCError(code: 3, message: RevertMessage.message(output), data: .string(Hex.encode(output, prefix: true)))
    }

    /// The error as a JSON object.
    public var json: JSON {
        var members: [(String, JSON)] = [("code", .int(code)), ("message", .string(message))]
        if let data { members.append(("data", data)) }
        return .object(members)
    }
}

extension ChainError {
    /// The JSON-RPC error for this chain error.
    public var rpcError: RPCError {
        switch self {
        case .undecodable(let why): RPCError(code: -32602, message: "failed to decode transaction: \(why)")
        case .rejected(let why), .unsupported(let why): .server(why)
        case .notFound(let why): .server("not found: \(why)")
        case .storage(let why): .internalError(why)
        case .reverted(let data): .reverted(data)
        }
    }
}
