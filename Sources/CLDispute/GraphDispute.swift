import CLFPVM
import CLML
import CLPrimitives
import Foundation

/// A two-phase task as an honest party computes it (docs/PROTOCOL.md, "Multi-phase game"): phase 1 from the
/// native graph trace (`GraphTrace`, no FPVM), and, only for the one position `k` a game narrows to, phase 2
/// from the FPVM trace of the ML guest in node mode on `(S_{k-1}, k)`. It keeps nothing beyond the graph trace
/// and the node traces it was asked for, so every answer is recomputed from the chain's game state.
public final class GraphDispute: GameAnswers, @unchecked Sendable {
    /// A label for logs.
    public let name: String
    /// The native phase-1 trace.
    public let graph: GraphTrace
    /// The node-mode program (the ML guest ELF).
    public let nodeProgram: [UInt8]
    /// Its program hash (the FPVM hash of its base state).
    public let nodeProgramHash: Bytes32
    /// The phase-transition verifier this party accepts a task naming.
    public var trustedVerifier: Address
    /// The phase-2 step bound a task must allow at least: an honest claimant must fit its node's trace in it.
    public var minimumNodeSteps: UInt64 = 1 << 32
    private var nodeTraces: [UInt64: Trace] = [:]
    private let lock = NSLock()

    /// The dispute of `graph`, whose positions are re-run by `nodeProgram`; tasks must name `verifier`.
    public init(name: String, graph: GraphTrace, nodeProgram: [UInt8], verifier: Address) throws(DisputeError) {
        self.name = name
        self.graph = graph
        self.nodeProgram = nodeProgram
        trustedVerifier = verifier
        nodeProgramHash = try Self.nodeProgramHash(of: nodeProgram)
    }

    /// The program hash a two-phase task names: the node-mode program's base state (its input field empty).
    public static func nodeProgramHash(of nodeProgram: [UInt8]) throws(DisputeError) -> Bytes32 {
        try TaskSpec(name: "node program", program: nodeProgram, input: [UInt8](repeating: 0, count: 32)).programHash()
    }

    /// Two phases.
    public var phaseCount: Int { 2 }

    /// N, the number of graph nodes (phase-1 positions 1 … N).
    public var nodeCount: UInt64 { UInt64(graph.model.nodes.count) }

    /// The value tree root of S_0 (the task's input commitment).
    public var initialValues: Bytes32 { GraphTree(leaves: graph.valueLeaves(after: 0)).root }

    /// The FPVM task of position `k`: the ML guest with the node task's key as its input, every preimage an
    /// honest host holds for it.
    public func nodeSpec(position k: UInt64) throws(DisputeError) -> TaskSpec {
        guard k >= 1, k <= nodeCount else { throw .protocolViolation("\(name): position \(k) is outside 1 … \(nodeCount)") }
        let position = Int(k)
        return TaskSpec(name: "\(name) node \(k)", program: nodeProgram,
                        input: NodeModeRunner.inputKey(trace: graph, position: position).bytes,
                        preimages: NodeModeRunner.preimages(trace: graph, position: position))
    }

    /// The phase-2 trace of position `k` (computed once).
    public func nodeTrace(position k: UInt64) throws(DisputeError) -> Trace {
        lock.lock()
        defer { lock.unlock() }
        if let known = nodeTraces[k] { return known }
        let trace = try Trace(spec: try nodeSpec(position: k))
        nodeTraces[k] = trace
        return trace
    }

    /// Node traces computed so far (what this party had to run in the FPVM).
    public var nodeTracesComputed: Int {
        lock.lock()
        defer { lock.unlock() }
        return nodeTraces.count
    }

    /// S_i (i past N reads as S_N).
    public func stateHash(path: [UInt64], at step: UInt64) throws(DisputeError) -> Bytes32 {
        switch path.count {
        case 0: return graph.root(after: Int(min(step, nodeCount)))
        case 1: return try nodeTrace(position: path[0]).stateHash(at: step)
        default: throw .protocolViolation("\(name): a two-phase task has no third phase")
        }
    }

    /// The node trace of position `path[0]`.
    public func stepTrace(path: [UInt64]) throws(DisputeError) -> Trace? {
        guard path.count == 1 else { throw .protocolViolation("\(name): one-step proofs are in phase 2 only") }
        return try nodeTrace(position: path[0])
    }

