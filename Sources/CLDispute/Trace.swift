import CLFPVM
import CLPrimitives

/// The honest FPVM trace of a task, with checkpoints so that the state at any step is recomputed by
/// running from the nearest earlier checkpoint (bisection asks for ⌈log2 n⌉ states, each costing at
/// most one checkpoint interval). Beyond the halting step the trace stays at the final state. A run that does
/// not halt within the step limit (a task's `maxSteps`) is kept up to the limit, where its last state is
/// unfinished: positions past the limit are outside every game the market allows.
public final class Trace: @unchecked Sendable {
    /// The task.
    public let spec: TaskSpec
    /// The halting step N (S_N is final), or the step limit when the run did not halt.
    public private(set) var haltingStep: UInt64 = 0
    /// Whether the VM halted within the step limit.
    public private(set) var halted = false
    /// Hash of S_0.
    public let initialStateHash: Bytes32
    /// The final state S_N.
    public private(set) var finalState: VMState
    /// The final state's hash.
    public private(set) var finalStateHash: Bytes32 = .zero
    /// Memory proof of the output leaf (0x7000_0000) against the final memory root.
    public private(set) var outputProof: MemoryProof
    /// What the guest wrote to standard output.
    public private(set) var standardOutput: [UInt8] = []
    private var checkpoints: [(step: UInt64, vm: FPVM)] = []
    private var hashes: [UInt64: Bytes32] = [:]
    /// The VM of the last state asked for (the trace's own, never handed out): bisection asks for states that
    /// close in on one step, so the next one is usually just after it and runs on from here.
    private var lastAsked: (step: UInt64, vm: FPVM)?
    private let maxCheckpoints = 64

    /// Runs the task to its end or to `stepLimit`. `progress` is called with the step count as the run advances.
    public init(spec: TaskSpec, stepLimit: UInt64 = 1 << 34, progress: ((UInt64) -> Void)? = nil) throws(DisputeError) {
        self.spec = spec
        let vm = try spec.makeVM()
        initialStateHash = vm.stateHash
        finalState = vm.state
        outputProof = MemoryProof.empty
        var interval: UInt64 = 1 << 15
        checkpoints = [(0, vm.snapshot())]
        while !vm.exited && vm.step < stepLimit {
            do { try vm.run(until: min(vm.step + interval, stepLimit)) } catch { throw .execution("\(spec.name): \(error)") }
            progress?(vm.step)
            if vm.exited { break }
            checkpoints.append((vm.step, vm.snapshot()))
            if checkpoints.count > maxCheckpoints {
                // Keep every other checkpoint and double the spacing.
                checkpoints = checkpoints.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
                interval *= 2
            }
        }
        halted = vm.exited
        haltingStep = vm.step
        finalState = vm.state
        finalStateHash = finalState.hash
        outputProof = vm.memory.proof(MemoryMap.outputBase)
        standardOutput = vm.standardOutput
        hashes[0] = initialStateHash
    }

    /// Whether the run ended in a state the market accepts as a result: halted, no fault, exit code 0.
    public var validResult: Bool { halted && finalState.fault == 0 && finalState.exitCode == 0 }

    /// The output leaf (the guest's 32-byte result commitment).
    public var output: Bytes32 { outputProof.leaf }

    /// The VM at `step` (a fresh copy the caller may run on).
    public func vm(at step: UInt64) throws(DisputeError) -> FPVM {
        try positioned(at: step).snapshot()
    }

    /// The trace's own VM at `step`: the last state asked for, run forward in place when `step` lies after it and
    /// before the next checkpoint (bisection closes in on one step, so most questions are answered this way),
    /// else a copy of the nearest earlier checkpoint run forward. Callers only read it.
    private func positioned(at step: UInt64) throws(DisputeError) -> FPVM {
        let target = min(step, haltingStep)
        var base = checkpoints[0]
        for checkpoint in checkpoints where checkpoint.step <= target { base = checkpoint }
        let vm: FPVM
        if let last = lastAsked, last.step <= target, last.step >= base.step {
            vm = last.vm
        } else {
            vm = base.vm.snapshot()
        }
        do { try vm.run(until: target) } catch { throw .execution("\(spec.name): \(error)") }
        lastAsked = (target, vm)
        return vm
    }

    /// The hash of S_step.
    public func stateHash(at step: UInt64) throws(DisputeError) -> Bytes32 {
        if step > haltingStep && !halted { throw .execution("\(spec.name): step \(step) is past the step limit \(haltingStep)") }
        if step >= haltingStep { return finalStateHash }
        if let known = hashes[step] { return known }
        let hash = try positioned(at: step).stateHash
        hashes[step] = hash
        return hash
    }

    /// The step witness of S_step → S_step+1, and the preimage the PreimageOracle must have proven for it
    /// (its key, its offset in the stream and the data), whenever that step consults the oracle for a part the
    /// oracle can hold (zero-length parts at the end of a stream included).
    public func witness(at step: UInt64) throws(DisputeError) -> (witness: [UInt8], preimagePart: PreimageToLoad?) {
        let vm = try vm(at: step)
        let witness: StepWitness
        do { witness = try vm.stepWithWitness() } catch { throw .execution("\(spec.name): \(error)") }
        var part: PreimageToLoad?
        // Every read that consults the oracle needs its part on-chain, a zero-length one at the end of a stream
        // included; a part the oracle can never hold (fault 7) needs none.
        if witness.needsProvenPart, let data = vm.oracle.preimage(witness.state.preimageKey) {
            part = PreimageToLoad(key: witness.state.preimageKey, offset: witness.state.preimageOffset, data: data)
        }
        return (witness.encoded, part)
    }
}

/// A preimage part a one-step proof needs on-chain: `loadKeccak256PreimagePart(offset, data)` proves it.
public struct PreimageToLoad: Sendable, Equatable {
    /// keccak256(data).
    public var key: Bytes32
    /// The part's offset in the stream.
    public var offset: UInt32
    /// The whole preimage.
    public var data: [UInt8]
}
