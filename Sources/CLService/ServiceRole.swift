import CLDispute
import CLPrimitives

/// What a service does with each task: validate (re-execute, challenge wrong results, play the games) or
/// submit (commit and reveal results, defend them), with the behaviour of the `chainlearn task` agents.
public enum ServiceRole: Sendable, Equatable {
    /// A validator with a challenger strategy (`honest` in production).
    case validator(ChallengerStrategy)
    /// A submitter with a one-phase strategy and a two-phase strategy (`honest` in production).
    case submitter(SubmitterStrategy, graph: GraphSubmitterStrategy)

    /// `validator` or `submitter`.
    public var name: String {
        switch self {
        case .validator: "validator"
        case .submitter: "submitter"
        }
    }

    /// Why a strategy name was refused.
    public struct StrategyError: Error, CustomStringConvertible, Sendable {
        /// The sentence.
        public let description: String
    }

    /// A validator from its strategy name: `honest`, `lying`, `lying-from-phase:P` (1-based), `stalling`, `idle`.
    public static func validator(strategy text: String) throws(StrategyError) -> ServiceRole {
        switch text {
        case "honest": return .validator(.honest)
        case "lying": return .validator(.lying)
        case "stalling": return .validator(.stalling)
        case "idle": return .validator(.idle)
        default:
            guard text.hasPrefix("lying-from-phase:"), let phase = UInt64(text.dropFirst("lying-from-phase:".count)), phase >= 1 else {
                throw StrategyError(description: "validator strategy is honest, lying, lying-from-phase:P, stalling or idle, not \(text)")
            }
            return .validator(.lyingFromPhase(phase - 1))
        }
    }

    /// A submitter from its strategy name: `honest`, `wrong-output`, `noise` or `wrong-state:STEP` (one-phase
    /// tasks; two-phase tasks are then answered honestly), or `wrong-node:K` (two-phase tasks; one-phase
    /// tasks honestly).
    public static func submitter(strategy text: String) throws(StrategyError) -> ServiceRole {
        switch text {
        case "honest": return .submitter(.honest, graph: .honest)
        case "wrong-output": return .submitter(.wrongOutput, graph: .honest)
        case "noise": return .submitter(.noise, graph: .honest)
        default:
            if text.hasPrefix("wrong-state:"), let step = UInt64(text.dropFirst("wrong-state:".count)) {
                return .submitter(.wrongStateFrom(step), graph: .honest)
            }
            if text.hasPrefix("wrong-node:"), let node = UInt64(text.dropFirst("wrong-node:".count)), node >= 1 {
                return .submitter(.honest, graph: .wrongNode(node))
            }
            throw StrategyError(description: "submitter strategy is honest, wrong-output, noise, wrong-state:STEP or wrong-node:K, not \(text)")
        }
    }
}

/// The agents' common poll (`ChallengerAgent.poll`, `SubmitterAgent.poll`).
protocol PollingAgent: AnyObject, Sendable {
    func poll(taskId: UInt64, stake: UInt256) async throws(DisputeError) -> Int
}

extension ChallengerAgent: PollingAgent {}
extension SubmitterAgent: PollingAgent {}

/// A task's agent polled together with this account's side of the attention challenge on the same task
/// (docs/PROTOCOL.md, "Attention challenge"): a validator's `AttentionValidator` answers first (its window closes
/// at the commit deadline), a submitter's `AttentionAccuser` after (it acts once the task is final).
final class AttentionPairedAgent: PollingAgent, @unchecked Sendable {
    private let main: any PollingAgent
    private let before: (any AttentionPart)?
    private let after: (any AttentionPart)?

    init(main: any PollingAgent, before: (any AttentionPart)? = nil, after: (any AttentionPart)? = nil) {
        self.main = main
        self.before = before
        self.after = after
    }

    func poll(taskId: UInt64, stake: UInt256) async throws(DisputeError) -> Int {
        var sent = try await before?.poll(taskId: taskId) ?? 0
        sent += try await main.poll(taskId: taskId, stake: stake)
        sent += try await after?.poll(taskId: taskId) ?? 0
        return sent
    }
}

/// The attention agents' common poll.
protocol AttentionPart: AnyObject, Sendable {
    func poll(taskId: UInt64) async throws(DisputeError) -> Int
}

extension AttentionValidator: AttentionPart {}
extension AttentionAccuser: AttentionPart {}