    /// The honest phase-2 claim of position `path[0]`.
    public func lowerClaim(path: [UInt64], asserted: Bytes32) throws(DisputeError) -> LowerClaim? {
        guard path.count == 1 else { throw .protocolViolation("\(name): transitions lead from phase 1 only") }
        let trace = try nodeTrace(position: path[0])
        guard trace.validResult else { throw .execution("\(name): node \(path[0]) does not exit validly in the FPVM") }
        return LowerClaim(startHash: trace.initialStateHash, claimHash: trace.finalStateHash, steps: trace.haltingStep,
                          proof: [], claimProof: PhaseClaimProof.encode(state: trace.finalState, outputProof: trace.outputProof))
    }

    /// The honest node run's final state with `asserted` written into its output field.
    public func forgedLowerClaim(path: [UInt64], asserted: Bytes32) throws(DisputeError) -> LowerClaim? {
        guard path.count == 1 else { return nil }
        let (state, proof, trace) = try forgedFinal(position: path[0], output: asserted)
        return LowerClaim(startHash: trace.initialStateHash, claimHash: state.hash, steps: trace.haltingStep, proof: [],
                          claimProof: PhaseClaimProof.encode(state: state, outputProof: proof))
    }

    /// The final state of position `k`'s honest run with its output field replaced by `output`.
    func forgedFinal(position k: UInt64, output: Bytes32) throws(DisputeError) -> (VMState, MemoryProof, Trace) {
        let trace = try nodeTrace(position: k)
        let vm = try trace.vm(at: trace.haltingStep)
        vm.memory.write(MemoryMap.outputBase, output.bytes)
        return (vm.state, vm.memory.proof(MemoryMap.outputBase), trace)
    }

    /// Checks the task is this graph's two-phase task: the node program, the model commitment M, the input
    /// values T_0, S_0, N positions, the trusted verifier and a phase-2 bound of at least `minimumNodeSteps`.
    public func vet(_ task: TaskView, taskId: UInt64, client: MarketClient, policy: AgentPolicy) async throws(DisputeError) {
        guard task.requester != .zero else { throw .taskRejected("no such task") }
        guard task.programHash == nodeProgramHash else {
            throw .taskRejected("program hash \(task.programHash.hex) is not the node-mode program \(nodeProgramHash.hex)")
        }
        guard task.modelHash == graph.modelCommitment.commitment else {
            throw .taskRejected("model commitment \(task.modelHash.hex) is not \(graph.modelCommitment.commitment.hex)")
        }
        guard task.inputHash == initialValues else { throw .taskRejected("input values \(task.inputHash.hex) are not \(initialValues.hex)") }
        guard task.initialStateHash == graph.initialRoot else {
            throw .taskRejected("S_0 \(task.initialStateHash.hex) is not the recomputed \(graph.initialRoot.hex)")
        }
        guard task.maxSteps == UInt256(nodeCount) else { throw .taskRejected("the task has \(task.maxSteps) positions, the graph \(nodeCount) nodes") }
        let phase = try await client.graphPhase(taskId)
        guard phase.verifier != .zero else { throw .taskRejected("a one-phase task, not a graph task") }
        guard phase.verifier == trustedVerifier else {
            throw .taskRejected("transition verifier \(phase.verifier.hex) is not the trusted \(trustedVerifier.hex)")
        }
        guard phase.maxNodeSteps >= UInt256(minimumNodeSteps) else {
            throw .taskRejected("phase-2 bound \(phase.maxNodeSteps) is below the \(minimumNodeSteps) steps this party requires")
        }
        guard phase.inputCount == UInt256(UInt64(graph.inputKeys.count)) else { throw .taskRejected("graph input count \(phase.inputCount)") }
    }

    /// Posts this graph as a two-phase task (the node program must be registered; `registerProgram` does it).
    public func request(client: MarketClient, maxNodeSteps: UInt64, fee: UInt256, commitWindow: UInt64, revealWindow: UInt64,
                        challengePeriod: UInt64) async throws(DisputeError) -> UInt64 {
        try await client.registerProgram(try nodeSpec(position: 1))
        return try await client.requestGraph(nodeProgram: nodeProgramHash, verifier: trustedVerifier,
                                             modelCommitment: graph.modelCommitment.commitment, inputKeys: graph.inputKeys,
                                             nodeCount: nodeCount, maxNodeSteps: maxNodeSteps, fee: fee, commitWindow: commitWindow,
                                             revealWindow: revealWindow, challengePeriod: challengePeriod)
    }
}
