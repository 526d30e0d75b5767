import CLCrypto
import CLHarness
import CLPrimitives
import Foundation

/// What one task of the attention demo showed.
public struct AttentionTaskOutcome: Sendable {
    /// What the task shows.
    public var label: String
    /// Task id.
    public var taskId: UInt64
    /// Whether a result is final.
    public var resultFinal: Bool
    /// Whether a wrong result was defeated.
    public var defeated: Bool
    /// Per validator: its name, whether it was selected (under the honest final state), what it posted, and
    /// the verdict `accuse` gave (or would give) on it after the task.
    public var validators: [(name: String, selected: Bool, responded: Bool, verdict: String, accused: Bool)]
    /// Wei of attention bonds credited to the final result's submitter for this task.
    public var paidToSubmitter: UInt256
    /// Wei of attention bonds burned for this task.
    public var burned: UInt256
}

/// `chainlearn demo --attention`: a TaskMarket with an AttentionChallenge beside it; an honest task with one honest
/// and one lazy bonded validator (the lazy one is selected and accused), then a cheating submitter caught by
/// the honest validator, whose wrong result cannot be used to accuse anyone.
public final class AttentionDemo: @unchecked Sendable {
    /// Where the chain is; nil starts an in-process dev chain.
    public let rpcURL: URL?
    /// The task both times.
    public let spec: TaskSpec
    /// p_t as a threshold (the demo's default selects every validator, so the lazy one is surely selected).
    public var threshold: UInt256 = .max
    /// Narration.
    public var log: (@Sendable (String) -> Void)?
    /// Market parameters.
    public var parameters = MarketParameters(moveTimeout: 600)
    /// G.
    public var bond = UInt256(1_000_000_000_000_000_000 as UInt64)
    /// Seconds from enrollment in which a task can be accused.
    public var accusationWindow: UInt64 = 7200
    /// Gas of `respond` and `accuse` as mined (the cost section's figures).
    public private(set) var gas: [(function: String, gas: UInt64, count: Int)] = []

    /// A demo of `spec`.
    public init(spec: TaskSpec, rpcURL: URL?) {
        self.spec = spec
        self.rpcURL = rpcURL
    }

