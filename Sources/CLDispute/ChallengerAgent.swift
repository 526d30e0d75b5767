import CLPrimitives

/// How a challenger behaves.
public enum ChallengerStrategy: Sendable, Equatable, CustomStringConvertible {
    /// Re-executes, challenges wrong results and bisects truthfully.
    case honest
    /// Challenges every result and proposes wrong midpoint hashes.
    case lying
    /// Challenges wrong results, then never moves (a colluding or crashed validator).
    case stalling
    /// Never challenges (a silent validator).
    case idle

    /// The strategy's name.
    public var description: String {
        switch self {
        case .honest: "honest"
        case .lying: "lying"
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
    /// The honest trace of the task.
    public let trace: Trace
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
    private let skips = SkipLog()

    /// An agent with `strategy` over `trace`.
    public init(name: String, client: MarketClient, trace: Trace, strategy: ChallengerStrategy = .honest) {
        self.name = name
        self.client = client
        self.trace = trace
        self.strategy = strategy
    }

    /// Its address.
    public var address: Address { client.connection.address }

    /// Does every move that is due on `taskId`; returns how many transactions it sent. A task it refuses
    /// returns 0 (logged once); only a failure to reach the chain throws.
    public func poll(taskId: UInt64, stake: UInt256) async throws(DisputeError) -> Int {
        guard strategy != .idle else { return 0 }
        let task = try await client.task(taskId)
        if strategy != .lying && checksTasks {
            do {
                try policy.vet(task, against: trace)
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
            let own = try trace.stateHash(at: steps)
            guard own != submission.finalStateHash || strategy == .lying else { continue }
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
        let open = UInt256(now) <= game.deadline
        switch game.phase {
        case .propose where open:
            let midpoint = try game.midpoint.position("game \(gameId) midpoint")
            var hash = try trace.stateHash(at: midpoint)
            if strategy == .lying { hash = Keccak256.hash(hash.bytes) }
            try await client.propose(gameId: gameId, stateHash: hash)
            narrate?("game \(gameId): \(name) proposes S_\(midpoint) = \(hash.hex.prefix(18))… (steps \(game.lo)…\(game.hi))")
            return 1
        case .prove where !game.hiByChallenger && open:
            try await OneStepProof.post(gameId: gameId, game: game, trace: trace, client: client, who: name, narrate: narrate)
            return 1
        case .data:
            return try await OneStepProof.settleDataWindow(gameId: gameId, game: game, trace: trace, client: client, now: now,
                                                          who: name, narrate: narrate)
        case .answer where !open, .prove where game.hiByChallenger && !open:
            try await client.timeout(gameId: gameId)
            narrate?("game \(gameId): the submitter missed its deadline; \(name) claims the timeout")
            return 1
        default:
            return 0
        }
    }
}
