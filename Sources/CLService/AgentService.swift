import CLDispute
import CLPrimitives
import CLStore
import Foundation
import Logging

/// A long-running validator or submitter (`chainlearn validator run`, `chainlearn submitter run`): follows
/// every task of a deployment, fetches each task's data from the stores by the hashes it commits to,
/// re-executes it, and plays it to the end with the `CLDispute` agents (`ChallengerAgent`, `SubmitterAgent`),
/// one agent per task, polled until the task is final.
///
/// - Discovery: `TaskRequested` logs, and `taskCount` on every pass as the fallback; on start it takes every
///   task from `filter.fromTask` on, so a restarted service picks up each unfinished task and game from the
///   chain alone (the agents keep nothing that is not on the chain or recomputed).
/// - Isolation: every task runs in its own child task; an error is logged with the task id, counted, and the
///   task retried on its next pass; an RPC failure backs off. Nothing a task, a game, a store or the node does
///   ends the process.
/// - Concurrency: at most `concurrency` tasks fetch and execute at once (on threads outside Swift's
///   cooperative pool); the agents' polls, which send the transactions, run one at a time, so the account's
///   nonces are taken in order.
public final class AgentService: @unchecked Sendable {
    /// The role.
    public let role: ServiceRole
    /// The configuration.
    public let configuration: ServiceConfiguration
    /// The market client (this service's account).
    public let client: MarketClient
    /// The metrics.
    public let metrics: ServiceMetrics
    private let fetcher: TaskDataFetcher
    private let logger: Logger
    private let verifier: Address
    private let attention: AttentionClient?
    private let preparing: AsyncGate
    private let moves = AsyncGate(permits: 1)
    private let lock = NSLock()
    private var followed: Set<UInt64> = []
    private var stakeByTask: [UInt64: UInt256] = [:]
    private var gasCounted: UInt64 = 0
    private var weiCounted = UInt256.zero
    private var transactionsCounted = 0
    private var stakes: (submitter: UInt256, challenger: UInt256) = (.zero, .zero)

    /// A service for `role` acting through `client`, fetching from `stores`.
    public init(role: ServiceRole, configuration: ServiceConfiguration, client: MarketClient, stores: StoreClient,
                metrics: ServiceMetrics, logger: Logger, verifier: Address, attention: AttentionClient? = nil) {
        self.role = role
        self.configuration = configuration
        self.client = client
        self.metrics = metrics
        self.logger = logger
        self.verifier = verifier
        self.attention = attention
        fetcher = TaskDataFetcher(stores: stores)
        preparing = AsyncGate(permits: configuration.concurrency)
    }

    /// Runs until the surrounding task is cancelled.
    public func run() async {
        logger.info("\(role.name) started", metadata: ["account": "\(client.connection.address.hex)",
                                                       "market": "\(client.deployment.market.hex)"])
        while stakes.submitter.isZero, !Task.isCancelled {
            do {
                stakes = (try await stake("submitterStake"), try await stake("challengerStake"))
            } catch {
                metrics.rpcErrors.increment()
                logger.warning("cannot read the market's stakes: \(error); retrying")
                try? await Task.sleep(nanoseconds: 2_000_000_000)
            }
        }
        let watcher = ChainWatcher(client: client, account: client.connection.address)
        await withTaskGroup(of: Void.self) { group in
            while !Task.isCancelled {
                for id in await discover(watcher) {
                    group.addTask { await self.follow(taskId: id) }
                }
                try? await Task.sleep(nanoseconds: UInt64(configuration.pollInterval * 1e9))
            }
            group.cancelAll()
        }
    }

    private func stake(_ getter: String) async throws(DisputeError) -> UInt256 {
        try MarketClient.uint(try await client.connection.call(client.deployment.market, client.contracts.market.function(getter), []).first
                              ?? .bool(false))
    }

    /// New task ids from the logs and from `taskCount`; updates the chain-derived metrics.
    private func discover(_ watcher: ChainWatcher) async -> [UInt64] {
        var candidates: [UInt64] = []
        do {
            let news = try await watcher.scan()
            candidates += news.requestedTasks
            metrics.challenges.increment(by: Int64(news.challengesOpened))
            metrics.commitments.increment(by: Int64(news.commitments))
            metrics.gamesWon.increment(by: Int64(news.gamesWon))
            metrics.gamesLost.increment(by: Int64(news.gamesLost))
        } catch {
            metrics.rpcErrors.increment()
            logger.warning("cannot read the logs: \(error); polling taskCount instead")
        }
        do {
            let count = try await client.taskCount()
            if count >= configuration.filter.fromTask { candidates += Array(configuration.filter.fromTask...count) }
        } catch {
            metrics.rpcErrors.increment()
            logger.warning("cannot read taskCount: \(error)")
        }
        return lock.withLock {
            var fresh: [UInt64] = []
            for id in candidates where id >= configuration.filter.fromTask && followed.insert(id).inserted {
                fresh.append(id)
            }
            return fresh
        }
    }

