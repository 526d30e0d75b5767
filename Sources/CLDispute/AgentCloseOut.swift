import CLPrimitives

extension MarketClient {
    /// The end of every agent's poll. Once the challenge period is over and `finalizes` is set, it
    /// finalizes the task, one batch of submissions a call (anyone may, so a task never waits on one party;
    /// losing that race to another party in the same block, a game that still has to end, or a reopened
    /// challenge window is not an error). Then, when
    /// `withdraws` is set and the task is final, it withdraws `account`'s credits.
    /// Returns how many transactions it sent.
    func finalizeAndWithdraw(task: TaskView, taskId: UInt64, now: UInt64, finalizes: Bool, withdraws: Bool,
                             account: Address, name: String,
                             narrate: (@Sendable (String) -> Void)?) async throws(DisputeError) -> Int {
        var sent = 0
        if finalizes, !task.finalized, UInt256(now) >= task.challengeDeadline {
            do {
                try await finalize(taskId: taskId)
                narrate?("\(name) finalizes task \(taskId)")
                sent += 1
            } catch .reverted(let function, let reason) {
                let finalNow = try await self.task(taskId).finalized
                guard finalNow || reason.contains("games running") || reason.contains("challenge window reopened") else {
                    throw .reverted(function: function, reason: reason)
                }
                return sent
            }
        }
        if withdraws, task.finalized, try await credits(of: account) > .zero {
            try await withdraw()
            sent += 1
        }
        return sent
    }
}
