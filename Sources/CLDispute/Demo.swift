import CLCrypto
import CLHarness
import CLML
import CLPrimitives
import Foundation

/// Gas and transactions of one party in the demo.
public struct PartyReport: Sendable {
    /// Role and label.
    public var name: String
    /// Its account.
    public var address: Address
    /// Gas of its mined transactions.
    public var gasUsed: UInt64
    /// Its mined transactions.
    public var transactions: Int
    /// Gas and count per called function.
    public var byFunction: [(function: String, gas: UInt64, count: Int)]
}

/// How one demo task ended.
public struct TaskOutcome: Sendable {
    /// What the task shows.
    public var label: String
    /// The submitter's strategy.
    public var strategy: String
    /// Task id.
    public var taskId: UInt64
    /// Whether a result is final.
    public var resultFinal: Bool
    /// The final output (zero when none).
    public var output: Bytes32
    /// Games played against the task's submission.
    public var games: Int
    /// Bisection rounds of those games (answered midpoints).
    public var rounds: UInt64
    /// Whether the submission was defeated.
    public var defeated: Bool
    /// Wei credited to each party by the market for this task (fees, returned and won stakes).
    public var credited: [(String, UInt256)]
    /// Wei burned for this task.
    public var burned: UInt256
    /// Bisection rounds per phase of its games (one entry per phase the games reached).
    public var roundsPerPhase: [UInt64] = []
    /// The positions the finished phases narrowed to (the disputed node of a two-phase game).
    public var positions: [UInt64] = []
    /// Seconds the honest challenger spent computing: its trace (whole FPVM run, or the native graph trace)
    /// and every answer it gave in this task's games (node traces included).
    public var challengerComputeSeconds: Double = 0
    /// The same in CPU seconds (the answering threads', and the process's for the up-front trace), which other
    /// load on the machine does not inflate.
    public var challengerCPUSeconds: Double = 0
    /// States the honest challenger had to be able to produce: every FPVM step of the whole run (one phase,
    /// O(m·n)); the graph states and the disputed node's FPVM steps (two phases, O(m + n)).
    public var statesToProduce: UInt64 = 0
}

/// The demo's summary.
public struct DemoSummary: Sendable {
    /// The task program.
    public var taskName: String
    /// Halting step of the honest trace.
    public var steps: UInt64
    /// Seconds spent computing the trace.
    public var traceSeconds: Double
    /// The tasks.
    public var tasks: [TaskOutcome]
    /// Gas per party.
    public var parties: [PartyReport]
    /// Seconds from start to the end of the last task.
    public var wallSeconds: Double
    /// The endpoint used.
    public var endpoint: String
    /// Phases of the game (1 or 2).
    public var phases: Int = 1
    /// The process's peak resident set size at the end (bytes).
    public var peakRSSBytes: UInt64 = 0

    /// The summary as a JSON object.
    public var json: JSON {
        func wei(_ value: UInt256) -> JSON { .string(value.uint64.map(String.init) ?? value.hexQuantity) }
        return .object([
            ("task", .string(taskName)), ("endpoint", .string(endpoint)), ("trace_steps", .number(String(steps))),
            ("trace_seconds", .number(String(format: "%.3f", traceSeconds))),
            ("wall_seconds", .number(String(format: "%.3f", wallSeconds))), ("phases", .int(phases)),
            ("peak_rss_bytes", .number(String(peakRSSBytes))),
            ("tasks", .array(tasks.map { task in
                .object([("label", .string(task.label)), ("strategy", .string(task.strategy)), ("task_id", .int(Int(task.taskId))),
                         ("result_final", .bool(task.resultFinal)), ("output", .string(task.output.hex)),
                         ("games", .int(task.games)), ("rounds", .number(String(task.rounds))), ("defeated", .bool(task.defeated)),
                         ("credited_wei", .object(task.credited.map { ($0.0, wei($0.1)) })), ("burned_wei", wei(task.burned)),
                         ("rounds_per_phase", .array(task.roundsPerPhase.map { .number(String($0)) })),
                         ("positions", .array(task.positions.map { .number(String($0)) })),
                         ("challenger_compute_seconds", .number(String(format: "%.4f", task.challengerComputeSeconds))),
                         ("challenger_cpu_seconds", .number(String(format: "%.4f", task.challengerCPUSeconds))),
                         ("states_to_produce", .number(String(task.statesToProduce)))])
            })),
            ("parties", .array(parties.map { party in
                .object([("name", .string(party.name)), ("address", .string(party.address.hex)),
                         ("gas", .number(String(party.gasUsed))), ("transactions", .int(party.transactions)),
                         ("gas_by_function", .object(party.byFunction.map {
                             ($0.function, .object([("gas", .number(String($0.gas))), ("count", .int($0.count))]))
                         }))])
            })),
        ])
    }
}

