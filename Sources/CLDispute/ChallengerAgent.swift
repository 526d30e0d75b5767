import CLPrimitives

/// How a challenger behaves.
public enum ChallengerStrategy: Sendable, Equatable, CustomStringConvertible {
    /// Re-executes, challenges wrong results and bisects truthfully.
    case honest
    /// Challenges every result and proposes wrong midpoint hashes (in every phase), and backs a wrong state it
    /// asserted with a made-up claim of the phase below.
    case lying
    /// Challenges every result, bisects truthfully in the phases before this one (0 = the first) and lies from
    /// it on.
    case lyingFromPhase(UInt64)
    /// Challenges wrong results, then never moves (a colluding or crashed validator).
    case stalling
    /// Never challenges (a silent validator).
    case idle

    /// The strategy's name.
    public var description: String {
        switch self {
        case .honest: "honest"
        case .lying: "lying"
        case .lyingFromPhase(let phase): "lying from phase \(phase + 1)"
        case .stalling: "stalling"
        case .idle: "idle"
        }
    }
}

/// A validator: re-executes every revealed result of a task, challenges those whose final state hash
/// differs from its own (one game at a time per submission, as the market allows: while another challenger's
/// game runs it waits, and needs to do nothing if that game defeats the result), proposes midpoints, proves
/// the last step when it disputes the submitter's hash, and claims timeouts. Like the submitter it reads
/// everything back from the chain on each poll, checks the task against its trace before staking, and logs and
/// skips whatever it cannot check or decode.
public final class ChallengerAgent: @unchecked Sendable {
    /// The party's market client.
    public let client: MarketClient
    /// What it computed of the task (a one-phase `Trace`, a two-phase `GraphDispute`).
    public let answers: any GameAnswers
    /// Its behaviour.
    public let strategy: ChallengerStrategy
    /// A label for narration.
    public let name: String
    /// Narration of every transaction it sends, and of every task or game it skips.
    public var narrate: (@Sendable (String) -> Void)?
    /// Whether it withdraws its credits once the task is final.
    public var withdraws = true
    /// What it requires of a task before staking.
    public var policy = AgentPolicy()
    /// Whether it checks the task against its trace and policy before staking (an honest validator always
    /// does; off only to model an attacker that plays a trace of some other input).
    public var checksTasks = true
    /// The phase from which it stops moving (a crashed validator); nil: it plays every phase.
    public var stopsAtPhase: UInt64?
    private let skips = SkipLog()

    /// An agent with `strategy` over `answers`.
    public init(name: String, client: MarketClient, answers: any GameAnswers, strategy: ChallengerStrategy = .honest) {
        self.name = name
        self.client = client
        self.answers = answers
        self.strategy = strategy
    }

    /// An agent with `strategy` over a one-phase trace.
    public convenience init(name: String, client: MarketClient, trace: Trace, strategy: ChallengerStrategy = .honest) {
        self.init(name: name, client: client, answers: trace, strategy: strategy)
    }

    /// Whether it lies in the phase at `level`.
    func lies(at level: UInt256) -> Bool {
        switch strategy {
        case .lying: true
        case .lyingFromPhase(let phase): level >= UInt256(phase)
        default: false
        }
    }

    /// Whether it challenges every result whatever its own computation says.
    var challengesEverything: Bool {
        switch strategy {
        case .lying, .lyingFromPhase: true
        default: false
        }
    }

    /// Its address.
    public var address: Address { client.connection.address }

