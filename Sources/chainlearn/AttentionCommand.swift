import ArgumentParser
import CLDispute
import CLPrimitives
import Foundation

/// `chainlearn attention ...`: bonded validators and the attention challenge next to a TaskMarket.
struct AttentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attention",
        abstract: "The attention challenge: deploy it, define task classes, bond validators, enroll tasks, respond, accuse.",
        subcommands: [AttentionDeployCommand.self, AttentionClassCommand.self, AttentionRegisterCommand.self,
                      AttentionLeaveCommand.self, AttentionEnrollCommand.self, AttentionValidateCommand.self,
                      AttentionAccuseCommand.self])
}

/// The AttentionChallenge's address next to the task options.
struct AttentionOptions: ParsableArguments {
    @OptionGroup var task: TaskOptions
    @Option(help: "The AttentionChallenge address (printed by `attention deploy`).") var attention: String

    func client() async throws -> AttentionClient {
        guard let address = try? Address(hex: attention) else { throw ValidationError("--attention must be an address") }
        return AttentionClient(market: try await task.client(), address: address)
    }
}

/// A 32-byte id given in hex.
func parseWord(_ text: String, _ what: String) throws -> Bytes32 {
    guard let word = try? Bytes32(hex: text) else { throw ValidationError("\(what) must be 32 bytes in hex") }
    return word
}

/// A selection probability `N/D` (0 < N ≤ D) as its threshold.
func parseSelection(_ text: String) throws -> UInt256 {
    let parts = text.split(separator: "/")
    guard parts.count == 2, let n = UInt64(parts[0]), let d = UInt64(parts[1]),
          let threshold = AttentionRules.threshold(numerator: n, denominator: d) else {
        throw ValidationError("--selection is N/D with 0 < N ≤ D (the probability p_t)")
    }
    return threshold
}

struct AttentionDeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deploy", abstract: "Deploy an AttentionChallenge over a TaskMarket.")
    @OptionGroup var options: TaskOptions
    @Option(help: "The validator bond G in wei (at least 2).") var bond: UInt64 = 1_000_000_000_000_000_000
    @Option(help: "The selection probability p_t as N/D.") var selection = "1/10"
    @Option(help: "Seconds from a task's enrollment in which it can be accused (also a leaving validator's wait).")
    var window: UInt64 = 7200

    func run() async throws {
        guard bond >= 2 else { throw ValidationError("--bond must be at least 2 wei") }
        guard window > 0 else { throw ValidationError("--window must be positive") }
        let parameters = AttentionParameters(bond: UInt256(bond), threshold: try parseSelection(selection), accusationWindow: window)
        let address = try await AttentionClient.deploy(parameters, market: try await options.client())
        print("AttentionChallenge \(address.hex)")
    }
}

struct AttentionClassCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "class", abstract: "Define the task class of an ML task's files; print its id.")
    @OptionGroup var options: AttentionOptions
    @OptionGroup var files: TaskFileOptions
    @Option(help: "The largest step bound of the class's tasks.") var maxSteps: UInt64 = 1 << 32
    @Option(help: "Seconds a validator needs to compute a task of the class.") var responseTime: UInt64 = 30
    @Option(help: "The smallest fee of the class's tasks (wei).") var minFee: UInt64 = 0

    func run() async throws {
        guard responseTime > 0 else { throw ValidationError("--response-time must be positive") }
        guard maxSteps > 0, maxSteps <= 1 << 48 else { throw ValidationError("--max-steps must be in 1 … 2^48") }
        let taskFiles = TaskFiles(guest: files.guest, model: files.model, input: files.input)
        let programHash: Bytes32, modelHash: Bytes32
        if files.phases == 2 {
            // A two-phase task commits to the node-mode program and the model commitment M (requestGraph).
            programHash = try GraphDispute.nodeProgramHash(of: try readBytes(files.guest))
            modelHash = try taskFiles.graph().modelCommitment.commitment
        } else {
            let spec = try taskFiles.spec()
            programHash = try spec.baseState().state.hash
            modelHash = spec.modelHash
        }
        let taskClass = AttentionClass(programHash: programHash, modelHash: modelHash, maxSteps: maxSteps,
                                       responseTime: responseTime, minFee: UInt256(minFee))
        print("class \(try await options.client().define(taskClass).hex)")
    }
}