    /// Runs it; the outcomes of the honest and the cheating task.
    public func run() async throws(DisputeError) -> [AttentionTaskOutcome] {
        let (url, stop) = try Self.chain(rpcURL, log: log)
        defer { stop() }
        let wallet = HDWallet(mnemonic: HDWallet.developmentMnemonic)
        var connections: [ChainConnection] = []
        for index in 0..<6 {
            do { connections.append(ChainConnection(url: url, key: try PrivateKey(try wallet.accountKey(index: UInt32(index))))) } catch {
                throw .execution("development key \(index): \(error)")
            }
        }
        let names = ["deployer", "requester", "honest submitter", "honest validator", "cheating submitter", "lazy validator"]
        let contracts = try ContractSet()
        let deployment = try await Deployment.deploy(contracts, parameters: parameters, through: connections[0])
        let markets = connections.map { MarketClient(connection: $0, contracts: contracts, deployment: deployment) }
        let address = try await AttentionClient.deploy(AttentionParameters(bond: bond, threshold: threshold, accusationWindow: accusationWindow),
                                                       market: markets[0])
        let clients = markets.map { AttentionClient(market: $0, address: address) }
        log?("deployed TaskMarket \(deployment.market.hex), AttentionChallenge \(address.hex) (G = \(bond) wei, T = \(threshold.hexQuantity))")
        let trace = try Trace(spec: spec, stepLimit: Demo.maxSteps)
        log?("honest trace: \(trace.haltingStep) steps, final state \(trace.finalStateHash.hex.prefix(18))…")
        let fee = UInt256(100_000_000_000_000_000 as UInt64)
        let programHash = try await markets[1].registerProgram(spec)
        let taskClass = AttentionClass(programHash: programHash, modelHash: spec.modelHash, maxSteps: Demo.maxSteps,
                                       responseTime: 30, minFee: fee)
        let classId = try await clients[0].define(taskClass)
        log?("task class \(classId.hex.prefix(18))… (program, model, ≤ 2^32 steps, 30 s to respond, fee ≥ 0.1 ETH)")
        var outcomes: [AttentionTaskOutcome] = []
        let wrongStep = max(1, trace.haltingStep * 2 / 3)
        for (label, submitterIndex, strategy) in [("honest task", 2, SubmitterStrategy.honest),
                                                  ("cheating task", 4, SubmitterStrategy.wrongStateFrom(wrongStep))] {
            for index in [3, 5] where try await clients[index].bond(classId: classId, validator: connections[index].address).amount == .zero {
                try await clients[index].register(classId: classId)
                log?("\(names[index]) bonds G for the class")
            }
            log?("— \(label): submitter \(strategy) —")
            let taskId = try await markets[1].request(spec, maxSteps: Demo.maxSteps, fee: fee, commitWindow: 60, revealWindow: 60,
                                                      challengePeriod: 600)
            try await clients[1].enroll(taskId: taskId, classId: classId)
            log?("task \(taskId) requested and enrolled")
            let submitter = SubmitterAgent(name: names[submitterIndex], client: markets[submitterIndex],
                                           claim: try Claim(strategy: strategy, trace: trace))
            let challenger = ChallengerAgent(name: names[3], client: markets[3], trace: trace)
            let honest = AttentionValidator(name: names[3], client: clients[3], strategy: .honest, finalStateHash: trace.finalStateHash)
            let lazy = AttentionValidator(name: names[5], client: clients[5], strategy: .lazySilent)
            submitter.narrate = log
            challenger.narrate = log
            honest.narrate = log
            lazy.narrate = log
            let driver = TaskDriver(submitters: [submitter], challengers: [challenger], observer: markets[0], parameters: parameters)
            driver.attentionValidators = [honest, lazy]
            try await driver.run(taskId: taskId)
            let paidBefore = try await clients[0].credits(of: connections[submitterIndex].address)
            let burnedBefore = try await clients[0].burned()
            let accuser = AttentionAccuser(name: names[submitterIndex], client: clients[submitterIndex])
            accuser.narrate = log
            accuser.withdraws = false
            _ = try await accuser.poll(taskId: taskId)
            let task = try await markets[0].task(taskId)
            var defeated = false
            for id in try await markets[0].submissions(of: taskId) where try await markets[0].submission(id).defeated { defeated = true }
            var outcome = AttentionTaskOutcome(label: label, taskId: taskId, resultFinal: task.acceptedSubmission != .zero,
                                               defeated: defeated, validators: [], paidToSubmitter: .zero, burned: .zero)
            let enrollment = try await clients[0].enrollment(taskId)
            let finalResult = try await clients[0].finalResult(taskId: taskId)
            if finalResult == nil {
                log?("task \(taskId) has no final result: nobody can be accused with the defeated result")
            }
            let now = try await connections[0].latestTimestamp()
            for index in [3, 5] {
                let validator = connections[index].address
                let response = try await clients[0].response(taskId: taskId, validator: validator)
                let accused = try await clients[0].accused(taskId: taskId, validator: validator)
                let selected = AttentionRules.isSelected(
                    AttentionRules.attentionHash(taskId: taskId, finalStateHash: trace.finalStateHash, validator: validator), threshold: threshold)
                let verdict = accused ? "accused" : AttentionRules.judge(
                    taskId: taskId, enrollment: enrollment, finalResult: finalResult?.state, now: now,
                    accusationWindow: UInt256(accusationWindow), alreadyAccused: false,
                    bond: try await clients[0].bond(classId: classId, validator: validator), response: response,
                    validator: validator, threshold: threshold).description
                outcome.validators.append((names[index], selected, response != .zero, verdict, accused))
            }
            outcome.paidToSubmitter = try await clients[0].credits(of: connections[submitterIndex].address) &- paidBefore
            outcome.burned = try await clients[0].burned() &- burnedBefore
            outcomes.append(outcome)
        }
        var gas: [(function: String, gas: UInt64, count: Int)] = []
        for connection in connections {
            for entry in connection.gasByFunction where ["respond", "accuse", "register", "enroll"].contains(entry.function) {
                if let at = gas.firstIndex(where: { $0.function == entry.function }) {
                    gas[at].gas += entry.gas
                    gas[at].count += entry.count
                } else {
                    gas.append(entry)
                }
            }
        }
        self.gas = gas.sorted { $0.function < $1.function }
        return outcomes
    }

    /// The chain to use: `url`, or an in-process dev chain (SQLite in a temporary folder) and how to stop it.
    static func chain(_ url: URL?, log: (@Sendable (String) -> Void)?) throws(DisputeError) -> (URL, () -> Void) {
        if let url { return (url, {}) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chainlearn-attention-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw .execution("cannot create \(folder.path)")
        }
        var config = DevChainConfig()
        config.databasePath = folder.appendingPathComponent("chain.db").path
        let chain: DevChain
        do { chain = try DevChain(config: config) } catch { throw .rpc("cannot start the dev chain: \(error)") }
        let rpc = RPCServer(chain: chain)
        let port: UInt16
        do { port = try rpc.start(host: "127.0.0.1", port: 0) } catch { throw .rpc("cannot listen: \(error)") }
        let local = URL(string: "http://127.0.0.1:\(port)")!
        log?("in-process dev chain on \(local.absoluteString)")
        return (local, {
            rpc.stop()
            try? FileManager.default.removeItem(at: folder)
        })
    }
}
