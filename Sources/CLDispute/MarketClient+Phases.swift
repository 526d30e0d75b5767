import CLABI
import CLPrimitives

/// A two-phase task's second phase as the TaskMarket stores it (`graphPhase(taskId)`); `verifier` is zero for a
/// one-phase task.
public typealias GraphPhaseView = TaskMarket.GraphPhaseResultValue0

/// What the party asserting `S_k` posts when phase 1 narrows to position `k` (`DisputeGame.transition`).
public struct LowerClaim: Sendable, Equatable {
    /// Phase 2's start state hash (checked by the task's phase-transition verifier).
    public var startHash: Bytes32
    /// The claimed final FPVM state hash.
    public var claimHash: Bytes32
    /// The phase-2 trace length.
    public var steps: UInt64
    /// The claimant's part of the transition proof (empty for the ZK stub, whose proof is the program hash the
    /// game supplies itself).
    public var proof: [UInt8]
    /// The final state and its output proof (`PhaseClaimProof`).
    public var claimProof: [UInt8]
}

extension MarketClient {
    // MARK: - Two-phase tasks

    /// Posts a two-phase task over a graph of `nodeCount` nodes (docs/PROTOCOL.md, "Multi-phase game"); the market
    /// computes S_0 from the model commitment and the input keys. Returns the task id.
    public func requestGraph(nodeProgram: Bytes32, verifier: Address, modelCommitment: Bytes32, inputKeys: [Bytes32],
                             nodeCount: UInt64, maxNodeSteps: UInt64, fee: UInt256, commitWindow: UInt64,
                             revealWindow: UInt64, challengePeriod: UInt64) async throws(DisputeError) -> UInt64 {
        let receipt = try await connection.send(deployment.market, contracts.market.function("requestGraph"), [
            .fixedBytes(nodeProgram.bytes), .address(verifier), .fixedBytes(modelCommitment.bytes),
            .array(inputKeys.map { .fixedBytes($0.bytes) }), .uint(UInt256(nodeCount)), .uint(UInt256(maxNodeSteps)),
            .uint(UInt256(commitWindow)), .uint(UInt256(revealWindow)), .uint(UInt256(challengePeriod)),
        ], value: fee)
        return try Self.indexedTopic(receipt, event: "TaskRequested", in: contracts.market, emitter: deployment.market)
    }

    /// Reveals a graph task's result: the final graph-state record, the last node's output key and its path.
    public func revealGraph(submissionId: UInt64, record: [UInt8], outputKey: Bytes32, outputPath: [Bytes32]) async throws(DisputeError) {
        try await connection.send(deployment.market, contracts.market.function("revealGraph"), [
            .uint(UInt256(submissionId)), .bytes(record), .fixedBytes(outputKey.bytes),
            .array(outputPath.map { .fixedBytes($0.bytes) }),
        ])
    }

    /// A task's second phase (verifier zero for a one-phase task).
    public func graphPhase(_ taskId: UInt64) async throws(DisputeError) -> GraphPhaseView {
        let raw = try await connection.callReturningBytes(deployment.market, contracts.market.function("graphPhase"),
                                                          [.uint(UInt256(taskId))])
        do { return try TaskMarket.decodeGraphPhaseResult(raw) } catch { throw .decoding("graphPhase(\(taskId)): \(error)") }
    }

    // MARK: - Phase stack

    /// The claimant's move at a transition.
    public func transition(gameId: UInt64, claim: LowerClaim) async throws(DisputeError) {
        try await connection.send(deployment.game, contracts.game.function("transition"), [
            .uint(UInt256(gameId)), .fixedBytes(claim.startHash.bytes), .fixedBytes(claim.claimHash.bytes),
            .uint(UInt256(claim.steps)), .bytes(claim.proof), .bytes(claim.claimProof),
        ])
    }

    /// The positions the finished phases of a game narrowed to (empty while the first phase runs).
    public func positions(_ gameId: UInt64) async throws(DisputeError) -> [UInt64] {
        let raw = try await connection.callReturningBytes(deployment.game, contracts.game.function("positionsOf"),
                                                          [.uint(UInt256(gameId))])
        let values: [UInt256]
        do { values = try DisputeGame.decodePositionsOfResult(raw) } catch { throw .decoding("positionsOf(\(gameId)): \(error)") }
        var out: [UInt64] = []
        for value in values { out.append(try value.position("game \(gameId) position")) }
        return out
    }

    /// Bisection rounds answered in phase `level` of a game.
    public func phaseRounds(_ gameId: UInt64, level: UInt64) async throws(DisputeError) -> UInt64 {
        let out = try await connection.call(deployment.game, contracts.game.function("phaseRounds"),
                                            [.uint(UInt256(gameId)), .uint(UInt256(level))])
        return try Self.uint(out.first ?? .bool(false)).position("phase rounds")
    }
}