struct AttentionRegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "register", abstract: "Bond the account for a task class.")
    @OptionGroup var options: AttentionOptions
    @Option(name: .customLong("class"), help: "The class id.") var classId: String

    func run() async throws {
        try await options.client().register(classId: try parseWord(classId, "--class"))
        print("registered")
    }
}

struct AttentionLeaveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "leave", abstract: "Leave a class, or (--withdraw) take the bond back after the wait.")
    @OptionGroup var options: AttentionOptions
    @Option(name: .customLong("class"), help: "The class id.") var classId: String
    @Flag(help: "Credit the bond back (after the accusation window since leaving) and withdraw it.") var withdraw = false

    func run() async throws {
        let client = try await options.client()
        let id = try parseWord(classId, "--class")
        if withdraw {
            try await client.withdrawBond(classId: id)
            try await client.withdraw()
            print("bond withdrawn")
        } else {
            try await client.leave(classId: id)
            print("leaving")
        }
    }
}

struct AttentionEnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enroll", abstract: "Put a task under the attention challenge.")
    @OptionGroup var options: AttentionOptions
    @Option(help: "The task id.") var task: UInt64
    @Option(name: .customLong("class"), help: "The class id.") var classId: String

    func run() async throws {
        try await options.client().enroll(taskId: task, classId: try parseWord(classId, "--class"))
        print("task \(task) enrolled")
    }
}

struct AttentionValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Run a bonded validator on a task until it is final: respond when selected; honest ones also challenge wrong results.")
    @OptionGroup var options: AttentionOptions
    @OptionGroup var files: TaskFileOptions
    @Option(help: "The task id.") var task: UInt64
    @Option(help: "honest, lazy-silent or lazy-random.") var strategy = "honest"
    @Option(help: "Seconds between polls.") var interval = 1.0

    func run() async throws {
        guard let behaviour = AttentionStrategy(rawValue: strategy) else {
            throw ValidationError("--strategy is honest, lazy-silent or lazy-random")
        }
        let client = try await options.client()
        var challenger: ChallengerAgent?
        var finalState: Bytes32?
        if behaviour == .honest {
            let trace = try files.trace()
            finalState = trace.finalStateHash
            challenger = ChallengerAgent(name: "validator", client: client.market, trace: trace)
            challenger?.narrate = { print($0) }
        }
        let validator = AttentionValidator(name: "validator", client: client, strategy: behaviour, finalStateHash: finalState)
        validator.narrate = { print($0) }
        let stake = try MarketClient.uint(try await client.market.connection.call(
            client.market.deployment.market, client.market.contracts.market.function("challengerStake"), []).first ?? .bool(false))
        try await pollUntilFinal(client.market, taskId: task, every: interval) { () async throws(DisputeError) -> Int in
            var sent = try await validator.poll(taskId: task)
            if let challenger { sent += try await challenger.poll(taskId: task, stake: stake) }
            return sent
        }
        print("task \(task) is final")
    }
}

struct AttentionAccuseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accuse",
        abstract: "Wait until a task is final, then accuse every selected validator that did not respond correctly.")
    @OptionGroup var options: AttentionOptions
    @Option(help: "The task id.") var task: UInt64
    @Flag(help: "Accuse also when the final result is another submitter's.") var anyone = false
    @Option(help: "Seconds between polls.") var interval = 1.0

    func run() async throws {
        let client = try await options.client()
        let accuser = AttentionAccuser(name: "accuser", client: client)
        accuser.ownResultsOnly = !anyone
        accuser.narrate = { print($0) }
        try await pollUntilFinal(client.market, taskId: task, every: interval) { () async throws(DisputeError) -> Int in 0 }
        let sent = try await accuser.poll(taskId: task)
        print("task \(task): \(sent) transaction(s)")
    }
}
