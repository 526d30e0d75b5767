import CLFPVM
import CLML
import CLPrimitives

/// How a submitter of a two-phase task behaves.
public enum GraphSubmitterStrategy: Sendable, Equatable, CustomStringConvertible {
    /// Posts the true S_N and answers both phases truthfully.
    case honest
    /// Its node at position `k` (1 … N) outputs a wrong tensor: the output key in slot `I + k − 1` is wrong, so
    /// S_k … S_N are wrong; at a transition it backs a wrong state with a made-up phase-2 final state.
    case wrongNode(UInt64)

    /// The strategy's name.
    public var description: String {
        switch self {
        case .honest: "honest"
        case .wrongNode(let k): "wrong output at node \(k)"
        }
    }
}

/// The result a submitter claims for a two-phase task: its graph states (each a real record, so that the final
/// one can be revealed), and, at a position it must back, its phase-2 claim: the honest node run where its
/// state is the honest one, else the honest run with its own state forged into the output field.
public final class GraphClaim: ResultClaim, @unchecked Sendable {
    /// What it is computed from.
    public let dispute: GraphDispute
    /// Its strategy.
    public let strategy: GraphSubmitterStrategy
    private let wrongSlot: Int?
    private let wrongFrom: UInt64

    /// The claim `strategy` makes about `dispute`.
    public init(strategy: GraphSubmitterStrategy, dispute: GraphDispute) throws(DisputeError) {
        self.dispute = dispute
        self.strategy = strategy
        switch strategy {
        case .honest:
            wrongSlot = nil
            wrongFrom = .max
        case .wrongNode(let k):
            guard k >= 1, k <= dispute.nodeCount else { throw .protocolViolation("no node at position \(k)") }
            wrongSlot = dispute.graph.inputKeys.count + Int(k) - 1
            wrongFrom = k
        }
    }

    /// The value leaves it claims after `i` nodes.
    func leaves(after i: UInt64) -> [Bytes32] {
        var leaves = dispute.graph.valueLeaves(after: Int(min(i, dispute.nodeCount)))
        if let wrongSlot, i >= wrongFrom { leaves[wrongSlot] = Keccak256.hash(leaves[wrongSlot].bytes + Array("wrong".utf8)) }
        return leaves
    }

    /// Its S_i.
    func root(after i: UInt64) -> Bytes32 {
        guard i >= wrongFrom else { return dispute.graph.root(after: Int(min(i, dispute.nodeCount))) }
        return GraphState.stateRoot(index: Int(min(i, dispute.nodeCount)), model: dispute.graph.modelCommitment.commitment,
                                    values: GraphTree(leaves: leaves(after: i)).root)
    }

    /// Two phases.
    public var phaseCount: Int { 2 }

    /// The strategy's name.
    public var strategyName: String { strategy.description }
    /// Never a copycat.
    public var isCopycat: Bool { false }
    /// Its S_N.
    public var finalStateHash: Bytes32 { root(after: dispute.nodeCount) }
    /// N.
    public var steps: UInt64 { dispute.nodeCount }

    /// Phase 1: its S_i; phase 2 at position `k`: the node run's states, with the forged final state where its S_k
    /// is not the honest one.
    public func stateHash(path: [UInt64], at step: UInt64) throws(DisputeError) -> Bytes32 {
        guard let k = path.first else { return root(after: step) }
        guard path.count == 1 else { throw .protocolViolation("a two-phase task has no third phase") }
        let trace = try dispute.nodeTrace(position: k)
        guard let claim = try lowerClaim(path: path, asserted: root(after: k)), step >= claim.steps else {
            return try trace.stateHash(at: step)
        }
        return claim.claimHash
    }

    /// The node trace of the position.
    public func stepTrace(path: [UInt64]) throws(DisputeError) -> Trace? { try dispute.stepTrace(path: path) }

    /// Its phase-2 claim backing its own S_k: honest where S_k is, forged otherwise.
    public func lowerClaim(path: [UInt64], asserted: Bytes32) throws(DisputeError) -> LowerClaim? {
        guard let k = path.first else { return nil }
        let own = root(after: k)
        if own == dispute.graph.root(after: Int(min(k, dispute.nodeCount))) { return try dispute.lowerClaim(path: path, asserted: own) }
        return try dispute.forgedLowerClaim(path: path, asserted: own)
    }

    /// A forged claim backing `asserted`.
    public func forgedLowerClaim(path: [UInt64], asserted: Bytes32) throws(DisputeError) -> LowerClaim? {
        try dispute.forgedLowerClaim(path: path, asserted: asserted)
    }

    /// The honest party's checks (a dishonest submitter still stakes only on the task it computed).
    public func vet(_ task: TaskView, taskId: UInt64, client: MarketClient, policy: AgentPolicy) async throws(DisputeError) {
        try await dispute.vet(task, taskId: taskId, client: client, policy: policy)
    }

    /// `revealGraph`: the record of its S_N, the last node's output key and that slot's path in its T_N.
    public func reveal(client: MarketClient, submissionId: UInt64) async throws(DisputeError) {
        let n = dispute.nodeCount
        let tree = GraphTree(leaves: leaves(after: n))
        let slot = dispute.graph.inputKeys.count + Int(n) - 1
        let record = GraphState.record(index: Int(n), model: dispute.graph.modelCommitment.commitment, values: tree.root)
        try await client.revealGraph(submissionId: submissionId, record: record, outputKey: tree.leaf(slot),
                                     outputPath: tree.siblings(slot))
    }
}
