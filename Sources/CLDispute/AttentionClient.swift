import CLABI
import CLHarness
import CLPrimitives

/// Deployment parameters of an AttentionChallenge: the bond G, the selection threshold T = p_t · 2^256 and
/// the accusation window (also a leaving validator's wait).
public struct AttentionParameters: Sendable, Equatable {
    /// G, wei.
    public var bond: UInt256
    /// T.
    public var threshold: UInt256
    /// Seconds from a task's enrollment in which it can be accused.
    public var accusationWindow: UInt64

    /// Parameters with the given bond, threshold and window.
    public init(bond: UInt256, threshold: UInt256, accusationWindow: UInt64) {
        self.bond = bond
        self.threshold = threshold
        self.accusationWindow = accusationWindow
    }
}

/// A task class, the arguments of `defineClass`.
public struct AttentionClass: Sendable, Equatable {
    /// The task's program hash.
    public var programHash: Bytes32
    /// The task's model hash.
    public var modelHash: Bytes32
    /// The largest step bound of a task of the class.
    public var maxSteps: UInt64
    /// Seconds a validator needs: tasks are enrolled at least this long before their commit deadline.
    public var responseTime: UInt64
    /// The smallest fee of a task of the class.
    public var minFee: UInt256

    /// A class.
    public init(programHash: Bytes32, modelHash: Bytes32, maxSteps: UInt64, responseTime: UInt64, minFee: UInt256) {
        self.programHash = programHash
        self.modelHash = modelHash
        self.maxSteps = maxSteps
        self.responseTime = responseTime
        self.minFee = minFee
    }

    /// Its id: keccak256(abi.encode(programHash, modelHash, maxSteps, responseTime, minFee)).
    public var id: Bytes32 {
        Keccak256.hash(programHash.bytes + modelHash.bytes + UInt256(maxSteps).bytes32.bytes
                       + UInt256(responseTime).bytes32.bytes + minFee.bytes32.bytes)
    }
}

/// Typed calls to a deployed AttentionChallenge through one party's connection (and the market it reads).
public struct AttentionClient: Sendable {
    /// The party's market client (its connection, the ABIs, the TaskMarket).
    public let market: MarketClient
    /// The AttentionChallenge's address.
    public let address: Address

    /// A client for the AttentionChallenge at `address` next to `market`.
    public init(market: MarketClient, address: Address) {
        self.market = market
        self.address = address
    }

    private var artifact: ContractArtifact { market.contracts.attention }

    /// Deploys an AttentionChallenge over `market`'s TaskMarket; returns its address.
    public static func deploy(_ parameters: AttentionParameters, market: MarketClient) async throws(DisputeError) -> Address {
        let artifact = market.contracts.attention
        var code = artifact.creationBytecode
        do {
            code += try artifact.abi.encodeConstructorArguments([
                .address(market.deployment.market), .uint(parameters.bond), .uint(parameters.threshold),
                .uint(UInt256(parameters.accusationWindow)),
            ])
        } catch { throw .decoding("AttentionChallenge constructor: \(error)") }
        let receipt = try await market.connection.send(nil, nil, [], rawData: code)
        guard let address = receipt.contractAddress else { throw .rpc("no contract address for AttentionChallenge") }
        return address
    }

    @discardableResult
    private func send(_ name: String, _ arguments: [ABIValue], value: UInt256 = .zero) async throws(DisputeError) -> ClientReceipt {
        try await market.connection.send(address, artifact.function(name), arguments, value: value)
    }

    private func call(_ name: String, _ arguments: [ABIValue] = []) async throws(DisputeError) -> [ABIValue] {
        try await market.connection.call(address, artifact.function(name), arguments)
    }

    private func uint(_ name: String, _ arguments: [ABIValue] = []) async throws(DisputeError) -> UInt256 {
        try MarketClient.uint(try await call(name, arguments).first ?? .bool(false))
    }

    // MARK: - Transactions

    /// Defines `taskClass` (idempotent); returns its id.
    @discardableResult
    public func define(_ taskClass: AttentionClass) async throws(DisputeError) -> Bytes32 {
        try await send("defineClass", [
            .fixedBytes(taskClass.programHash.bytes), .fixedBytes(taskClass.modelHash.bytes), .uint(UInt256(taskClass.maxSteps)),
            .uint(UInt256(taskClass.responseTime)), .uint(taskClass.minFee),
        ])
        return taskClass.id
    }

    /// Bonds the caller for a class with the deployment's bond.
    public func register(classId: Bytes32) async throws(DisputeError) {
        try await send("register", [.fixedBytes(classId.bytes)], value: try await bond())
    }

    /// Asks to leave a class.
    public func leave(classId: Bytes32) async throws(DisputeError) { try await send("leave", [.fixedBytes(classId.bytes)]) }

