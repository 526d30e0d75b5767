import CLPrimitives

/// Snapshots of one run every `interval` steps, so that the state or the witness at any step N costs one
/// snapshot copy plus at most `interval` fast-mode steps and a single incremental root update, instead of
/// a re-execution from S0 (and never a hash per step).
///
/// Snapshots are deep copies kept in memory (pages are copied, 8 KiB per touched page); the dispute agent
/// creates one `TraceCheckpoints` per disputed run and queries it for each bisection midpoint.
public final class TraceCheckpoints {
    /// Steps between snapshots.
    public let interval: UInt64
    /// Snapshots at steps 0, interval, 2·interval, ... (up to the furthest step reached so far).
    private var snapshots: [FPVM]

    /// Starts from `initial` (copied; the argument is not modified).
    public init(initial: FPVM, interval: UInt64) {
        precondition(interval > 0, "checkpoint interval must be positive")
        self.interval = interval
        snapshots = [initial.snapshot()]
    }

    /// Number of snapshots held.
    public var count: Int { snapshots.count }

    /// A fresh VM at step `step` (or at the step where the run halted, if earlier).
    public func vm(at step: UInt64) throws(FPVMError) -> FPVM {
        // Extend the snapshot chain as far as needed.
        while let last = snapshots.last, !last.exited, last.step + interval <= step {
            let next = last.snapshot()
            next.capturesOutput = false
            try next.run(until: last.step + interval)
            snapshots.append(next)
        }
        let index = min(Int(step / interval), snapshots.count - 1)
        let vm = snapshots[index].snapshot()
        try vm.run(until: step)
        return vm
    }

    /// The state hash after `step` steps.
    public func stateHash(at step: UInt64) throws(FPVMError) -> Bytes32 {
        try vm(at: step).stateHash
    }

    /// The witness of the step whose pre-state is `S_step`.
    public func witness(at step: UInt64) throws(FPVMError) -> StepWitness {
        try vm(at: step).stepWithWitness()
    }
}
