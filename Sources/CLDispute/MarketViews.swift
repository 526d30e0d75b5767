import CLPrimitives

/// A task as the TaskMarket stores it (`tasks(id)`, docs/PROTOCOL.md "Task"): the generated binding of the
/// contract's struct. Every integer is the `uint256` the contract holds: a hostile task can put any value there,
/// and nothing decodes it into a narrower type that could fail.
public typealias TaskView = TaskMarket.TasksResultValue0

/// A submission as the TaskMarket stores it (`submissions(id)`): the generated binding of the contract's struct.
public typealias SubmissionView = TaskMarket.SubmissionsResultValue0

extension TaskMarket.TasksResultValue0 {
    /// The reveal window's length.
    public var revealWindow: UInt256 { revealDeadline &- commitDeadline }
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
    /// One position is left above the last phase: the party that asserted `hiHash` posts its claim of the
    /// phase below (`transition`).
    case transition = 6
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
    /// The phase being played (0 for the first).
    public var level: UInt256

    /// The step of the next (or pending) midpoint.
    public var midpoint: UInt256 { lo &+ (hi &- lo) / UInt256(2) }

    /// Whether the game still waits for a move.
    public var running: Bool { phase != .over && phase != .none }

    /// The party that asserted `hiHash` (the claimant of a transition).
    public var hiAsserter: Address { hiByChallenger ? challenger : submitter }
}

extension GameView {
    /// The game as the generated binding decodes it; nil when its phase is not one this client knows.
    init?(_ g: DisputeGame.GamesResultValue0) {
        guard let phase = GamePhase(rawValue: g.phase) else { return nil }
        self.init(submissionId: g.submissionId, submitter: g.submitter, challenger: g.challenger, lo: g.lo, hi: g.hi,
                  loHash: g.loHash, hiHash: g.hiHash, hiByChallenger: g.hiByChallenger, midHash: g.midHash, phase: phase,
                  deadline: g.deadline, winner: g.winner, level: g.level)
    }
}

extension UInt256 {
    /// This value as a trace position or count, or a typed error naming `what` when it exceeds 64 bits
    /// (the FPVM's step counter is 64 bits; the market bounds every step count far below that).
    public func position(_ what: String) throws(DisputeError) -> UInt64 {
        guard let value = uint64 else { throw .protocolViolation("\(what) \(hexQuantity) exceeds 64 bits") }
        return value
    }
}
