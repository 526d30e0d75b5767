import CLPrimitives

/// How a bonded validator meets the attention challenge.
public enum AttentionStrategy: String, Sendable, Equatable, CaseIterable {
    /// Computes the task, posts its attention hash when selected (and challenges wrong results, as a
    /// `ChallengerAgent` next to it).
    case honest
    /// Never computes and never responds.
    case lazySilent = "lazy-silent"
    /// Never computes; posts a random value, which is below the threshold (so accepted) with probability p_t.
    case lazyRandom = "lazy-random"
}

/// A bonded validator's side of the attention challenge (docs/PROTOCOL.md, "Attention challenge"). Each `poll`
/// reads the enrollment, its bond, its response and the task back from the chain, so a restarted agent carries
/// on where the last one stopped; a task it does not owe, or whose window has closed, sends nothing.
public final class AttentionValidator: @unchecked Sendable {
    /// Its client.
    public let client: AttentionClient
    /// Its behaviour.
    public let strategy: AttentionStrategy
    /// The final state hash it computed for the task (honest only; nil: it computed nothing).
    public let finalStateHash: Bytes32?
    /// A label for narration.
    public let name: String
    /// Narration of every transaction it sends and every task it skips.
    public var narrate: (@Sendable (String) -> Void)?
    /// What a lazy-random validator posts (32 random bytes by default).
    public var guess: @Sendable () -> Bytes32 = {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        for _ in 0..<4 { withUnsafeBytes(of: generator.next() as UInt64) { bytes += $0 } }
        return Bytes32(bytes: bytes) ?? .zero
    }
    /// The seconds it needs before the commit deadline to get a response mined.
    public var leadTime: UInt64 = 2
    private var guessed: Set<UInt64> = []
    private let skips = SkipLog()

    /// A validator with `strategy`; an honest one needs the `finalStateHash` it computed.
    public init(name: String, client: AttentionClient, strategy: AttentionStrategy, finalStateHash: Bytes32? = nil) {
        self.name = name
        self.client = client
        self.strategy = strategy
        self.finalStateHash = finalStateHash
    }

    /// Its address.
    public var address: Address { client.market.connection.address }

    /// Responds to `taskId` when it owes an answer and its strategy says so; returns the transactions sent.
    public func poll(taskId: UInt64) async throws(DisputeError) -> Int {
        let enrollment = try await client.enrollment(taskId)
        guard enrollment.seq != .zero else { return 0 }
        let bond = try await client.bond(classId: enrollment.classId, validator: address)
        guard AttentionRules.owes(bond, enrollment) else {
            skips.once("\(name) owes no attention response for task \(taskId)", narrate)
            return 0
        }
        guard try await client.response(taskId: taskId, validator: address) == .zero else { return 0 }
        let now = try await client.market.connection.latestTimestamp()
        guard UInt256(now) &+ UInt256(leadTime) < enrollment.responseDeadline else { return 0 }
        let threshold = try await client.threshold()
        let response: Bytes32
        switch strategy {
        case .lazySilent:
            skips.once("\(name) (lazy) does not compute task \(taskId) and does not respond", narrate)
            return 0
        case .lazyRandom:
            guard guessed.insert(taskId).inserted else { return 0 }
            let value = guess()
            guard value != .zero, AttentionRules.isSelected(value, threshold: threshold) else {
                narrate?("\(name) (lazy) guesses for task \(taskId) and stays silent (its random value is above the threshold)")
                return 0
            }
            response = value
        case .honest:
            guard let finalStateHash else { throw .execution("\(name): an honest validator needs its computed final state") }
            let own = AttentionRules.attentionHash(taskId: taskId, finalStateHash: finalStateHash, validator: address)
            guard AttentionRules.isSelected(own, threshold: threshold) else {
                skips.once("\(name) is not selected for task \(taskId): H(A_v, S_final) is above the threshold", narrate)
                return 0
            }
            response = own
        }
        try await client.respond(taskId: taskId, response: response)
        narrate?("\(name) responds to task \(taskId) with \(String(response.hex.prefix(18)))…")
        return 1
    }
}

/// The accusation logic (run by the final result's submitter, or anyone): once a task is final, every
/// validator of its class that `judge` finds accusable is accused. Restart-safe: it keeps nothing but a log of
/// what it has said; each poll reads the chain.
public final class AttentionAccuser: @unchecked Sendable {
    /// Its client.
    public let client: AttentionClient
    /// A label for narration.
    public let name: String
    /// Narration.
    public var narrate: (@Sendable (String) -> Void)?
    /// Whether it accuses only on tasks whose final result is its own (the rational submitter: it is paid).
    public var ownResultsOnly = true
    /// Whether it withdraws its credits after accusing.
    public var withdraws = true
    private let skips = SkipLog()

    /// An accuser.
    public init(name: String, client: AttentionClient) {
        self.name = name
        self.client = client
    }

    /// Accuses every accusable validator of `taskId`; returns the transactions sent (0 before the task is final).
    public func poll(taskId: UInt64) async throws(DisputeError) -> Int {
        let enrollment = try await client.enrollment(taskId)
        guard enrollment.seq != .zero, let result = try await client.finalResult(taskId: taskId) else { return 0 }
        let me = client.market.connection.address
        if ownResultsOnly && result.submitter != me { return 0 }
        let now = try await client.market.connection.latestTimestamp()
        let window = try await client.accusationWindow()
        let threshold = try await client.threshold()
        var sent = 0
        for validator in try await client.validators(classId: enrollment.classId) {
            let verdict = AttentionRules.judge(
                taskId: taskId, enrollment: enrollment, finalResult: result.state, now: now, accusationWindow: window,
                alreadyAccused: try await client.accused(taskId: taskId, validator: validator),
                bond: try await client.bond(classId: enrollment.classId, validator: validator),
                response: try await client.response(taskId: taskId, validator: validator), validator: validator,
                threshold: threshold)
            guard verdict == .accusable else {
                skips.once("\(name): validator \(validator.hex.prefix(10))… on task \(taskId): \(verdict)", narrate)
                continue
            }
            do {
                try await client.accuse(taskId: taskId, validator: validator)
                narrate?("\(name) accuses validator \(validator.hex.prefix(10))… on task \(taskId): selected, no matching response")
                sent += 1
            } catch .reverted(_, let reason) where reason.contains("already accused") {
                continue  // another accuser was first
            }
        }
        if withdraws, try await client.credits(of: me) > .zero {
            try await client.withdraw()
            sent += 1
        }
        return sent
    }
}
