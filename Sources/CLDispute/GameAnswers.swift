import CLPrimitives

/// What a party answers a dispute game from, phase by phase (docs/PROTOCOL.md, "Multi-phase game"). `path`
/// holds the positions the finished phases narrowed to, first phase first (`DisputeGame.positionsOf`): empty
/// while the first phase runs, `[k]` in the phase-2 game of position `k`. One agent loop plays every phase
/// through this protocol; a one-phase task is the case of a single phase (`Trace`, `Claim`).
public protocol GameAnswers: AnyObject, Sendable {
    /// The number of phases of the task (1 for a one-phase task).
    var phaseCount: Int { get }
    /// The state hash this party asserts at `step` of the phase `path` reaches.
    func stateHash(path: [UInt64], at step: UInt64) throws(DisputeError) -> Bytes32
    /// The FPVM trace of the (last) phase `path` reaches, for one-step proofs and data windows; nil when the
    /// party computed none.
    func stepTrace(path: [UInt64]) throws(DisputeError) -> Trace?
    /// This party's claim of the phase below position `path.last`, backing the state `asserted` it asserted
    /// there; nil when it has none to post (a one-phase trace, or a party that computed nothing).
    func lowerClaim(path: [UInt64], asserted: Bytes32) throws(DisputeError) -> LowerClaim?
    /// A made-up claim of the phase below that backs `asserted` (what a lying party posts): the honest
    /// run's final state with `asserted` written into its output field; nil when it cannot make one.
    func forgedLowerClaim(path: [UInt64], asserted: Bytes32) throws(DisputeError) -> LowerClaim?
    /// Checks that task `taskId` is the one this party computed before it stakes (`AgentPolicy`); throws
    /// `.taskRejected` naming the mismatch.
    func vet(_ task: TaskView, taskId: UInt64, client: MarketClient, policy: AgentPolicy) async throws(DisputeError)
}

/// A party of a one-phase task: it answers the only phase from its own `stateHash(at:)` and proves steps from
/// its trace; there is no phase below.
public protocol OnePhaseAnswers: GameAnswers {
    /// Its state hash at `step`.
    func stateHash(at step: UInt64) throws(DisputeError) -> Bytes32
    /// The FPVM trace it proves steps from (nil when it computed none).
    var proofTrace: Trace? { get }
}

extension OnePhaseAnswers {
    /// One phase.
    public var phaseCount: Int { 1 }

    /// `stateHash(at:)` (`path` must be empty).
    public func stateHash(path: [UInt64], at step: UInt64) throws(DisputeError) -> Bytes32 {
        guard path.isEmpty else { throw .protocolViolation("a one-phase task has no phase below the first") }
        return try stateHash(at: step)
    }

    /// `proofTrace` (`path` must be empty).
    public func stepTrace(path: [UInt64]) throws(DisputeError) -> Trace? {
        guard path.isEmpty else { throw .protocolViolation("a one-phase task has no phase below the first") }
        return proofTrace
    }

    /// None: a one-phase task has no phase below.
    public func lowerClaim(path: [UInt64], asserted: Bytes32) throws(DisputeError) -> LowerClaim? { nil }

    /// None: a one-phase task has no phase below.
    public func forgedLowerClaim(path: [UInt64], asserted: Bytes32) throws(DisputeError) -> LowerClaim? { nil }
}

extension Trace: OnePhaseAnswers {
    /// Itself.
    public var proofTrace: Trace? { self }

    /// `AgentPolicy.vet(task, against: self)`, and the task must be a one-phase one.
    public func vet(_ task: TaskView, taskId: UInt64, client: MarketClient, policy: AgentPolicy) async throws(DisputeError) {
        try policy.vet(task, against: self)
        guard try await client.graphPhase(taskId).verifier == .zero else { throw .taskRejected("a two-phase task, not \(spec.name)'s one-phase task") }
    }
}

extension Claim: OnePhaseAnswers {
    /// The honest trace behind the claim (nil for one that computed nothing).
    public var proofTrace: Trace? { trace }

    /// The trace's check (skipped for a claim that computed nothing) and the step bound.
    public func vet(_ task: TaskView, taskId: UInt64, client: MarketClient, policy: AgentPolicy) async throws(DisputeError) {
        if let trace, strategy != .noise { try await trace.vet(task, taskId: taskId, client: client, policy: policy) }
        if UInt256(steps) > task.maxSteps {
            throw .taskRejected("the claim takes \(steps) steps, over the task's bound \(task.maxSteps)")
        }
    }
}

