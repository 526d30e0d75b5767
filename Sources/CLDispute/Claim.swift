import CLFPVM
import CLPrimitives

/// How a submitter behaves (the honest one and the dishonest strategies the protocol must defeat).
public enum SubmitterStrategy: Sendable, Equatable, CustomStringConvertible {
    /// Posts the true final state and answers every midpoint truthfully.
    case honest
    /// Runs the task but posts a final state whose output leaf was replaced.
    case wrongOutput
    /// Runs nothing: posts a made-up halted state over random memory and answers with noise.
    case noise
    /// Its trace goes wrong at this step (a register flipped) and stays wrong to the end.
    case wrongStateFrom(UInt64)
    /// Copies another submitter's commitment and, later, its revealed result.
    case copycat
    /// Follows the honest trace up to this step, then claims a made-up valid final state there (an attacker
    /// that agrees with every honest midpoint before the step it lies about).
    case fabricatedFrom(UInt64)

    /// The strategy's name.
    public var description: String {
        switch self {
        case .honest: "honest"
        case .wrongOutput: "wrong output"
        case .noise: "random noise"
        case .wrongStateFrom(let step): "wrong state from step \(step)"
        case .copycat: "copycat"
        case .fabricatedFrom(let step): "made-up final state from step \(step)"
        }
    }
}

/// The result a submitter claims and the trace it answers bisection questions from.
public final class Claim: @unchecked Sendable {
    /// The strategy behind it.
    public let strategy: SubmitterStrategy
    /// The honest trace (nil for a submitter that computes nothing).
    public let trace: Trace?
    /// The claimed final state.
    public let finalState: VMState
    /// The output leaf's proof against the claimed final memory root.
    public let outputProof: MemoryProof
    /// The number of steps bisected over.
    public let steps: UInt64
    private let corruptFrom: UInt64

    /// The claim `strategy` makes about the task behind `trace` (copycats claim nothing of their own).
    public init(strategy: SubmitterStrategy, trace: Trace?, seed: Bytes32 = .zero) throws(DisputeError) {
        self.strategy = strategy
        self.trace = trace
        switch strategy {
        case .honest, .copycat:
            guard let trace else { throw .protocolViolation("\(strategy) claim needs the trace") }
            guard trace.validResult else {
                throw .taskRejected("\(trace.spec.name): the run ends without a valid result (halted \(trace.halted), fault \(trace.finalState.fault), exit \(trace.finalState.exitCode))")
            }
            finalState = trace.finalState
            outputProof = trace.outputProof
            steps = trace.haltingStep
            corruptFrom = .max
        case .wrongOutput:
            guard let trace else { throw .protocolViolation("wrong-output claim needs the trace") }
            let vm = try trace.vm(at: trace.haltingStep)
            var output = vm.memory.read(MemoryMap.outputBase, count: 32)
            output[0] ^= 0xFF
            vm.memory.write(MemoryMap.outputBase, output)
            finalState = vm.state
            outputProof = vm.memory.proof(MemoryMap.outputBase)
            steps = trace.haltingStep
            corruptFrom = trace.haltingStep
        case .noise:
            let leaf = Keccak256.hash(seed.bytes + Array("noise".utf8))
            outputProof = MemoryProof(leaf: leaf, siblings: Array(zeroHashes[0..<MemoryLayout32.treeDepth]))
            steps = trace?.haltingStep ?? 1 << 20
            finalState = VMState(memRoot: outputProof.root(leafIndex: MemoryMap.outputBase >> 5), pc: 0x1_0000,
                                 exitCode: 0, exited: true, fault: 0, step: steps,
                                 registers: [UInt32](repeating: 0, count: 32))
            corruptFrom = 0
        case .fabricatedFrom(let step):
            guard let trace else { throw .protocolViolation("made-up claim needs the trace") }
            let leaf = Keccak256.hash(seed.bytes + Array("fabricated".utf8))
            outputProof = MemoryProof(leaf: leaf, siblings: Array(zeroHashes[0..<MemoryLayout32.treeDepth]))
            corruptFrom = max(1, step)
            steps = max(corruptFrom, trace.haltingStep)
            finalState = VMState(memRoot: outputProof.root(leafIndex: MemoryMap.outputBase >> 5), pc: 0x1_0000,
                                 exitCode: 0, exited: true, fault: 0, step: corruptFrom,
                                 registers: [UInt32](repeating: 0, count: 32))
        case .wrongStateFrom(let step):
            guard let trace else { throw .protocolViolation("wrong-state claim needs the trace") }
            corruptFrom = max(1, min(step, trace.haltingStep))
            finalState = Claim.corrupted(trace.finalState)
            outputProof = trace.outputProof
            steps = trace.haltingStep
        }
    }

    /// The claimed final state hash.
    public var finalStateHash: Bytes32 { finalState.hash }

    /// The claimed output leaf.
    public var output: Bytes32 { outputProof.leaf }

    /// The state hash this claim implies at `step` (what the submitter answers midpoints with).
    public func stateHash(at step: UInt64) throws(DisputeError) -> Bytes32 {
        if step >= steps { return finalStateHash }
        if step == 0, let trace { return trace.initialStateHash }
        switch strategy {
        case .noise:
            return Keccak256.hash(finalStateHash.bytes + UInt256(step).bytes32.bytes)
        case .fabricatedFrom:
            guard let trace else { return .zero }
            return step < corruptFrom ? try trace.stateHash(at: step) : finalStateHash
        case .wrongStateFrom:
            guard let trace else { return .zero }
            if step < corruptFrom { return try trace.stateHash(at: step) }
            return Claim.corrupted(try trace.vm(at: step).state).hash
        default:
            guard let trace else { return .zero }
            return try trace.stateHash(at: step)
        }
    }

    static func corrupted(_ state: VMState) -> VMState {
        var wrong = state
        wrong.registers[31] ^= 1
        return wrong
    }
}