    /// Does every move that is due on `taskId`; returns how many transactions it sent. A task it refuses
    /// returns 0 (logged once); only a failure to reach the chain throws.
    public func poll(taskId: UInt64, stake: UInt256) async throws(DisputeError) -> Int {
        guard strategy != .idle else { return 0 }
        let task = try await client.task(taskId)
        if !challengesEverything && checksTasks {
            do {
                try await answers.vet(task, taskId: taskId, client: client, policy: policy)
                try policy.vetWindows(task, moveTimeout: try await client.moveTimeout())
            } catch .taskRejected(let why) {
                skips.once("\(name) will not check task \(taskId): \(why)", narrate)
                return 0
            }
        }
        let now = try await client.connection.latestTimestamp()
        var sent = 0
        for id in try await client.submissions(of: taskId) {
            let submission = try await client.submission(id)
            if submission.activeGame != .zero {
                if strategy != .stalling { sent += try await playActiveGame(of: submission, id: id, now: now) }
                continue
            }
            guard submission.revealed, !submission.defeated, submission.submitter != address,
                  policy.hasTime(until: submission.challengeDeadline, now: now), try await !hasChallenged(id) else { continue }
            let steps: UInt64
            do { steps = try submission.steps.position("submission \(id) steps") } catch {
                skips.once("\(name) skips submission \(id): \(error)", narrate)
                continue
            }
            let own = try answers.stateHash(path: [], at: steps)
            guard own != submission.finalStateHash || challengesEverything else { continue }
            let game = try await client.challenge(submissionId: id, stake: stake)
            narrate?("\(name) challenges submission \(id) (claimed \(submission.finalStateHash.hex.prefix(18))…, own \(own.hex.prefix(18))…): game \(game)")
            sent += 1
            // Its first move is due at once.
            if strategy != .stalling { sent += try await playActiveGame(of: try await client.submission(id), id: id, now: now) }
        }
        sent += try await client.finalizeAndWithdraw(task: task, taskId: taskId, now: now, finalizes: strategy == .honest,
                                                    withdraws: withdraws, account: address, name: name,
                                                    narrate: narrate)
        return sent
    }

    private func hasChallenged(_ submission: UInt64) async throws(DisputeError) -> Bool {
        let out = try await client.connection.call(client.deployment.market, client.contracts.market.function("challenged"),
                                                   [.uint(UInt256(submission)), .address(address)])
        return try MarketClient.bool(out.first ?? .uint(.zero))
    }

    private func playActiveGame(of submission: SubmissionView, id: UInt64, now: UInt64) async throws(DisputeError) -> Int {
        guard let gameId = submission.activeGame.uint64 else {
            skips.once("\(name) skips submission \(id): game id \(submission.activeGame) exceeds 64 bits", narrate)
            return 0
        }
        do {
            return try await play(gameId: gameId, now: now)
        } catch .rpc(let why) {
            throw .rpc(why)
        } catch {
            skips.once("\(name) cannot play game \(gameId): \(error)", narrate)
            return 0
        }
    }

    private func play(gameId: UInt64, now: UInt64) async throws(DisputeError) -> Int {
        let game = try await client.game(gameId)
        guard game.challenger == address else { return 0 }
        if let stop = stopsAtPhase, game.level >= UInt256(stop) { return 0 }
        let open = UInt256(now) <= game.deadline
        let path = game.level == .zero ? [] : try await client.positions(gameId)
        let label = GameNarration.label(gameId: gameId, path: path)
        client.connection.gasLabel = GameNarration.gasLabel(level: game.level, phases: answers.phaseCount)
        defer { client.connection.gasLabel = nil }
        switch game.phase {
        case .propose where open:
            let midpoint = try game.midpoint.position("game \(gameId) midpoint")
            var hash = try answers.stateHash(path: path, at: midpoint)
            if lies(at: game.level) { hash = Keccak256.hash(hash.bytes) }
            try await client.propose(gameId: gameId, stateHash: hash)
            narrate?("\(label): \(name) proposes the state at \(GameNarration.unit(path)) \(midpoint) = \(hash.hex.prefix(18))… (\(game.lo)…\(game.hi))")
            return 1
        case .transition where game.hiByChallenger && open:
            let position = try game.hi.position("game \(gameId) position")
            let lowerPath = path + [position]
            let claim = lies(at: game.level)
                ? try answers.forgedLowerClaim(path: lowerPath, asserted: game.hiHash)
                : try answers.lowerClaim(path: lowerPath, asserted: game.hiHash)
            guard let claim else { return 0 }
            try await client.transition(gameId: gameId, claim: claim)
            narrate?(GameNarration.transition(label: label, who: name, position: position, claim: claim))
            return 1
        case .prove where !game.hiByChallenger && open:
            guard let trace = try answers.stepTrace(path: path) else { return 0 }
            try await OneStepProof.post(gameId: gameId, game: game, trace: trace, client: client, who: name, narrate: narrate)
            return 1
        case .data:
            guard let trace = try answers.stepTrace(path: path) else { return 0 }
            return try await OneStepProof.settleDataWindow(gameId: gameId, game: game, trace: trace, client: client, now: now,
                                                          who: name, narrate: narrate)
        case .answer where !open, .prove where game.hiByChallenger && !open, .transition where !game.hiByChallenger && !open:
            try await client.timeout(gameId: gameId)
            narrate?("\(label): the submitter missed its deadline; \(name) claims the timeout")
            return 1
        default:
            return 0
        }
    }
}
