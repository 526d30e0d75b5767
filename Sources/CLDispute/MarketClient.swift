import CLABI
import CLHarness
import CLPrimitives

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

    /// Registers the program of `spec` by its base state (a no-op when registered); returns the program hash.
    @discardableResult
    public func registerProgram(_ spec: TaskSpec) async throws(DisputeError) -> Bytes32 {
        let base = try spec.baseState()
        let hash = base.state.hash
        if try await isRegistered(hash) { return hash }
        try await connection.send(deployment.market, contracts.market.function("registerProgram"),
                                  [.bytes(base.state.encoded), .bytes(base.inputProof.encoded)])
        return hash
    }

    /// Whether a program hash is registered.
    public func isRegistered(_ programHash: Bytes32) async throws(DisputeError) -> Bool {
        let out = try await connection.call(deployment.market, contracts.market.function("programBaseState"),
                                            [.fixedBytes(programHash.bytes)])
        guard case .bytes(let base)? = out.first else { throw .decoding("programBaseState") }
        return !base.isEmpty
    }

    /// Posts a task with `fee` wei (the program must be registered); returns its id.
    public func request(programHash: Bytes32, modelHash: Bytes32, inputHash: Bytes32, maxSteps: UInt64, fee: UInt256,
                        commitWindow: UInt64, revealWindow: UInt64, challengePeriod: UInt64) async throws(DisputeError) -> UInt64 {
        let receipt = try await connection.send(deployment.market, contracts.market.function("request"), [
            .fixedBytes(programHash.bytes), .fixedBytes(modelHash.bytes), .fixedBytes(inputHash.bytes),
            .uint(UInt256(maxSteps)), .uint(UInt256(commitWindow)), .uint(UInt256(revealWindow)),
            .uint(UInt256(challengePeriod)),
        ], value: fee)
        return try Self.indexedTopic(receipt, event: "TaskRequested", in: contracts.market, emitter: deployment.market)
    }

    /// Registers `spec`'s program and posts it as a task; returns its id.
    public func request(_ spec: TaskSpec, maxSteps: UInt64, fee: UInt256, commitWindow: UInt64, revealWindow: UInt64,
                        challengePeriod: UInt64) async throws(DisputeError) -> UInt64 {
        try spec.validate()
        let programHash = try await registerProgram(spec)
        return try await request(programHash: programHash, modelHash: spec.modelHash, inputHash: spec.inputHash,
                                 maxSteps: maxSteps, fee: fee, commitWindow: commitWindow, revealWindow: revealWindow,
                                 challengePeriod: challengePeriod)
    }

    /// Settles the next batch of a task's submissions after its challenge deadline (one call settles up to 64;
    /// the task is final once all are settled).
    public func finalize(taskId: UInt64) async throws(DisputeError) {
        try await connection.send(deployment.market, contracts.market.function("finalize"), [.uint(UInt256(taskId))])
    }

    /// Withdraws the caller's credits to itself.
    public func withdraw() async throws(DisputeError) {
        try await connection.send(deployment.market, contracts.market.function("withdraw"), [])
    }

    /// Withdraws the caller's credits to `recipient`.
    public func withdraw(to recipient: Address) async throws(DisputeError) {
        try await connection.send(deployment.market, contracts.market.function("withdrawTo"), [.address(recipient)])
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

    /// Whether the PreimageOracle holds the part of `key` at `offset`.
    public func isPartProven(key: Bytes32, offset: UInt32) async throws(DisputeError) -> Bool {
        let out = try await connection.call(deployment.oracle, contracts.oracle.function("isPartProven"),
                                            [.fixedBytes(key.bytes), .uint(UInt256(UInt64(offset)))])
        return try Self.bool(out.first ?? .uint(.zero))
    }

    // MARK: - Reads

    /// A task.
    public func task(_ id: UInt64) async throws(DisputeError) -> TaskView {
        let raw = try await connection.callReturningBytes(deployment.market, contracts.market.function("tasks"), [.uint(UInt256(id))])
        do { return try TaskMarket.decodeTasksResult(raw) } catch { throw .decoding("tasks(\(id)): \(error)") }
    }

    /// A submission.
    public func submission(_ id: UInt64) async throws(DisputeError) -> SubmissionView {
        let raw = try await connection.callReturningBytes(deployment.market, contracts.market.function("submissions"), [.uint(UInt256(id))])
        do { return try TaskMarket.decodeSubmissionsResult(raw) } catch { throw .decoding("submissions(\(id)): \(error)") }
    }

    /// A game.
    public func game(_ id: UInt64) async throws(DisputeError) -> GameView {
        let raw = try await connection.callReturningBytes(deployment.game, contracts.game.function("games"), [.uint(UInt256(id))])
        let decoded: DisputeGame.GamesResultValue0
        do { decoded = try DisputeGame.decodeGamesResult(raw) } catch { throw .decoding("games(\(id)): \(error)") }
        guard let game = GameView(decoded) else { throw .decoding("games(\(id)): unknown phase \(decoded.phase)") }
        return game
    }

    /// The submission ids of a task, in commit order (read in pages of 256).
    public func submissions(of taskId: UInt64) async throws(DisputeError) -> [UInt64] {
        var ids: [UInt64] = []
        while true {
            let out = try await connection.call(deployment.market, contracts.market.function("submissionsOf"),
                                                [.uint(UInt256(taskId)), .uint(UInt256(UInt64(ids.count))), .uint(UInt256(256))])
            guard case .array(let items)? = out.first else { throw .decoding("submissionsOf") }
            for item in items { ids.append(try Self.uint(item).position("submission id")) }
            if items.count < 256 { return ids }
        }
    }

    /// Seconds each game move may take.
    public func moveTimeout() async throws(DisputeError) -> UInt256 {
        try Self.uint(try await connection.call(deployment.game, contracts.game.function("moveTimeout"), []).first ?? .bool(false))
    }

    /// Number of games opened so far (ids are 1...count).
    public func gameCount() async throws(DisputeError) -> UInt64 {
        try Self.uint(try await connection.call(deployment.game, contracts.game.function("gameCount"), []).first ?? .bool(false))
            .position("game count")
    }

    /// Number of tasks so far (ids are 1...count).
    public func taskCount() async throws(DisputeError) -> UInt64 {
        try Self.uint(try await connection.call(deployment.market, contracts.market.function("taskCount"), []).first ?? .bool(false))
            .position("task count")
    }

    /// Completed bisection rounds of a game.
    public func rounds(_ gameId: UInt64) async throws(DisputeError) -> UInt64 {
        try Self.uint(try await connection.call(deployment.game, contracts.game.function("rounds"), [.uint(UInt256(gameId))]).first ?? .bool(false))
            .position("rounds")
    }

    /// Credited, not yet withdrawn wei of `account`.
    public func credits(of account: Address) async throws(DisputeError) -> UInt256 {
        try Self.uint(try await connection.call(deployment.market, contracts.market.function("credits"), [.address(account)]).first ?? .bool(false))
    }

    /// Wei burned so far.
    public func burned() async throws(DisputeError) -> UInt256 {
        try Self.uint(try await connection.call(deployment.market, contracts.market.function("burned"), []).first ?? .bool(false))
    }

    /// `resultOf(taskId)` as another contract reads it: whether a result is final, its output, the task's
    /// challenge period and how many games the result survived.
    public func result(of taskId: UInt64) async throws(DisputeError) -> (final: Bool, output: Bytes32, challengePeriod: UInt256, games: UInt256) {
        let out = try await connection.call(deployment.market, contracts.market.function("resultOf"), [.uint(UInt256(taskId))])
        guard out.count == 4 else { throw .decoding("resultOf") }
        return (try Self.bool(out[0]), try Self.word(out[1]), try Self.uint(out[2]), try Self.uint(out[3]))
    }

    // MARK: - Decoding helpers

    static func word(_ value: ABIValue) throws(DisputeError) -> Bytes32 {
        guard case .fixedBytes(let bytes) = value, let word = Bytes32(bytes: bytes) else { throw .decoding("expected bytes32, got \(value.kindName)") }
        return word
    }

    /// A decoded `uint` (typed error for anything else).
    public static func uint(_ value: ABIValue) throws(DisputeError) -> UInt256 {
        guard case .uint(let number) = value else { throw .decoding("expected uint, got \(value.kindName)") }
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
