import CLPrimitives

/// What an honest agent requires of a task before it stakes on it (docs/PROTOCOL.md, "What agents check").
public struct AgentPolicy: Sendable {
    /// The shortest reveal window and move timeout the agent can meet (seconds): its worst-case time to get a
    /// transaction mined after deciding to send it, with margin.
    public var minimumWindow: UInt64
    /// The least time that must be left before a deadline for the agent to start acting on it (seconds).
    public var minimumLeadTime: UInt64

    /// A policy.
    public init(minimumWindow: UInt64 = 5, minimumLeadTime: UInt64 = 2) {
        self.minimumWindow = minimumWindow
        self.minimumLeadTime = minimumLeadTime
    }

    /// Checks that `task` is the task `trace` computes: the same program (base state hash), input commitment,
    /// model hash and S_0, with a step bound the trace fits in. Throws `.taskRejected` naming the mismatch.
    public func vet(_ task: TaskView, against trace: Trace) throws(DisputeError) {
        let spec = trace.spec
        guard task.requester != .zero else { throw .taskRejected("no such task") }
        let programHash = try spec.programHash()
        guard task.programHash == programHash else {
            throw .taskRejected("program hash \(task.programHash.hex) is not \(spec.name)'s base state \(programHash.hex)")
        }
        guard task.inputHash == spec.inputHash else {
            throw .taskRejected("input commitment \(task.inputHash.hex) is not \(spec.inputHash.hex)")
        }
        guard task.modelHash == spec.modelHash else {
            throw .taskRejected("model hash \(task.modelHash.hex) is not \(spec.modelHash.hex)")
        }
        guard task.initialStateHash == trace.initialStateHash else {
            throw .taskRejected("S_0 \(task.initialStateHash.hex) is not the recomputed \(trace.initialStateHash.hex)")
        }
        guard UInt256(trace.haltingStep) <= task.maxSteps else {
            throw .taskRejected("the run takes \(trace.haltingStep) steps, over the task's bound \(task.maxSteps)")
        }
    }

    /// Checks that the agent can meet the task's windows and the game's move timeout before it stakes.
    public func vetWindows(_ task: TaskView, moveTimeout: UInt256) throws(DisputeError) {
        guard task.revealWindow >= UInt256(minimumWindow) else {
            throw .taskRejected("reveal window of \(task.revealWindow) s is below the \(minimumWindow) s this agent needs")
        }
        guard moveTimeout >= UInt256(minimumWindow) else {
            throw .taskRejected("move timeout of \(moveTimeout) s is below the \(minimumWindow) s this agent needs")
        }
    }

    /// Whether `deadline` leaves at least the lead time from `now`.
    public func hasTime(until deadline: UInt256, now: UInt64) -> Bool {
        UInt256(now) &+ UInt256(minimumLeadTime) <= deadline && deadline >= UInt256(now)
    }
}

/// Remembers what an agent already reported, so that a task or game it skips is logged once, not every poll.
final class SkipLog: @unchecked Sendable {
    private var said: Set<String> = []

    /// Reports `line` through `narrate` the first time it is seen.
    func once(_ line: String, _ narrate: (@Sendable (String) -> Void)?) {
        if said.insert(line).inserted { narrate?(line) }
    }
}
