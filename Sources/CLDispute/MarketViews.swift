import CLPrimitives

/// A task as the TaskMarket stores it. Every integer is the `uint256` the contract holds: a hostile task can
/// put any value there, and nothing decodes it into a narrower type that could fail.
public struct TaskView: Sendable, Equatable {
    /// Who posted it (zero when the task does not exist).
    public var requester: Address
    /// Hash of the model data (the descriptor's oracle key).
    public var modelHash: Bytes32
    /// The input commitment: the leaf at 0x7100_0000 of S_0.
    public var inputHash: Bytes32
    /// The program hash: the FPVM hash of the registered base state.
    public var programHash: Bytes32
    /// The FPVM state hash S_0 every trace starts from (computed by the contract).
    public var initialStateHash: Bytes32
    /// Escrowed fee (wei).
    public var fee: UInt256
    /// Commitments are accepted before this time.
    public var commitDeadline: UInt256
    /// Reveals are accepted from the commit deadline until this time.
    public var revealDeadline: UInt256
    /// Challenges are accepted until this time (a submission's own window may be reopened past it).
    public var challengeDeadline: UInt256
    /// Whether `finalize` completed.
    public var finalized: Bool
    /// The accepted submission (0 when none).
    public var acceptedSubmission: UInt256
    /// The accepted output.
    public var output: Bytes32
    /// The most steps a result may claim.
    public var maxSteps: UInt256
    /// The challenge period the requester chose (seconds).
    public var challengePeriod: UInt256
    /// Commitments so far.
    public var submissionCount: UInt256
    /// Submissions `finalize` has settled.
    public var settledCount: UInt256

    /// The reveal window's length.
    public var revealWindow: UInt256 { revealDeadline &- commitDeadline }
}

/// A submission as the TaskMarket stores it.
public struct SubmissionView: Sendable, Equatable {
    /// Its task.
    public var taskId: UInt256
    /// The staked submitter.
    public var submitter: Address
    /// keccak256(abi.encode(taskId, finalStateHash, steps, submitter)).
    public var commitment: Bytes32
    /// Whether the result was revealed.
    public var revealed: Bool
    /// The claimed final state hash.
    public var finalStateHash: Bytes32
    /// The output leaf proven against the final state.
    public var output: Bytes32
    /// Number of trace steps the game bisects over.
    public var steps: UInt256
    /// Whether a challenger won a game against it.
    public var defeated: Bool
    /// The game running against it (0 when none).
    public var activeGame: UInt256
    /// Challenges are accepted until this time.
    public var challengeDeadline: UInt256
    /// Games played against it.
    public var gamesPlayed: UInt256
}

/// Whose move a game waits for.
public enum GamePhase: UInt8, Sendable, Equatable {
    /// No such game.
    case none = 0
    /// The challenger proposes the midpoint hash.
    case propose = 1
    /// The submitter agrees or disagrees.
    case answer = 2
    /// One step is left: the party disputing `hiHash` posts the witness.
    case prove = 3
    /// Resolved.
    case over = 4
    /// The step reads a preimage part the oracle lacks: anyone may load it until the deadline, then anyone
    /// settles the step with `prove`.
    case data = 5
}

/// A bisection game as the DisputeGame stores it.
public struct GameView: Sendable, Equatable {
    /// The disputed submission.
    public var submissionId: UInt256
    /// The submitter.
    public var submitter: Address
    /// The challenger.
    public var challenger: Address
    /// Agreed step.
    public var lo: UInt256
    /// Disputed step.
    public var hi: UInt256
    /// Agreed state hash at `lo`.
    public var loHash: Bytes32
    /// Asserted state hash at `hi`.
    public var hiHash: Bytes32
    /// True when the challenger asserted `hiHash`.
    public var hiByChallenger: Bool
    /// The proposed midpoint hash (phase `answer`).
    public var midHash: Bytes32
    /// Whose move it is.
    public var phase: GamePhase
    /// The current move's deadline (timestamp).
    public var deadline: UInt256
    /// The winner once over.
    public var winner: Address

    /// The step of the next (or pending) midpoint.
    public var midpoint: UInt256 { lo &+ (hi &- lo) / UInt256(2) }

    /// Whether the game still waits for a move.
    public var running: Bool { phase != .over && phase != .none }
}

extension UInt256 {
    /// This value as a trace position or count, or a typed error naming `what` when it exceeds 64 bits
    /// (the FPVM's step counter is 64 bits; the market bounds every step count far below that).
    public func position(_ what: String) throws(DisputeError) -> UInt64 {
        guard let value = uint64 else { throw .protocolViolation("\(what) \(hexQuantity) exceeds 64 bits") }
        return value
    }
}
