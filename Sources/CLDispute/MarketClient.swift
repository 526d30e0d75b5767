import CLABI
import CLHarness
import CLPrimitives

/// A task as the TaskMarket stores it.
public struct TaskView: Sendable, Equatable {
    /// Who posted it (zero when the task does not exist).
    public var requester: Address
    /// Hash of the model data.
    public var modelHash: Bytes32
    /// Hash of the input.
    public var inputHash: Bytes32
    /// Hash of the guest program (ELF).
    public var programHash: Bytes32
    /// The FPVM state hash S_0 every trace starts from.
    public var initialStateHash: Bytes32
    /// Escrowed fee (wei).
    public var fee: UInt256
    /// Commitments are accepted before this time.
    public var commitDeadline: UInt64
    /// Reveals are accepted from the commit deadline until this time.
    public var revealDeadline: UInt64
    /// Challenges are accepted until this time.
    public var challengeDeadline: UInt64
    /// Whether `finalize` ran.
    public var finalized: Bool
    /// The accepted submission (0 when none).
    public var acceptedSubmission: UInt64
    /// The accepted output.
    public var output: Bytes32
}

/// A submission as the TaskMarket stores it.
public struct SubmissionView: Sendable, Equatable {
    /// Its task.
    public var taskId: UInt64
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
    public var steps: UInt64
    /// Whether a challenger won a game against it.
    public var defeated: Bool
    /// Games still running against it.
    public var openGames: UInt64
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
}

/// A bisection game as the DisputeGame stores it.
public struct GameView: Sendable, Equatable {
    /// The disputed submission.
    public var submissionId: UInt64
    /// The submitter.
    public var submitter: Address
    /// The challenger.
    public var challenger: Address
    /// Agreed step.
    public var lo: UInt64
    /// Disputed step.
    public var hi: UInt64
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
    public var deadline: UInt64
    /// The winner once over.
    public var winner: Address

    /// The step of the next (or pending) midpoint.
    public var midpoint: UInt64 { lo + (hi - lo) / 2 }
}

/// Typed calls to a deployed TaskMarket and DisputeGame through one party's connection.
public struct MarketClient: Sendable {
    /// The party's connection.
    public let connection: ChainConnection
    /// The artifacts (ABIs).
    public let contracts: ContractSet
    /// Where the contracts live.
    public let deployment: Deployment

    /// A client for `deployment` through `connection`.
    public init(connection: ChainConnection, contracts: ContractSet, deployment: Deployment) {
        self.connection = connection
        self.contracts = contracts
        self.deployment = deployment
    }

    /// The commitment `submitter` posts for a result (bound to its address; docs/PROTOCOL.md).
    public static func commitment(taskId: UInt64, finalStateHash: Bytes32, steps: UInt64, submitter: Address) -> Bytes32 {
        var words: [UInt8] = []
        words += UInt256(taskId).bytes32.bytes
        words += finalStateHash.bytes
        words += UInt256(steps).bytes32.bytes
        words += submitter.word.bytes
        return Keccak256.hash(words)
    }

    // MARK: - Requester

    /// Posts a task with `fee` wei; returns its id.
    public func request(modelHash: Bytes32, inputHash: Bytes32, programHash: Bytes32, initialStateHash: Bytes32,
                        fee: UInt256, commitWindow: UInt64, revealWindow: UInt64, challengePeriod: UInt64) async throws(DisputeError) -> UInt64 {
        let receipt = try await connection.send(deployment.market, contracts.market.function("request"), [
            .fixedBytes(modelHash.bytes), .fixedBytes(inputHash.bytes), .fixedBytes(programHash.bytes),
            .fixedBytes(initialStateHash.bytes), .uint(UInt256(commitWindow)), .uint(UInt256(revealWindow)),
            .uint(UInt256(challengePeriod)),
        ], value: fee)
        return try Self.indexedTopic(receipt, event: "TaskRequested", in: contracts.market, emitter: deployment.market)
    }

    /// Finalizes a task after its challenge deadline.
    public func finalize(taskId: UInt64) async throws(DisputeError) {
        try await connection.send(deployment.market, contracts.market.function("finalize"), [.uint(UInt256(taskId))])
    }

    /// Withdraws the caller's credits.
    public func withdraw() async throws(DisputeError) {
        try await connection.send(deployment.market, contracts.market.function("withdraw"), [])
    }

    // MARK: - Submitter

    /// Commits with the submitter stake; returns the submission id.
    public func commit(taskId: UInt64, commitment: Bytes32, stake: UInt256) async throws(DisputeError) -> UInt64 {
        let receipt = try await connection.send(deployment.market, contracts.market.function("commit"),
                                                [.uint(UInt256(taskId)), .fixedBytes(commitment.bytes)], value: stake)
        return try Self.indexedTopic(receipt, event: "ResultCommitted", in: contracts.market, emitter: deployment.market, index: 2)
    }

