import ArgumentParser
import CLCrypto
import CLDispute
import CLHarness
import CLPrimitives
import Foundation

/// `chainlearn task ...`: the task market by hand, against any JSON-RPC endpoint.
struct TaskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "Deploy the task market, request ML tasks, submit or challenge results, follow games.",
        discussion: """
            Agents read the time from the latest block: against `chainlearn node`, run it with --block-time 1 so \
            that the chain's clock moves while nobody sends transactions.
            """,
        subcommands: [TaskDeployCommand.self, TaskRequestCommand.self, TaskSubmitCommand.self, TaskChallengeCommand.self,
                      TaskStatusCommand.self, TaskWatchCommand.self])
}

/// Endpoint, key and market address shared by the task commands.
struct TaskOptions: ParsableArguments {
    @Option(help: "JSON-RPC endpoint.") var rpcUrl = "http://127.0.0.1:8545"
    @Option(help: "Sign with this private key (hex).") var privateKey: String?
    @Option(help: "Else sign with this account of the development mnemonic.") var account: UInt32 = 0
    @Option(help: "The TaskMarket address (the other contracts are read from it).") var market: String?
    @Option(help: "The phase-transition verifier two-phase tasks must name (printed by `task deploy`).") var verifier: String?

    func connection() throws -> ChainConnection {
        guard let url = URL(string: rpcUrl), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--rpc-url must be an http(s) URL")
        }
        let key: PrivateKey
        do {
            if let privateKey {
                key = try PrivateKey(bytes: try Hex.decode(privateKey))
            } else {
                key = try PrivateKey(try HDWallet(mnemonic: HDWallet.developmentMnemonic).accountKey(index: account))
            }
        } catch {
            throw ValidationError("invalid key: \(error)")
        }
        return ChainConnection(url: url, key: key)
    }

    func client() async throws -> MarketClient {
        guard let market, let address = try? Address(hex: market) else { throw ValidationError("--market ADDRESS is required") }
        var trusted = Address.zero
        if let verifier {
            guard let parsed = try? Address(hex: verifier) else { throw ValidationError("--verifier must be an address") }
            trusted = parsed
        }
        let connection = try connection()
        let contracts = try ContractSet()
        return MarketClient(connection: connection, contracts: contracts,
                            deployment: try await Deployment.discover(market: address, verifier: trusted, contracts: contracts,
                                                                      through: connection))
    }
}

/// The ML task's files (defaults: the Fashion-MNIST MLP fixture).
struct TaskFileOptions: ParsableArguments {
    @Option(help: "The ML guest ELF.") var guest = "Fixtures/ml/ml-guest.elf"
    @Option(help: "The model (.clml).") var model = "Fixtures/ml/fashion-mlp.clml"
    @Option(help: "The input tensor (.clt).") var input = "Fixtures/ml/fashion-sample.clt"
    @Option(help: "Phases of the task's dispute game: 1 (the whole run in the FPVM) or 2 (graph nodes, then one node).")
    var phases = 1

    func validatePhases() throws {
        guard phases == 1 || phases == 2 else { throw ValidationError("--phases must be 1 or 2") }
    }

    /// The two-phase computation of the task (`--phases 2`), trusting `deployment.verifier`.
    func graphDispute(verifier: Address) throws -> GraphDispute {
        guard verifier != .zero else { throw ValidationError("--phases 2 needs --verifier ADDRESS (printed by `task deploy`)") }
        let files = TaskFiles(guest: guest, model: model, input: input)
        return try GraphDispute(name: URL(fileURLWithPath: model).lastPathComponent, graph: try files.graph(),
                                nodeProgram: try readBytes(guest), verifier: verifier)
    }

    func trace() throws -> Trace {
        let spec = try TaskFiles(guest: guest, model: model, input: input).spec()
        let bar = TraceProgress(label: "computing trace")
        let trace = try Trace(spec: spec, stepLimit: 1 << 32) { bar.update($0) }
        bar.finish()
        return trace
    }
}

struct TaskDeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deploy", abstract: "Deploy PreimageOracle, RV32Step, DisputeGame and TaskMarket.")
    @OptionGroup var options: TaskOptions
    @Option(help: "Submitter stake in wei.") var submitterStake: UInt64 = 1_000_000_000_000_000_000
    @Option(help: "Challenger stake in wei.") var challengerStake: UInt64 = 1_000_000_000_000_000_000
    @Option(help: "Seconds per move.") var moveTimeout: UInt64 = 600
    @Option(help: "The shortest commit window a task may have (seconds).") var minCommitWindow: UInt64 = 30
    @Option(help: "The shortest reveal window a task may have (seconds).") var minRevealWindow: UInt64 = 30
    @Option(help: "The shortest challenge period a task may have, and how long a challenge window reopens after a game the submitter won (seconds).")
    var minChallengePeriod: UInt64 = 60

    func run() async throws {
        let parameters = MarketParameters(submitterStake: UInt256(submitterStake), challengerStake: UInt256(challengerStake),
                                          moveTimeout: moveTimeout, minCommitWindow: minCommitWindow,
                                          minRevealWindow: minRevealWindow, minChallengePeriod: minChallengePeriod)
        let deployment = try await Deployment.deploy(try ContractSet(), parameters: parameters, through: try options.connection())
        print("TaskMarket \(deployment.market.hex)")
        print("DisputeGame \(deployment.game.hex)  RV32Step \(deployment.step.hex)  PreimageOracle \(deployment.oracle.hex)")
        print("ZKStubPhaseTransitionVerifier \(deployment.verifier.hex)  (a stub: it checks the phase transition transparently, no zero-knowledge proof)")
    }
}