    // MARK: - One task

    /// Follows task `taskId` until it is final and nothing is left to do for it.
    private func follow(taskId: UInt64) async {
        var log = logger
        log[metadataKey: "task"] = "\(taskId)"
        metrics.tasksSeen.increment()
        metrics.tasksFollowed.increment()
        defer {
            metrics.tasksFollowed.decrement()
            setStake(.zero, task: taskId)
        }
        let started = Date()
        var agent: (any PollingAgent)?
        var lastProblem: String?
        var failures = 0
        while !Task.isCancelled {
            var pause = configuration.pollInterval
            do {
                if let agent {
                    if try await playRound(agent, taskId: taskId) { return }
                } else {
                    switch try await prepare(taskId: taskId, log: log) {
                    case .done:
                        return
                    case .ready(let ready):
                        agent = ready
                        metrics.tasksChecked.increment()
                        metrics.checkSeconds.record(Date().timeIntervalSince(started))
                        log.info("checked", metadata: ["seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))"])
                    }
                }
                failures = 0
            } catch let error as TaskDataError {
                let problem = error.description
                if problem != lastProblem {
                    if lastProblem == nil { metrics.tasksUnavailable.increment() }
                    log.warning("cannot check the task: \(problem)", metadata: ["reason": "\(error.kind)"])
                    lastProblem = problem
                }
                pause = configuration.retryInterval
            } catch let error as DisputeError {
                failures += 1
                if case .rpc = error { metrics.rpcErrors.increment() } else { metrics.taskErrors.increment() }
                log.warning("\(error); re-reading the chain", metadata: ["failures": "\(failures)"])
                pause = configuration.pollInterval * Double(1 << min(failures, 5))
            } catch {
                failures += 1
                metrics.taskErrors.increment()
                log.warning("\(error)")
            }
            try? await Task.sleep(nanoseconds: UInt64(pause * 1e9))
        }
    }

    private enum Preparation {
        case done
        case ready(any PollingAgent)
    }

    /// Reads the task, applies the filter, fetches and computes it, and makes its agent; `.done` for a task
    /// there is nothing to do for.
    private func prepare(taskId: UInt64, log: Logger) async throws -> Preparation {
        let task = try await client.task(taskId)
        guard task.requester != .zero else { return .done }
        if task.finalized {
            try await withdrawCredits(log: log)
            return .done
        }
        let phase = try await client.graphPhase(taskId)
        let isGraph = phase.verifier != .zero
        if let refusal = configuration.filter.refusal(programHash: task.programHash, fee: task.fee, maxSteps: task.maxSteps, isGraph: isGraph) {
            metrics.tasksFiltered.increment()
            log.info("not taken: \(refusal)")
            return .done
        }
        let computation = try await holding(preparing) { () async throws -> TaskComputation in
            if isGraph {
                let keys = try await fetcher.graphInputKeys(taskId: taskId, client: client)
                return .twoPhase(try await fetcher.twoPhaseDispute(taskId: taskId, task: task, inputKeys: keys, verifier: verifier))
            }
            let spec = try await fetcher.onePhaseSpec(taskId: taskId, task: task)
            return .onePhase(try await Self.offPool { () throws(TaskDataError) -> Trace in
                do { return try Trace(spec: spec, stepLimit: 1 << 32) } catch { throw .execution("\(error)") }
            })
        }
        do {
            try await computation.answers.vet(task, taskId: taskId, client: client, policy: AgentPolicy())
        } catch .taskRejected(let why) {
            metrics.tasksRejected.increment()
            log.warning("rejected: \(why)")
            return .done
        }
        return .ready(try makeAgent(computation, log: log))
    }

