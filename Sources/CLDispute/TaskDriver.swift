import CLPrimitives
import Foundation

/// Runs a set of agents on one task until it is final: each pass polls every agent; when a pass sends
/// nothing, the clock moves to the next deadline that unblocks someone (evm_increaseTime on a dev chain;
/// on a network without time control the driver waits in real time).
public final class TaskDriver: @unchecked Sendable {
    /// The submitters.
    public let submitters: [SubmitterAgent]
    /// The challengers.
    public let challengers: [ChallengerAgent]
    /// A connection used to read the task and move the clock.
    public let observer: MarketClient
    /// Stakes posted by the agents.
    public let parameters: MarketParameters
    /// Called after every pass (the demo prints the event feed here).
    public var afterPass: (@Sendable () async -> Void)?
    /// The attention challenge's validators, polled in every pass after the challengers.
    public var attentionValidators: [AttentionValidator] = []

    /// A driver over these agents.
    public init(submitters: [SubmitterAgent], challengers: [ChallengerAgent], observer: MarketClient, parameters: MarketParameters) {
        self.submitters = submitters
        self.challengers = challengers
        self.observer = observer
        self.parameters = parameters
    }

    /// Polls until `taskId` is final and a whole pass sends nothing; returns the number of passes.
    @discardableResult
    public func run(taskId: UInt64, maxPasses: Int = 10_000) async throws(DisputeError) -> Int {
        var passes = 0
        while passes < maxPasses {
            passes += 1
            var sent = 0
            for agent in submitters { sent += try await agent.poll(taskId: taskId, stake: parameters.submitterStake) }
            for agent in challengers { sent += try await agent.poll(taskId: taskId, stake: parameters.challengerStake) }
            for agent in attentionValidators { sent += try await agent.poll(taskId: taskId) }
            await afterPass?()
            if sent > 0 { continue }
            let task = try await observer.task(taskId)
            if task.finalized { return passes }
            try await advanceToNextDeadline(task, taskId: taskId)
        }
        throw .protocolViolation("task \(taskId) not final after \(maxPasses) passes")
    }

    private func advanceToNextDeadline(_ task: TaskView, taskId: UInt64) async throws(DisputeError) {
        let now = try await observer.connection.latestTimestamp()
        var candidates = [task.commitDeadline, task.revealDeadline, task.challengeDeadline]
        for id in try await observer.submissions(of: taskId) {
            let submission = try await observer.submission(id)
            candidates.append(submission.challengeDeadline)
            if let gameId = submission.activeGame.uint64, gameId != 0 {
                let game = try await observer.game(gameId)
                if game.running { candidates.append(game.deadline &+ UInt256(1)) }
            }
        }
        guard let target = candidates.filter({ $0 > UInt256(now) }).min() else {
            throw .protocolViolation("nothing left to wait for, yet task not final")
        }
        let wait = try (target &- UInt256(now)).position("time to the next deadline")
        if await observer.connection.advanceTime(by: wait) { return }
        try? await Task.sleep(nanoseconds: 1_000_000_000)
    }
}