struct TaskRequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "request", abstract: "Post an ML task with an escrowed fee.")
    @OptionGroup var options: TaskOptions
    @OptionGroup var files: TaskFileOptions
    @Option(help: "Fee in wei.") var fee: UInt64 = 100_000_000_000_000_000
    @Option(help: "Seconds for commitments.") var commitWindow: UInt64 = 60
    @Option(help: "Seconds for reveals after the commit window.") var revealWindow: UInt64 = 60
    @Option(help: "Seconds for challenges after the reveal window.") var challengePeriod: UInt64 = 600
    @Option(help: "The most FPVM steps a result may claim (at most 2^48); with --phases 2, the most FPVM steps of one node.")
    var maxSteps: UInt64 = 1 << 32

    func run() async throws {
        try files.validatePhases()
        let client = try await options.client()
        if files.phases == 2 {
            let dispute = try files.graphDispute(verifier: client.deployment.verifier)
            let id = try await dispute.request(client: client, maxNodeSteps: maxSteps, fee: UInt256(fee), commitWindow: commitWindow,
                                               revealWindow: revealWindow, challengePeriod: challengePeriod)
            print("task \(id)")
            return
        }
        let spec = try TaskFiles(guest: files.guest, model: files.model, input: files.input).spec()
        let id = try await client.request(spec, maxSteps: maxSteps, fee: UInt256(fee), commitWindow: commitWindow,
                                          revealWindow: revealWindow, challengePeriod: challengePeriod)
        print("task \(id)")
    }
}

/// Parses a submitter strategy name.
struct StrategyName: ExpressibleByArgument {
    let strategy: SubmitterStrategy
    init?(argument: String) {
        switch argument {
        case "honest": strategy = .honest
        case "wrong-output": strategy = .wrongOutput
        case "noise": strategy = .noise
        case "copycat": strategy = .copycat
        default:
            guard argument.hasPrefix("wrong-state:"), let step = UInt64(argument.dropFirst("wrong-state:".count)) else { return nil }
            strategy = .wrongStateFrom(step)
        }
    }
}

/// Polls an agent until the task is final and a pass sends nothing. A failed poll (a transaction reverted in a
/// race with another party, the node unreachable, an answer that does not decode) is reported and the next
/// poll re-reads the chain, with a growing pause while the failures last: nothing on the chain stops the agent.
func pollUntilFinal(_ client: MarketClient, taskId: UInt64, every seconds: Double,
                    _ poll: () async throws(DisputeError) -> Int) async throws {
    var failures = 0
    while true {
        var sent = 0
        do {
            sent = try await poll()
            if sent == 0, try await client.task(taskId).finalized { return }
            failures = 0
        } catch {
            failures += 1
            FileHandle.standardError.write(Data("warning: \(error); re-reading the chain\n".utf8))
        }
        if sent == 0 { try await Task.sleep(nanoseconds: UInt64(seconds * 1e9) << UInt64(min(failures, 5))) }
    }
}

struct TaskSubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Run a submitter on a task until it is final (commit, reveal, answer every game move, finalize, withdraw).")
    @OptionGroup var options: TaskOptions
    @OptionGroup var files: TaskFileOptions
    @Option(help: "The task id.") var task: UInt64
    @Option(help: "honest, wrong-output, noise, wrong-state:STEP or copycat; with --phases 2: honest or wrong-node:K.")
    var strategy = "honest"
    @Option(help: "Seconds between polls.") var interval = 1.0

    func run() async throws {
        try files.validatePhases()
        let client = try await options.client()
        let agent: SubmitterAgent
        if files.phases == 2 {
            let graphStrategy: GraphSubmitterStrategy
            if strategy == "honest" {
                graphStrategy = .honest
            } else if strategy.hasPrefix("wrong-node:"), let k = UInt64(strategy.dropFirst("wrong-node:".count)) {
                graphStrategy = .wrongNode(k)
            } else {
                throw ValidationError("--strategy for --phases 2 is honest or wrong-node:K")
            }
            let claim = try GraphClaim(strategy: graphStrategy, dispute: try files.graphDispute(verifier: client.deployment.verifier))
            agent = SubmitterAgent(name: "submitter", client: client, claim: claim)
        } else {
            guard let parsed = StrategyName(argument: strategy) else {
                throw ValidationError("--strategy is honest, wrong-output, noise, wrong-state:STEP or copycat")
            }
            let trace = parsed.strategy == .noise ? nil : try files.trace()
            agent = SubmitterAgent(name: "submitter", client: client, claim: try Claim(strategy: parsed.strategy, trace: trace))
        }
        agent.narrate = { print($0) }
        let stake = try MarketClient.uint(try await client.connection.call(client.deployment.market,
                                                                            client.contracts.market.function("submitterStake"), []).first ?? .bool(false))
        try await pollUntilFinal(client, taskId: task, every: interval) { () async throws(DisputeError) -> Int in
            try await agent.poll(taskId: task, stake: stake)
        }
        print("task \(task) is final")
    }
}