    /// The agent of this role for a computed task; its narration goes to the log.
    private func makeAgent(_ computation: TaskComputation, log: Logger) throws(DisputeError) -> any PollingAgent {
        let narrate: @Sendable (String) -> Void = { line in log.info("\(line)") }
        switch role {
        case .validator(let strategy):
            let agent = ChallengerAgent(name: "validator", client: client, answers: computation.answers, strategy: strategy)
            agent.narrate = narrate
            guard let attention else { return agent }
            // The attention hash binds the result's final state: the FPVM's (one phase) or the graph state after
            // the last node (two phases), the value a submission reveals in either case.
            let finalStateHash: Bytes32
            switch computation {
            case .onePhase(let trace): finalStateHash = trace.finalStateHash
            case .twoPhase(let dispute): finalStateHash = try dispute.stateHash(path: [], at: dispute.nodeCount)
            }
            let responder = AttentionValidator(name: "validator", client: attention, strategy: strategy == .idle ? .lazySilent : .honest,
                                               finalStateHash: finalStateHash)
            responder.narrate = narrate
            return AttentionPairedAgent(main: agent, before: responder)
        case .submitter(let strategy, let graphStrategy):
            let claim: any ResultClaim
            switch computation {
            case .onePhase(let trace): claim = try Claim(strategy: strategy, trace: strategy == .noise ? nil : trace)
            case .twoPhase(let dispute): claim = try GraphClaim(strategy: graphStrategy, dispute: dispute)
            }
            let agent = SubmitterAgent(name: "submitter", client: client, claim: claim)
            agent.narrate = narrate
            guard let attention else { return agent }
            let accuser = AttentionAccuser(name: "submitter", client: attention)
            accuser.narrate = narrate
            return AttentionPairedAgent(main: agent, after: accuser)
        }
    }

    /// One poll of the task's agent (sending whatever is due) and the bookkeeping after it; true when the task
    /// is final and nothing was left to send.
    private func playRound(_ agent: any PollingAgent, taskId: UInt64) async throws(DisputeError) -> Bool {
        let stake: UInt256
        switch role {
        case .validator: stake = stakes.challenger
        case .submitter: stake = stakes.submitter
        }
        let sent = try await holding(moves) { () async throws(DisputeError) -> Int in
            defer { countTransactions() }
            return try await agent.poll(taskId: taskId, stake: stake)
        }
        let task = try await client.task(taskId)
        setStake(try await stakeAtRisk(taskId: taskId, task: task), task: taskId)
        return sent == 0 && task.finalized
    }

    /// Wei this account has at stake in `taskId` now.
    private func stakeAtRisk(taskId: UInt64, task: TaskView) async throws(DisputeError) -> UInt256 {
        guard !task.finalized else { return .zero }
        var total = UInt256.zero
        let me = client.connection.address
        for id in try await client.submissions(of: taskId) {
            let submission = try await client.submission(id)
            switch role {
            case .submitter:
                if submission.submitter == me && !submission.defeated { total = total &+ stakes.submitter }
            case .validator:
                guard let gameId = submission.activeGame.uint64, gameId != 0 else { continue }
                if try await client.game(gameId).challenger == me { total = total &+ stakes.challenger }
            }
        }
        return total
    }

    private func withdrawCredits(log: Logger) async throws(DisputeError) {
        try await holding(moves) { () async throws(DisputeError) -> Void in
            guard try await client.credits(of: client.connection.address) > .zero else { return }
            defer { countTransactions() }
            try await client.withdraw()
            log.info("withdrew its credits")
        }
    }

    private func setStake(_ value: UInt256, task: UInt64) {
        let total: Double = lock.withLock {
            stakeByTask[task] = value.isZero ? nil : value
            return stakeByTask.values.reduce(0.0) { $0 + Self.double($1) }
        }
        metrics.stakeAtRisk.set(total)
    }

    /// Adds the transactions, gas and wei the connection recorded since the last count.
    private func countTransactions() {
        let (gas, wei, count) = (client.connection.gasUsed, client.connection.weiSpent, client.connection.transactionCount)
        let (newGas, newWei, newCount): (UInt64, UInt256, Int) = lock.withLock {
            defer { (gasCounted, weiCounted, transactionsCounted) = (gas, wei, count) }
            return (gas &- gasCounted, wei &- weiCounted, count - transactionsCounted)
        }
        if newGas > 0 { metrics.gasUsed.increment(by: Int64(newGas)) }
        if !newWei.isZero { metrics.gasSpentWei.increment(by: Self.double(newWei)) }
        if newCount > 0 { metrics.transactions.increment(by: Int64(newCount)) }
    }

    static func double(_ value: UInt256) -> Double {
        var result = 0.0
        for byte in value.bytes32.bytes { result = result * 256 + Double(byte) }
        return result
    }

    /// Runs CPU-bound work on a thread of its own, outside Swift's cooperative pool, so polls keep running.
    static func offPool<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                do throws(E) { continuation.resume(returning: .success(try work())) } catch { continuation.resume(returning: .failure(error)) }
            }
        }
        return try result.get()
    }
}