    /// Reveals a committed result.
    public func reveal(submissionId: UInt64, finalState: [UInt8], outputProof: [UInt8], steps: UInt64) async throws(DisputeError) {
        try await connection.send(deployment.market, contracts.market.function("reveal"), [
            .uint(UInt256(submissionId)), .bytes(finalState), .bytes(outputProof), .uint(UInt256(steps)),
        ])
    }

    // MARK: - Challenger

    /// Opens a game against a revealed submission; returns the game id.
    public func challenge(submissionId: UInt64, stake: UInt256) async throws(DisputeError) -> UInt64 {
        let receipt = try await connection.send(deployment.market, contracts.market.function("challenge"),
                                                [.uint(UInt256(submissionId))], value: stake)
        return try Self.indexedTopic(receipt, event: "ChallengeOpened", in: contracts.market, emitter: deployment.market, index: 2)
    }

    // MARK: - Game moves

    /// The challenger's move.
    public func propose(gameId: UInt64, stateHash: Bytes32) async throws(DisputeError) {
        try await connection.send(deployment.game, contracts.game.function("propose"), [.uint(UInt256(gameId)), .fixedBytes(stateHash.bytes)])
    }

    /// The submitter's move.
    public func answer(gameId: UInt64, agree: Bool) async throws(DisputeError) {
        try await connection.send(deployment.game, contracts.game.function("answer"), [.uint(UInt256(gameId)), .bool(agree)])
    }

    /// The one-step proof.
    public func prove(gameId: UInt64, witness: [UInt8]) async throws(DisputeError) {
        try await connection.send(deployment.game, contracts.game.function("prove"), [.uint(UInt256(gameId)), .bytes(witness)])
    }

    /// Ends a game whose mover missed its deadline.
    public func timeout(gameId: UInt64) async throws(DisputeError) {
        try await connection.send(deployment.game, contracts.game.function("timeout"), [.uint(UInt256(gameId))])
    }

    /// Proves one part of a preimage in the PreimageOracle (needed before proving a preimage-read step).
    public func loadPreimagePart(offset: UInt32, preimage: [UInt8]) async throws(DisputeError) {
        try await connection.send(deployment.oracle, contracts.oracle.function("loadKeccak256PreimagePart"),
                                  [.uint(UInt256(UInt64(offset))), .bytes(preimage)])
    }

    // MARK: - Reads

    /// A task.
    public func task(_ id: UInt64) async throws(DisputeError) -> TaskView {
        let f = try await fields(deployment.market, contracts.market.function("tasks"), id)
        guard f.count == 12 else { throw .decoding("tasks(\(id)): \(f.count) fields") }
        return TaskView(requester: try Self.address(f[0]), modelHash: try Self.word(f[1]), inputHash: try Self.word(f[2]),
                        programHash: try Self.word(f[3]), initialStateHash: try Self.word(f[4]), fee: try Self.uint(f[5]),
                        commitDeadline: try Self.u64(f[6]), revealDeadline: try Self.u64(f[7]),
                        challengeDeadline: try Self.u64(f[8]), finalized: try Self.bool(f[9]),
                        acceptedSubmission: try Self.u64(f[10]), output: try Self.word(f[11]))
    }

    /// A submission.
    public func submission(_ id: UInt64) async throws(DisputeError) -> SubmissionView {
        let f = try await fields(deployment.market, contracts.market.function("submissions"), id)
        guard f.count == 9 else { throw .decoding("submissions(\(id)): \(f.count) fields") }
        return SubmissionView(taskId: try Self.u64(f[0]), submitter: try Self.address(f[1]), commitment: try Self.word(f[2]),
                              revealed: try Self.bool(f[3]), finalStateHash: try Self.word(f[4]), output: try Self.word(f[5]),
                              steps: try Self.u64(f[6]), defeated: try Self.bool(f[7]), openGames: try Self.u64(f[8]))
    }

    /// A game.
    public func game(_ id: UInt64) async throws(DisputeError) -> GameView {
        let f = try await fields(deployment.game, contracts.game.function("games"), id)
        guard f.count == 12, let phase = GamePhase(rawValue: UInt8(try Self.u64(f[9]))) else { throw .decoding("games(\(id))") }
        return GameView(submissionId: try Self.u64(f[0]), submitter: try Self.address(f[1]), challenger: try Self.address(f[2]),
                        lo: try Self.u64(f[3]), hi: try Self.u64(f[4]), loHash: try Self.word(f[5]), hiHash: try Self.word(f[6]),
                        hiByChallenger: try Self.bool(f[7]), midHash: try Self.word(f[8]), phase: phase,
                        deadline: try Self.u64(f[10]), winner: try Self.address(f[11]))
    }