/// What a demo disputes.
public enum DemoTask: Sendable {
    /// A one-phase task: the whole program in the FPVM.
    case onePhase(TaskSpec)
    /// A two-phase task: phase 1 over the graph's nodes (native), phase 2 over one node in the FPVM (`nodeProgram`,
    /// the ML guest in node mode); the dishonest submitter's node `wrongNode` outputs a wrong tensor.
    case twoPhase(name: String, graph: GraphTrace, nodeProgram: [UInt8], wrongNode: UInt64)

    /// Its label.
    public var name: String {
        switch self {
        case .onePhase(let spec): spec.name
        case .twoPhase(let name, _, _, _): name
        }
    }
}

/// `chainlearn demo`: deploys the protocol, runs an honest task to finality and a dishonest one to its
/// defeat, narrating every on-chain event, and summarises rounds per phase, gas, stakes, compute and time.
public final class Demo: @unchecked Sendable {
    /// The task to run (both times).
    public let task: DemoTask
    /// Where the chain is; nil starts an in-process dev chain with SQLite in a temporary folder.
    public let rpcURL: URL?
    /// Keys of the parties (deployer, requester, honest submitter, honest challenger, dishonest submitter).
    public let keys: [PrivateKey]
    /// Narration (one line per event) — nil for silence.
    public var log: (@Sendable (String) -> Void)?
    /// Trace progress (steps so far).
    public var progress: (@Sendable (UInt64) -> Void)?
    /// Deployment parameters.
    public var parameters = MarketParameters(moveTimeout: 600)
    /// The step bound the demo's tasks declare (2^32: far above the ML guest's runs).
    public static let maxSteps: UInt64 = 1 << 32

    /// A one-phase demo of `spec` with dev-mnemonic keys.
    public convenience init(spec: TaskSpec, rpcURL: URL?) throws(DisputeError) {
        try self.init(task: .onePhase(spec), rpcURL: rpcURL)
    }

    /// A demo of `task` with dev-mnemonic keys.
    public init(task: DemoTask, rpcURL: URL?) throws(DisputeError) {
        self.task = task
        self.rpcURL = rpcURL
        let wallet = HDWallet(mnemonic: HDWallet.developmentMnemonic)
        var keys: [PrivateKey] = []
        for index in 0..<5 {
            do { keys.append(try PrivateKey(try wallet.accountKey(index: UInt32(index)))) } catch {
                throw .execution("development key \(index): \(error)")
            }
        }
        self.keys = keys
    }

    /// Runs the demo.
    public func run() async throws(DisputeError) -> DemoSummary {
        let started = Date()
        var server: RPCServer?
        var folder: URL?
        let url: URL
        if let rpcURL {
            url = rpcURL
        } else {
            let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("chainlearn-demo-\(UUID().uuidString)")
            do { try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true) } catch {
                throw .execution("cannot create \(temporary.path)")
            }
            folder = temporary
            var config = DevChainConfig()
            config.databasePath = temporary.appendingPathComponent("chain.db").path
            let chain: DevChain
            do { chain = try DevChain(config: config) } catch { throw .rpc("cannot start the dev chain: \(error)") }
            let rpc = RPCServer(chain: chain)
            let port: UInt16
            do { port = try rpc.start(host: "127.0.0.1", port: 0) } catch { throw .rpc("cannot listen: \(error)") }
            server = rpc
            url = URL(string: "http://127.0.0.1:\(port)")!
            log?("in-process dev chain on \(url.absoluteString), SQLite at \(config.databasePath ?? "")")
        }
        defer {
            server?.stop()
            if let folder { try? FileManager.default.removeItem(at: folder) }
        }

        let contracts = try ContractSet()
        let names = ["deployer", "requester", "honest submitter", "honest challenger", "dishonest submitter"]
        let connections = keys.map { ChainConnection(url: url, key: $0) }
        let deployment = try await Deployment.deploy(contracts, parameters: parameters, through: connections[0])
        log?("deployed PreimageOracle \(deployment.oracle.hex), RV32Step \(deployment.step.hex)")
        log?("deployed DisputeGame \(deployment.game.hex), TaskMarket \(deployment.market.hex)")
        let clients = connections.map { MarketClient(connection: $0, contracts: contracts, deployment: deployment) }
        let feed = EventFeed(connection: connections[0], contracts: contracts, deployment: deployment)
        _ = try await feed.poll()

