import CLPrimitives

/// A submitter: commits a result, reveals it, answers every midpoint of every game against it before the
/// deadline, proves the last step when it disputes the challenger's hash, claims timeouts, finalizes and
/// withdraws. It keeps no state of its own beyond its claim: every `poll` reads the task, its submission
/// and its games back from the chain, so a restarted agent carries on where the last one stopped.
public final class SubmitterAgent: @unchecked Sendable {
    /// The party's market client.
    public let client: MarketClient
    /// What it claims.
    public let claim: Claim
    /// For a copycat: the claim of the submitter it copies (its revealed bytes, as seen in that reveal's calldata).
    public let copiedClaim: Claim?
    /// A label for narration.
    public let name: String
    /// Narration of every transaction it sends.
    public var narrate: (@Sendable (String) -> Void)?
    /// Whether it withdraws its credits once the task is final.
    public var withdraws = true
    private var finishedGames: Set<UInt64> = []
    private var revealRefused = false

    /// An agent for `claim`.
    public init(name: String, client: MarketClient, claim: Claim, copying copiedClaim: Claim? = nil) {
        self.name = name
        self.client = client
        self.claim = claim
        self.copiedClaim = copiedClaim
    }

    /// Its address.
    public var address: Address { client.connection.address }

    /// Its submission to `taskId`, if any.
    public func submissionId(taskId: UInt64) async throws(DisputeError) -> UInt64? {
        for id in try await client.submissions(of: taskId) where try await client.submission(id).submitter == address { return id }
        return nil
    }

    /// Does every move that is due on `taskId`; returns how many transactions it sent.
    public func poll(taskId: UInt64, stake: UInt256) async throws(DisputeError) -> Int {
        let task = try await client.task(taskId)
        guard task.requester != .zero else { throw .protocolViolation("no task \(taskId)") }
        let now = try await client.connection.latestTimestamp()
        var sent = 0
        guard let mine = try await submissionId(taskId: taskId) else {
            guard now < task.commitDeadline else { return 0 }
            let commitment: Bytes32
            if claim.strategy == .copycat {
                guard let victim = try await client.submissions(of: taskId).first else { return 0 }
                commitment = try await client.submission(victim).commitment
            } else {
                commitment = MarketClient.commitment(taskId: taskId, finalStateHash: claim.finalStateHash, steps: claim.steps,
                                                     submitter: address)
            }
            let id = try await client.commit(taskId: taskId, commitment: commitment, stake: stake)
            narrate?("\(name) commits submission \(id) to task \(taskId) (\(claim.strategy))")
            return 1
        }
        let submission = try await client.submission(mine)
        if !submission.revealed && now >= task.commitDeadline && now < task.revealDeadline {
            let shown = copiedClaim ?? claim
            do {
                try await client.reveal(submissionId: mine, finalState: shown.finalState.encoded,
                                        outputProof: shown.outputProof.encoded, steps: shown.steps)
                narrate?("\(name) reveals submission \(mine): final state \(shown.finalStateHash.hex.prefix(18))…, \(shown.steps) steps")
                sent += 1
            } catch .reverted(let function, let reason) {
                // Only a copycat gets here by design: the commitment it copied names another sender.
                guard claim.strategy == .copycat else { throw .reverted(function: function, reason: reason) }
                if !revealRefused { narrate?("\(name) cannot reveal submission \(mine): \(reason)") }
                revealRefused = true
            }
        }
        sent += try await playGames(submission: mine, now: now)
        sent += try await client.finalizeAndWithdraw(task: task, taskId: taskId, now: now, finalizes: true,
                                                    withdraws: withdraws, account: address, name: name,
                                                    narrate: narrate)
        return sent
    }

    private func playGames(submission: UInt64, now: UInt64) async throws(DisputeError) -> Int {
        var sent = 0
        let count = try await client.gameCount()
        var id: UInt64 = 1
        while id <= count {
            defer { id += 1 }
            if finishedGames.contains(id) { continue }
            let game = try await client.game(id)
            guard game.submissionId == submission, game.submitter == address else { continue }
            switch game.phase {
            case .over, .none:
                finishedGames.insert(id)
            case .answer where now <= game.deadline:
                let own = try claim.stateHash(at: game.midpoint)
                let agree = own == game.midHash
                try await client.answer(gameId: id, agree: agree)
                narrate?("game \(id): \(name) \(agree ? "agrees" : "disagrees") with the state at step \(game.midpoint)")
                sent += 1
            case .prove where game.hiByChallenger && now <= game.deadline:
                guard let trace = claim.trace else { continue }
                try await OneStepProof.post(gameId: id, game: game, trace: trace, client: client, who: name, narrate: narrate)
                sent += 1
            case .propose where now > game.deadline, .prove where !game.hiByChallenger && now > game.deadline:
                try await client.timeout(gameId: id)
                narrate?("game \(id): the challenger missed its deadline; \(name) claims the timeout")
                sent += 1
            default:
                break
            }
        }
        return sent
    }
}

/// Posting the one-step proof of a game's last disputed step (either party).
public enum OneStepProof {
    /// Proves any preimage part the step reads, then posts the witness of S_lo.
    public static func post(gameId: UInt64, game: GameView, trace: Trace, client: MarketClient, who: String,
                            narrate: (@Sendable (String) -> Void)?) async throws(DisputeError) {
        let (witness, part) = try trace.witness(at: game.lo)
        if let part {
            try await client.loadPreimagePart(offset: part.offset, preimage: part.data)
            narrate?("game \(gameId): \(who) proves preimage part at offset \(part.offset) in the PreimageOracle")
        }
        try await client.prove(gameId: gameId, witness: witness)
        narrate?("game \(gameId): \(who) posts the one-step proof of step \(game.lo) → \(game.hi)")
    }
}