    /// The submission ids of a task.
    public func submissions(of taskId: UInt64) async throws(DisputeError) -> [UInt64] {
        let out = try await connection.call(deployment.market, contracts.market.function("submissionsOf"), [.uint(UInt256(taskId))])
        guard case .array(let items)? = out.first else { throw .decoding("submissionsOf") }
        var ids: [UInt64] = []
        for item in items { ids.append(try Self.u64(item)) }
        return ids
    }

    /// Number of games opened so far (ids are 1...count).
    public func gameCount() async throws(DisputeError) -> UInt64 {
        try Self.u64(try await connection.call(deployment.game, contracts.game.function("gameCount"), []).first ?? .bool(false))
    }

    /// Number of tasks so far (ids are 1...count).
    public func taskCount() async throws(DisputeError) -> UInt64 {
        try Self.u64(try await connection.call(deployment.market, contracts.market.function("taskCount"), []).first ?? .bool(false))
    }

    /// Completed bisection rounds of a game.
    public func rounds(_ gameId: UInt64) async throws(DisputeError) -> UInt64 {
        try Self.u64(try await connection.call(deployment.game, contracts.game.function("rounds"), [.uint(UInt256(gameId))]).first ?? .bool(false))
    }

    /// Credited, not yet withdrawn wei of `account`.
    public func credits(of account: Address) async throws(DisputeError) -> UInt256 {
        try Self.uint(try await connection.call(deployment.market, contracts.market.function("credits"), [.address(account)]).first ?? .bool(false))
    }

    /// Wei burned so far.
    public func burned() async throws(DisputeError) -> UInt256 {
        try Self.uint(try await connection.call(deployment.market, contracts.market.function("burned"), []).first ?? .bool(false))
    }

    /// `resultOf(taskId)`: whether a result is final, and its output, as another contract reads it.
    public func result(of taskId: UInt64) async throws(DisputeError) -> (final: Bool, output: Bytes32) {
        let out = try await connection.call(deployment.market, contracts.market.function("resultOf"), [.uint(UInt256(taskId))])
        guard out.count == 2 else { throw .decoding("resultOf") }
        return (try Self.bool(out[0]), try Self.word(out[1]))
    }

    // MARK: - Decoding helpers

    private func fields(_ contract: Address, _ function: ABIFunction, _ id: UInt64) async throws(DisputeError) -> [ABIValue] {
        let out = try await connection.call(contract, function, [.uint(UInt256(id))])
        if out.count == 1, case .tuple(let members) = out[0] { return members }
        return out
    }

    static func word(_ value: ABIValue) throws(DisputeError) -> Bytes32 {
        guard case .fixedBytes(let bytes) = value, let word = Bytes32(bytes: bytes) else { throw .decoding("expected bytes32, got \(value.kindName)") }
        return word
    }

    /// A decoded `uint` (typed error for anything else).
    public static func uint(_ value: ABIValue) throws(DisputeError) -> UInt256 {
        guard case .uint(let number) = value else { throw .decoding("expected uint, got \(value.kindName)") }
        return number
    }

    static func u64(_ value: ABIValue) throws(DisputeError) -> UInt64 {
        guard let number = try uint(value).uint64 else { throw .decoding("integer beyond 64 bits") }
        return number
    }

    static func bool(_ value: ABIValue) throws(DisputeError) -> Bool {
        guard case .bool(let flag) = value else { throw .decoding("expected bool, got \(value.kindName)") }
        return flag
    }

    /// A decoded `address` (typed error for anything else).
    public static func address(_ value: ABIValue) throws(DisputeError) -> Address {
        guard case .address(let account) = value else { throw .decoding("expected address, got \(value.kindName)") }
        return account
    }

    /// The `index`-th topic (1-based after the signature) of the first `event` log `emitter` wrote in the receipt.
    static func indexedTopic(_ receipt: ClientReceipt, event: String, in artifact: ContractArtifact, emitter: Address,
                             index: Int = 1) throws(DisputeError) -> UInt64 {
        guard let topic0 = artifact.abi.events.first(where: { $0.name == event })?.topic0 else { throw .decoding("no event \(event)") }
        for log in receipt.json["logs"]?.arrayValue ?? [] {
            guard let address = log["address"]?.stringValue, (try? Address(hex: address)) == emitter,
                  let topics = log["topics"]?.arrayValue, topics.count > index,
                  topics[0].stringValue.flatMap({ try? Bytes32(hex: $0) }) == topic0,
                  let text = topics[index].stringValue, let value = UInt256(hex: text)?.uint64 else { continue }
            return value
        }
        throw .decoding("no \(event) log in transaction \(receipt.transactionHash.hex)")
    }
}
