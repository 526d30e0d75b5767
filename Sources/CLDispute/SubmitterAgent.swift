import CLPrimitives

/// A submitter: commits a result, reveals it, answers every midpoint of the game running against it before the
/// deadline (in every phase of a multi-phase game), backs a state it asserted with its claim of the phase
/// below when a phase narrows to one position, proves the last step when it disputes the challenger's hash,
/// claims timeouts, finalizes and withdraws. It keeps no state of its own beyond its claim: every `poll` reads the task, its submission and
/// its game back from the chain, so a restarted agent carries on where the last one stopped. Before it stakes
/// it checks the task against its own trace and its policy (`AgentPolicy`); a task it cannot take, or a game
/// it cannot decode, is logged once and skipped, never fatal.
public final class SubmitterAgent: @unchecked Sendable {
    /// The party's market client.
    public let client: MarketClient
    /// What it claims.
    public let result: any ResultClaim
    /// Its claim when the task is a one-phase one.
    public var claim: Claim? { result as? Claim }
    /// For a copycat: the claim of the submitter it copies (its revealed bytes, as seen in that reveal's calldata).
    public let copiedClaim: Claim?
    /// A label for narration.
    public let name: String
    /// Narration of every transaction it sends, and of every task or game it skips.
    public var narrate: (@Sendable (String) -> Void)?
    /// Whether it withdraws its credits once the task is final.
    public var withdraws = true
    /// What it requires of a task before staking.
    public var policy = AgentPolicy()
    /// The phase from which it stops moving (a crashed or colluding submitter); nil: it plays every phase.
    public var stopsAtPhase: UInt64?
    /// Whether it leaves a transition it must make unanswered (and plays on otherwise).
    public var skipsTransitions = false
    private var revealRefused = false
    private let skips = SkipLog()

    /// An agent for `claim`.
    public init(name: String, client: MarketClient, claim: some ResultClaim, copying copiedClaim: Claim? = nil) {
        self.name = name
        self.client = client
        self.result = claim
        self.copiedClaim = copiedClaim
    }

    /// Its address.
    public var address: Address { client.connection.address }

    /// Its submission to `taskId`, if any.
    public func submissionId(taskId: UInt64) async throws(DisputeError) -> UInt64? {
        for id in try await client.submissions(of: taskId) where try await client.submission(id).submitter == address { return id }
        return nil
    }

    /// Does every move that is due on `taskId`; returns how many transactions it sent. A task it refuses
    /// returns 0 (logged once); only a failure to reach the chain throws.
    public func poll(taskId: UInt64, stake: UInt256) async throws(DisputeError) -> Int {
        let task = try await client.task(taskId)
        guard task.requester != .zero else {
            skips.once("\(name) skips task \(taskId): no such task", narrate)
            return 0
        }
        let now = try await client.connection.latestTimestamp()
        var sent = 0
        guard let mine = try await submissionId(taskId: taskId) else {
            guard policy.hasTime(until: task.commitDeadline, now: now) else { return 0 }
            do {
                try await vet(task, taskId: taskId)
            } catch .taskRejected(let why) {
                skips.once("\(name) will not stake on task \(taskId): \(why)", narrate)
                return 0
            }
            let commitment: Bytes32
            if result.isCopycat {
                guard let victim = try await client.submissions(of: taskId).first else { return 0 }
                commitment = try await client.submission(victim).commitment
            } else {
                commitment = MarketClient.commitment(taskId: taskId, finalStateHash: result.finalStateHash, steps: result.steps,
                                                     submitter: address)
            }
            let id = try await client.commit(taskId: taskId, commitment: commitment, stake: stake)
            narrate?("\(name) commits submission \(id) to task \(taskId) (\(result.strategyName))")
            return 1
        }
        let submission = try await client.submission(mine)
        if !submission.revealed && UInt256(now) >= task.commitDeadline && UInt256(now) < task.revealDeadline {
            let shown: any ResultClaim = copiedClaim ?? result
            do {
                try await shown.reveal(client: client, submissionId: mine)
                narrate?("\(name) reveals submission \(mine): final state \(shown.finalStateHash.hex.prefix(18))…, \(shown.steps) steps")
                sent += 1
            } catch .reverted(let function, let reason) {
                // Only a copycat gets here by design: the commitment it copied names another sender.
                guard result.isCopycat else { throw .reverted(function: function, reason: reason) }
                if !revealRefused { narrate?("\(name) cannot reveal submission \(mine): \(reason)") }
                revealRefused = true
            }
        }
        if let gameId = submission.activeGame.uint64, gameId != 0 {
            do {
                sent += try await play(gameId: gameId, submission: mine, now: now)
            } catch .rpc(let why) {
                throw .rpc(why)
            } catch {
                skips.once("\(name) skips game \(gameId) of submission \(mine): \(error)", narrate)
            }
        }
        sent += try await client.finalizeAndWithdraw(task: task, taskId: taskId, now: now, finalizes: true,
                                                    withdraws: withdraws, account: address, name: name,
                                                    narrate: narrate)
        return sent
    }

    /// The checks before staking: the task is the one its trace computes, its windows are ones it can meet.
    private func vet(_ task: TaskView, taskId: UInt64) async throws(DisputeError) {
        try await result.vet(task, taskId: taskId, client: client, policy: policy)
        try policy.vetWindows(task, moveTimeout: try await client.moveTimeout())
    }

    private func play(gameId: UInt64, submission: UInt64, now: UInt64) async throws(DisputeError) -> Int {
        let game = try await client.game(gameId)
        guard game.submissionId == UInt256(submission), game.submitter == address else { return 0 }
        if let stop = stopsAtPhase, game.level >= UInt256(stop) { return 0 }
        let open = UInt256(now) <= game.deadline
        let path = game.level == .zero ? [] : try await client.positions(gameId)
        let label = GameNarration.label(gameId: gameId, path: path)
        client.connection.gasLabel = GameNarration.gasLabel(level: game.level, phases: result.phaseCount)
        defer { client.connection.gasLabel = nil }
        switch game.phase {
        case .answer where open:
            let midpoint = try game.midpoint.position("game \(gameId) midpoint")
            let own = try result.stateHash(path: path, at: midpoint)
            let agree = own == game.midHash
            try await client.answer(gameId: gameId, agree: agree)
            narrate?("\(label): \(name) \(agree ? "agrees" : "disagrees") with the state at \(GameNarration.unit(path)) \(midpoint)")
            return 1
        case .transition where !game.hiByChallenger && open:
            guard !skipsTransitions else { return 0 }
            let position = try game.hi.position("game \(gameId) position")
            guard let claim = try result.lowerClaim(path: path + [position], asserted: game.hiHash) else { return 0 }
            try await client.transition(gameId: gameId, claim: claim)
            narrate?(GameNarration.transition(label: label, who: name, position: position, claim: claim))
            return 1
        case .prove where game.hiByChallenger && open:
            guard let trace = try result.stepTrace(path: path) else { return 0 }
            try await OneStepProof.post(gameId: gameId, game: game, trace: trace, client: client, who: name, narrate: narrate)
            return 1
        case .data:
            guard let trace = try result.stepTrace(path: path) else { return 0 }
            return try await OneStepProof.settleDataWindow(gameId: gameId, game: game, trace: trace, client: client, now: now,
                                                          who: name, narrate: narrate)
        case .propose where !open, .prove where !game.hiByChallenger && !open, .transition where game.hiByChallenger && !open:
            try await client.timeout(gameId: gameId)
            narrate?("\(label): the challenger missed its deadline; \(name) claims the timeout")
            return 1
        default:
            return 0
        }
    }
}
