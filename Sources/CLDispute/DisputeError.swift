import CLPrimitives

/// Why a dispute-protocol operation failed.
public enum DisputeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The node could not be reached or answered badly.
    case rpc(String)
    /// A transaction or call reverted; the reason as the node reported it.
    case reverted(function: String, reason: String)
    /// A contract's return data or log did not decode.
    case decoding(String)
    /// A contract artifact is missing or malformed.
    case artifact(String)
    /// The guest program failed to load or run.
    case execution(String)
    /// The agent was asked for something the chain's state does not allow.
    case protocolViolation(String)
    /// A task the agent will not stake on: its hashes, S_0, step bound or windows do not check out.
    case taskRejected(String)

    /// A sentence naming the failure.
    public var description: String {
        switch self {
        case .rpc(let why): "JSON-RPC: \(why)"
        case .reverted(let function, let reason): "\(function) reverted: \(reason)"
        case .decoding(let why): "cannot decode: \(why)"
        case .artifact(let why): "contract artifact: \(why)"
        case .execution(let why): "guest execution: \(why)"
        case .protocolViolation(let why): why
        case .taskRejected(let why): "task rejected: \(why)"
        }
    }
}
