import CLDispute
import CLHarness
import CLPrimitives
import CLService
import Foundation
import Prometheus

/// Follows a deployment for `chainlearn monitor`: every pass reads the new TaskMarket and DisputeGame logs (the
/// games' timelines), then every task, its submissions and their games, and publishes one JSON snapshot that the
/// page polls. With stores it also re-executes each task (`TaskDataFetcher`, the validators' own code) and raises
/// an alert for every revealed result it disagrees with that is about to finalize with no game against it.
public final class DeploymentMonitor: @unchecked Sendable {
    /// The market client (read-only use).
    public let client: MarketClient
    /// Seconds before a challenge deadline from which an undisputed wrong result is an alert.
    public let alertWindow: UInt64
    /// The monitor's metrics.
    public let registry = PrometheusCollectorRegistry()
    private let fetcher: TaskDataFetcher?
    private let alertsGauge: Gauge
    private let alertsRaised: Counter
    private let lock = NSLock()
    private var snapshot: JSON = .object([])
    private var timelines = GameTimelines()
    private var nextBlock: UInt64 = 0
    private var ownResults: [UInt64: [UInt64: Bytes32]] = [:]  // task → steps → own final state hash
    private var computations: [UInt64: any GameAnswers] = [:]
    private var unavailable: [UInt64: String] = [:]
    private var alerted: Set<UInt64> = []