    /// Credits a leaving validator's bond back after the wait.
    public func withdrawBond(classId: Bytes32) async throws(DisputeError) { try await send("withdrawBond", [.fixedBytes(classId.bytes)]) }

    /// Enrolls a task in a class.
    public func enroll(taskId: UInt64, classId: Bytes32) async throws(DisputeError) {
        try await send("enroll", [.uint(UInt256(taskId)), .fixedBytes(classId.bytes)])
    }

    /// Posts the caller's attention hash for a task.
    public func respond(taskId: UInt64, response: Bytes32) async throws(DisputeError) {
        try await send("respond", [.uint(UInt256(taskId)), .fixedBytes(response.bytes)])
    }

    /// Accuses `validator` for a final task.
    public func accuse(taskId: UInt64, validator: Address) async throws(DisputeError) {
        try await send("accuse", [.uint(UInt256(taskId)), .address(validator)])
    }

    /// Withdraws the caller's credits.
    public func withdraw() async throws(DisputeError) { try await send("withdraw", []) }

    // MARK: - Reads

    /// G.
    public func bond() async throws(DisputeError) -> UInt256 { try await uint("bond") }
    /// T.
    public func threshold() async throws(DisputeError) -> UInt256 { try await uint("threshold") }
    /// The accusation window (seconds).
    public func accusationWindow() async throws(DisputeError) -> UInt256 { try await uint("accusationWindow") }
    /// Wei burned by accusations.
    public func burned() async throws(DisputeError) -> UInt256 { try await uint("burned") }
    /// Credited wei of `account`.
    public func credits(of account: Address) async throws(DisputeError) -> UInt256 { try await uint("credits", [.address(account)]) }

    /// A task's enrollment (seq 0: none).
    public func enrollment(_ taskId: UInt64) async throws(DisputeError) -> AttentionEnrollment {
        let fields = try Self.fields(try await call("enrollments", [.uint(UInt256(taskId))]), count: 4, "enrollments")
        return AttentionEnrollment(classId: try MarketClient.word(fields[0]), seq: try MarketClient.uint(fields[1]),
                                   enrolledAt: try MarketClient.uint(fields[2]), responseDeadline: try MarketClient.uint(fields[3]))
    }

    /// A validator's bond record for a class.
    public func bond(classId: Bytes32, validator: Address) async throws(DisputeError) -> AttentionBond {
        let fields = try Self.fields(try await call("bonds", [.fixedBytes(classId.bytes), .address(validator)]), count: 4, "bonds")
        return AttentionBond(amount: try MarketClient.uint(fields[0]), joinedSeq: try MarketClient.uint(fields[1]),
                             leftSeq: try MarketClient.uint(fields[2]), leftAt: try MarketClient.uint(fields[3]))
    }

    /// A validator's response for a task (zero: none).
    public func response(taskId: UInt64, validator: Address) async throws(DisputeError) -> Bytes32 {
        try MarketClient.word(try await call("responses", [.uint(UInt256(taskId)), .address(validator)]).first ?? .bool(false))
    }

    /// Whether a validator was accused for a task.
    public func accused(taskId: UInt64, validator: Address) async throws(DisputeError) -> Bool {
        try MarketClient.bool(try await call("accused", [.uint(UInt256(taskId)), .address(validator)]).first ?? .uint(.zero))
    }

    /// Every address that ever registered for a class, in order (read in pages of 256).
    public func validators(classId: Bytes32) async throws(DisputeError) -> [Address] {
        var all: [Address] = []
        while true {
            let out = try await call("validatorsOf", [.fixedBytes(classId.bytes), .uint(UInt256(UInt64(all.count))), .uint(UInt256(256))])
            guard case .array(let items)? = out.first else { throw .decoding("validatorsOf") }
            for item in items { all.append(try MarketClient.address(item)) }
            if items.count < 256 { return all }
        }
    }

    /// The final state hash of a task's final accepted result; nil while it has none.
    public func finalResult(taskId: UInt64) async throws(DisputeError) -> (state: Bytes32, submitter: Address)? {
        guard try await market.result(of: taskId).final else { return nil }
        let task = try await market.task(taskId)
        let submission = try await market.submission(try task.acceptedSubmission.position("accepted submission"))
        return (submission.finalStateHash, submission.submitter)
    }

    static func fields(_ out: [ABIValue], count: Int, _ what: String) throws(DisputeError) -> [ABIValue] {
        let items: [ABIValue]
        if out.count == 1, case .tuple(let inner) = out[0] { items = inner } else { items = out }
        guard items.count == count else { throw .decoding("\(what): \(items.count) fields, expected \(count)") }
        return items
    }
}