struct TaskChallengeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "challenge",
        abstract: "Run a validator on a task until it is final: re-execute, challenge wrong results, play every game.")
    @OptionGroup var options: TaskOptions
    @OptionGroup var files: TaskFileOptions
    @Option(help: "The task id.") var task: UInt64
    @Option(help: "Seconds between polls.") var interval = 1.0
    @Option(help: "honest, lying (every phase) or lying-from-phase:P (honest before phase P, 1-based).") var strategy = "honest"

    func run() async throws {
        try files.validatePhases()
        let behaviour: ChallengerStrategy
        if strategy == "honest" {
            behaviour = .honest
        } else if strategy == "lying" {
            behaviour = .lying
        } else if strategy.hasPrefix("lying-from-phase:"), let phase = UInt64(strategy.dropFirst("lying-from-phase:".count)), phase >= 1 {
            behaviour = .lyingFromPhase(phase - 1)
        } else {
            throw ValidationError("--strategy is honest, lying or lying-from-phase:P")
        }
        let client = try await options.client()
        let answers: any GameAnswers = files.phases == 2 ? try files.graphDispute(verifier: client.deployment.verifier) : try files.trace()
        let agent = ChallengerAgent(name: "challenger", client: client, answers: answers, strategy: behaviour)
        agent.narrate = { print($0) }
        let stake = try MarketClient.uint(try await client.connection.call(client.deployment.market,
                                                                            client.contracts.market.function("challengerStake"), []).first ?? .bool(false))
        try await pollUntilFinal(client, taskId: task, every: interval) { () async throws(DisputeError) -> Int in
            try await agent.poll(taskId: task, stake: stake)
        }
        print("task \(task) is final")
    }
}

struct TaskStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show a task, its submissions and their games.")
    @OptionGroup var options: TaskOptions
    @Option(help: "The task id.") var task: UInt64

    func run() async throws {
        let client = try await options.client()
        let view = try await client.task(task)
        guard view.requester != .zero else { throw ValidationError("no task \(task)") }
        let now = try await client.connection.latestTimestamp()
        print("task \(task): requester \(view.requester.hex), fee \(view.fee) wei, at most \(view.maxSteps) steps, S0 \(view.initialStateHash.hex)")
        print("  commit until \(view.commitDeadline), reveal until \(view.revealDeadline), challenge until \(view.challengeDeadline) (now \(now))")
        print("  " + (view.finalized ? (view.acceptedSubmission == 0 ? "closed without a result" : "final: submission \(view.acceptedSubmission), output \(view.output.hex)") : "open"))
        let games = try await client.gameCount()
        for id in try await client.submissions(of: task) {
            let s = try await client.submission(id)
            print("  submission \(id) by \(s.submitter.hex): " + (s.revealed ? "final state \(s.finalStateHash.hex), \(s.steps) steps" : "committed, not revealed")
                  + (s.defeated ? ", DEFEATED" : "") + ", \(s.gamesPlayed) game(s), challenges until \(s.challengeDeadline)")
            var gameId: UInt64 = 1
            while gameId <= games {
                let g = try await client.game(gameId)
                if g.submissionId == UInt256(id) {
                    let state = g.phase == .over ? "over, winner \(g.winner.hex)" : "\(g.phase) until \(g.deadline), phase \(g.level &+ UInt256(1)) positions \(g.lo)…\(g.hi)"
                    print("    game \(gameId) vs \(g.challenger.hex): \(state), \(try await client.rounds(gameId)) rounds")
                }
                gameId += 1
            }
        }
    }
}

struct TaskWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "watch", abstract: "Print every TaskMarket and DisputeGame event as it is mined.")
    @OptionGroup var options: TaskOptions
    @Option(help: "First block.") var from: UInt64 = 0
    @Option(help: "Stop once this task is final.") var untilFinal: UInt64?
    @Option(help: "Seconds between polls.") var interval = 1.0

    func run() async throws {
        let client = try await options.client()
        let feed = EventFeed(connection: client.connection, contracts: client.contracts, deployment: client.deployment, from: from)
        while true {
            for line in try await feed.poll() { print(line) }
            if let untilFinal, try await client.task(untilFinal).finalized { return }
            try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
        }
    }
}