/// The result a submitter commits to and reveals, and answers the game from.
public protocol ResultClaim: GameAnswers {
    /// Its strategy, for narration.
    var strategyName: String { get }
    /// Whether it copies another submitter's commitment instead of committing its own.
    var isCopycat: Bool { get }
    /// The claimed final state hash of the first phase.
    var finalStateHash: Bytes32 { get }
    /// The first phase's claimed length.
    var steps: UInt64 { get }
    /// Reveals it for `submissionId`.
    func reveal(client: MarketClient, submissionId: UInt64) async throws(DisputeError)
}

extension Claim: ResultClaim {
    /// The strategy's name.
    public var strategyName: String { strategy.description }

    /// Whether it is a copycat.
    public var isCopycat: Bool { strategy == .copycat }

    /// `reveal(finalState, outputProof, steps)`.
    public func reveal(client: MarketClient, submissionId: UInt64) async throws(DisputeError) {
        try await client.reveal(submissionId: submissionId, finalState: finalState.encoded, outputProof: outputProof.encoded,
                                steps: steps)
    }
}

/// How agents name the phases of a game in their narration.
enum GameNarration {
    /// "game 3" in the first phase, "game 3, phase 2 of node 5" below it.
    static func label(gameId: UInt64, path: [UInt64]) -> String {
        guard let position = path.last else { return "game \(gameId)" }
        return "game \(gameId), phase \(path.count + 1) of position \(position)"
    }

    /// What the positions of the phase `path` reaches are called.
    static func unit(_ path: [UInt64]) -> String { path.isEmpty ? "position" : "step" }

    /// The gas label of a move in phase `level` (none for a one-phase task).
    static func gasLabel(level: UInt256, phases: Int) -> String? {
        phases > 1 ? "phase \((level.uint64 ?? 0) + 1)" : nil
    }

    /// The narration of a transition.
    static func transition(label: String, who: String, position: UInt64, claim: LowerClaim) -> String {
        "\(label): \(who) backs its state at position \(position) with a phase-2 claim (start \(claim.startHash.hex.prefix(18))…, final \(claim.claimHash.hex.prefix(18))…, \(claim.steps) steps): phase 2 opens"
    }
}

/// Wraps a party's answers and adds up the time spent computing them (`seconds`), for measurements.
public final class TimedAnswers: GameAnswers, @unchecked Sendable {
    /// The wrapped answers.
    public let inner: any GameAnswers
    private let clock = ContinuousClock()
    private var elapsed: Duration = .zero
    private var cpu: Double = 0

    /// Times `inner`.
    public init(_ inner: any GameAnswers) { self.inner = inner }

    /// Wall-clock seconds spent in the wrapped calls so far.
    public var seconds: Double {
        Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// CPU seconds of the calling threads in the wrapped calls so far (each call computes on its own thread).
    public var cpuSeconds: Double { cpu }

    private func timed<T>(_ body: () throws(DisputeError) -> T) throws(DisputeError) -> T {
        let start = clock.now
        let startCPU = ComputeClock.threadSeconds()
        defer {
            elapsed += clock.now - start
            cpu += ComputeClock.threadSeconds() - startCPU
        }
        return try body()
    }

    /// The wrapped phase count.
    public var phaseCount: Int { inner.phaseCount }

    /// Timed.
    public func stateHash(path: [UInt64], at step: UInt64) throws(DisputeError) -> Bytes32 {
        try timed { () throws(DisputeError) in try inner.stateHash(path: path, at: step) }
    }

    /// Timed.
    public func stepTrace(path: [UInt64]) throws(DisputeError) -> Trace? {
        try timed { () throws(DisputeError) in try inner.stepTrace(path: path) }
    }

    /// Timed.
    public func lowerClaim(path: [UInt64], asserted: Bytes32) throws(DisputeError) -> LowerClaim? {
        try timed { () throws(DisputeError) in try inner.lowerClaim(path: path, asserted: asserted) }
    }

    /// Timed.
    public func forgedLowerClaim(path: [UInt64], asserted: Bytes32) throws(DisputeError) -> LowerClaim? {
        try timed { () throws(DisputeError) in try inner.forgedLowerClaim(path: path, asserted: asserted) }
    }

    /// Not timed (it reads the chain).
    public func vet(_ task: TaskView, taskId: UInt64, client: MarketClient, policy: AgentPolicy) async throws(DisputeError) {
        try await inner.vet(task, taskId: taskId, client: client, policy: policy)
    }
}
