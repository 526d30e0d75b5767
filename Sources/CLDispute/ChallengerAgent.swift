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
/// differs from its own, proposes midpoints, proves the last step when it disputes the submitter's
/// hash, and claims timeouts. Like the submitter it reads everything back from the chain on each poll.
public final class ChallengerAgent: @unchecked Sendable {
    /// The party's market client.
    public let client: MarketClient
    /// The honest trace of the task.
    public let trace: Trace
    /// Its behaviour.
    public let strategy: ChallengerStrategy
    /// A label for narration.
    public let name: String
    /// Narration of every transaction it sends.
    public var narrate: (@Sendable (String) -> Void)?
    /// Whether it withdraws its credits once the task is final.
    public var withdraws = true
    private var finishedGames: Set<UInt64> = []

    /// An agent with `strategy` over `trace`.
    public init(name: String, client: MarketClient, trace: Trace, strategy: ChallengerStrategy = .honest) {
        self.name = name
        self.client = client
        self.trace = trace
        self.strategy = strategy
    }

    /// Its address.
    public var address: Address { client.connection.address }

    /// Does every move that is due on `taskId`; returns how many transactions it sent.
    public func poll(taskId: UInt64, stake: UInt256) async throws(DisputeError) -> Int {
        guard strategy != .idle else { return 0 }
        let task = try await client.task(taskId)
        let now = try await client.connection.latestTimestamp()
        var sent = 0
        if now < task.challengeDeadline {
            for id in try await client.submissions(of: taskId) {
                let submission = try await client.submission(id)
                guard submission.revealed, !submission.defeated, submission.submitter != address,
                      try await !hasChallenged(id) else { continue }
                let own = try trace.stateHash(at: submission.steps)
                guard own != submission.finalStateHash || strategy == .lying else { continue }
                let game = try await client.challenge(submissionId: id, stake: stake)
                narrate?("\(name) challenges submission \(id) (claimed \(submission.finalStateHash.hex.prefix(18))…, own \(own.hex.prefix(18))…): game \(game)")
                sent += 1
            }
        }
        if strategy != .stalling { sent += try await playGames(now: now) }
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

    private func playGames(now: UInt64) async throws(DisputeError) -> Int {
        var sent = 0
        let count = try await client.gameCount()
        var id: UInt64 = 1
        while id <= count {
            defer { id += 1 }
            if finishedGames.contains(id) { continue }
            let game = try await client.game(id)
            guard game.challenger == address else { continue }
            switch game.phase {
            case .over, .none:
                finishedGames.insert(id)
            case .propose where now <= game.deadline:
                var hash = try trace.stateHash(at: game.midpoint)
                if strategy == .lying { hash = Keccak256.hash(hash.bytes) }
                try await client.propose(gameId: id, stateHash: hash)
                narrate?("game \(id): \(name) proposes S_\(game.midpoint) = \(hash.hex.prefix(18))… (steps \(game.lo)…\(game.hi))")
                sent += 1
            case .prove where !game.hiByChallenger && now <= game.deadline:
                try await OneStepProof.post(gameId: id, game: game, trace: trace, client: client, who: name, narrate: narrate)
                sent += 1
            case .answer where now > game.deadline, .prove where game.hiByChallenger && now > game.deadline:
                try await client.timeout(gameId: id)
                narrate?("game \(id): the submitter missed its deadline; \(name) claims the timeout")
                sent += 1
            default:
                break
            }
        }
        return sent
    }
}