        let plan = try await prepare(clients: clients, names: names)
        var outcomes: [TaskOutcome] = []
        for entry in plan.tasks {
            log?("— \(entry.label): submitter is \(entry.claim.strategyName) —")
            let creditsBefore = try await creditSnapshot(clients[0], connections)
            let burnedBefore = try await clients[0].burned()
            let taskId = try await plan.request()
            let submitter = SubmitterAgent(name: names[entry.submitterIndex], client: clients[entry.submitterIndex], claim: entry.claim)
            let answers = TimedAnswers(plan.challengerAnswers())
            let challenger = ChallengerAgent(name: names[3], client: clients[3], answers: answers)
            submitter.withdraws = false
            challenger.withdraws = false
            let driver = TaskDriver(submitters: [submitter], challengers: [challenger], observer: clients[0], parameters: parameters)
            let log = self.log
            driver.afterPass = {
                guard let log, let lines = try? await feed.poll() else { return }
                for line in lines { log(line) }
            }
            try await driver.run(taskId: taskId)
            let task = try await clients[0].task(taskId)
            var outcome = TaskOutcome(label: entry.label, strategy: entry.claim.strategyName, taskId: taskId,
                                      resultFinal: task.acceptedSubmission != 0, output: task.output, games: 0, rounds: 0,
                                      defeated: false, credited: [], burned: .zero)
            try await tally(&outcome, taskId: taskId, client: clients[0])
            let creditsAfter = try await creditSnapshot(clients[0], connections)
            for index in 1..<names.count where creditsAfter[index] != creditsBefore[index] {
                outcome.credited.append((names[index], creditsAfter[index] &- creditsBefore[index]))
            }
            outcome.burned = try await clients[0].burned() &- burnedBefore
            outcome.challengerComputeSeconds = plan.traceSeconds + answers.seconds
            outcome.challengerCPUSeconds = plan.traceCPUSeconds + answers.cpuSeconds
            outcome.statesToProduce = try plan.states(outcome.positions, answers.inner)
            outcomes.append(outcome)
        }
        for client in clients[1...] where try await client.credits(of: client.connection.address) > .zero {
            try await client.withdraw()
        }
        let parties = zip(names, connections).map {
            PartyReport(name: $0.0, address: $0.1.address, gasUsed: $0.1.gasUsed, transactions: $0.1.transactionCount,
                        byFunction: $0.1.gasByFunction)
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return DemoSummary(taskName: task.name, steps: plan.steps, traceSeconds: plan.traceSeconds, tasks: outcomes,
                           parties: parties, wallSeconds: Date().timeIntervalSince(started),
                           endpoint: rpcURL?.absoluteString ?? "in-process dev chain", phases: plan.phases,
                           peakRSSBytes: UInt64(usage.ru_maxrss) * 1024)
    }

    /// Games, rounds (per phase) and positions of a task's submissions.
    private func tally(_ outcome: inout TaskOutcome, taskId: UInt64, client: MarketClient) async throws(DisputeError) {
        for id in try await client.submissions(of: taskId) {
            if try await client.submission(id).defeated { outcome.defeated = true }
            let count = try await client.gameCount()
            var gameId: UInt64 = 1
            while gameId <= count {
                let game = try await client.game(gameId)
                if game.submissionId == UInt256(id) {
                    outcome.games += 1
                    outcome.rounds += try await client.rounds(gameId)
                    let levels = (game.level.uint64 ?? 0) + 1
                    for level in 0..<levels {
                        let rounds = try await client.phaseRounds(gameId, level: level)
                        if outcome.roundsPerPhase.count <= Int(level) { outcome.roundsPerPhase.append(0) }
                        outcome.roundsPerPhase[Int(level)] += rounds
                    }
                    outcome.positions += try await client.positions(gameId)
                }
                gameId += 1
            }
        }
    }

    private func creditSnapshot(_ client: MarketClient, _ connections: [ChainConnection]) async throws(DisputeError) -> [UInt256] {
        var out: [UInt256] = []
        for connection in connections { out.append(try await client.credits(of: connection.address)) }
        return out
    }
}