    /// A monitor of `client`'s deployment; `fetcher` (optional) lets it check results itself.
    public init(client: MarketClient, fetcher: TaskDataFetcher?, alertWindow: UInt64) {
        self.client = client
        self.fetcher = fetcher
        self.alertWindow = alertWindow
        alertsGauge = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "chainlearn", metricName: "monitor_unchallenged_disagreements", unitName: "",
            helpText: "Revealed results the monitor disagrees with, undisputed, within the alert window of finalizing"))
        alertsRaised = registry.makeCounter(descriptor: MetricNameDescriptor(
            namespace: "chainlearn", metricName: "monitor_alerts_total", unitName: "",
            helpText: "Submissions that raised the disagreement alert"), labels: [])
    }

    /// The latest snapshot as JSON text.
    public var snapshotText: [UInt8] { lock.withLock { snapshot.serialized } }

    /// One pass: new logs, then the state of every task and game.
    public func refresh() async throws(DisputeError) {
        let latest = try await client.connection.blockNumber()
        if latest >= nextBlock {
            var entries: [(UInt64, UInt64, ChainLog)] = []
            for log in try await client.connection.logs(client.deployment.game, from: nextBlock, to: latest) {
                entries.append((log.block, log.logIndex, log))
            }
            for (_, _, log) in entries.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
                if let event = try? client.contracts.game.abi.decodeLog(topics: log.topics, data: log.data) {
                    timelines.take(event, block: log.block)
                }
            }
            nextBlock = latest + 1
        }
        let now = try await client.connection.latestTimestamp()
        var tasks: [JSON] = []
        var alerts: [JSON] = []
        let taskCount = try await client.taskCount()
        var games: [JSON] = []
        if taskCount > 0 {
            for taskId in 1...taskCount {
                let (task, taskAlerts) = try await taskState(taskId, now: now)
                tasks.append(task)
                alerts += taskAlerts
            }
        }
        let gameCount = try await client.gameCount()
        if gameCount > 0 {
            for gameId in 1...gameCount { games.append(try await gameState(gameId)) }
        }
        alertsGauge.set(Double(alerts.count))
        let state = JSON.object([("block", .int(Int(clamping: latest))), ("now", .int(Int(clamping: now))), ("market", .string(client.deployment.market.hex)),
                                 ("tasks", .array(tasks)), ("games", .array(games)), ("alerts", .array(alerts))])
        lock.withLock { snapshot = state }
    }

    /// The task's JSON and the alerts it raises now.
    private func taskState(_ taskId: UInt64, now: UInt64) async throws(DisputeError) -> (JSON, [JSON]) {
        let task = try await client.task(taskId)
        var submissions: [JSON] = []
        var alerts: [JSON] = []
        for id in try await client.submissions(of: taskId) {
            let s = try await client.submission(id)
            var fields: [(String, JSON)] = [
                ("id", .int(Int(clamping: id))), ("submitter", .string(s.submitter.hex)), ("revealed", .bool(s.revealed)),
                ("defeated", .bool(s.defeated)), ("finalStateHash", .string(s.finalStateHash.hex)),
                ("challengeDeadline", .string("\(s.challengeDeadline)")), ("activeGame", .string("\(s.activeGame)")),
            ]
            if s.revealed, !task.finalized, let steps = s.steps.uint64, let own = await ownResult(taskId: taskId, task: task, steps: steps) {
                let disagrees = own != s.finalStateHash
                fields.append(("monitorAgrees", .bool(!disagrees)))
                let closing = s.challengeDeadline >= UInt256(now) && s.challengeDeadline &- UInt256(now) <= UInt256(alertWindow)
                if disagrees, !s.defeated, s.activeGame == .zero, closing {
                    alerts.append(.object([("task", .int(Int(clamping: taskId))), ("submission", .int(Int(clamping: id))),
                                           ("text", .string("submission \(id) of task \(taskId) finalizes at \(s.challengeDeadline) unchallenged, but its final state \(s.finalStateHash.hex) is not the monitor's \(own.hex)"))]))
                    if lock.withLock({ alerted.insert(id).inserted }) { alertsRaised.increment() }
                }
            }
            submissions.append(.object(fields))
        }
        var fields: [(String, JSON)] = [
            ("id", .int(Int(clamping: taskId))), ("finalized", .bool(task.finalized)), ("accepted", .string("\(task.acceptedSubmission)")),
            ("commitDeadline", .string("\(task.commitDeadline)")), ("revealDeadline", .string("\(task.revealDeadline)")),
            ("challengeDeadline", .string("\(task.challengeDeadline)")), ("submissions", .array(submissions)),
        ]
        if let why = lock.withLock({ unavailable[taskId] }) { fields.append(("unchecked", .string(why))) }
        return (.object(fields), alerts)
    }

    /// The monitor's own final state hash of `taskId` for a claim of `steps` steps (nil without stores or data).
    private func ownResult(taskId: UInt64, task: TaskView, steps: UInt64) async -> Bytes32? {
        if let known = lock.withLock({ ownResults[taskId]?[steps] }) { return known }
        guard let fetcher else { return nil }
        var answers = lock.withLock { computations[taskId] }
        if answers == nil {
            do {
                let phase = try await client.graphPhase(taskId)
                if phase.verifier != .zero {
                    let keys = try await fetcher.graphInputKeys(taskId: taskId, client: client)
                    answers = try await fetcher.twoPhaseDispute(taskId: taskId, task: task, inputKeys: keys, verifier: phase.verifier)
                } else {
                    let spec = try await fetcher.onePhaseSpec(taskId: taskId, task: task)
                    answers = try Trace(spec: spec, stepLimit: 1 << 32)
                }
                lock.withLock { computations[taskId] = answers }
            } catch {
                lock.withLock { unavailable[taskId] = "\(error)" }
                return nil
            }
        }
        guard let answers, let hash = try? answers.stateHash(path: [], at: steps) else { return nil }
        lock.withLock { ownResults[taskId, default: [:]][steps] = hash }
        return hash
    }

    private func gameState(_ gameId: UInt64) async throws(DisputeError) -> JSON {
        let game = try await client.game(gameId)
        let moves = lock.withLock { timelines.moves[gameId] ?? [] }
        return .object([
            ("id", .int(Int(clamping: gameId))), ("submission", .string("\(game.submissionId)")), ("challenger", .string(game.challenger.hex)),
            ("submitter", .string(game.submitter.hex)), ("phase", .string("\(game.phase)")), ("level", .string("\(game.level)")),
            ("lo", .string("\(game.lo)")), ("hi", .string("\(game.hi)")), ("deadline", .string("\(game.deadline)")),
            ("winner", .string(game.winner.hex)),
            ("moves", .array(moves.map { move in
                .object([("kind", .string(move.kind)), ("block", .int(Int(clamping: move.block))), ("level", .int(Int(clamping: move.level))),
                         ("lo", .int(Int(clamping: move.lo))), ("hi", .int(Int(clamping: move.hi))), ("total", .int(Int(clamping: move.total))),
                         ("deadline", .int(Int(clamping: move.deadline))), ("text", .string(move.text))])
            })),
        ])
    }
}
