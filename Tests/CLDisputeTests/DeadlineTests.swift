import CLDispute
import CLFPVM
import CLPrimitives
import Foundation
import Testing

@Suite("Dispute deadlines and access", .serialized)
struct DeadlineTests {
    /// A wrong result revealed and challenged; returns the scenario with game 1 waiting for the challenger.
    func openGame() async throws -> (Scenario, SubmitterAgent, ChallengerAgent) {
        let s = try await Scenario.start()
        let submitter = try s.submitter(.wrongOutput, account: 2)
        let challenger = s.challenger(.honest, account: 3)
        _ = try await submitter.poll(taskId: s.taskId, stake: s.bed.parameters.submitterStake)
        try await s.bed.advance(101)
        _ = try await submitter.poll(taskId: s.taskId, stake: s.bed.parameters.submitterStake)
        let gameId = try await s.bed.client(3).challenge(submissionId: 1, stake: s.bed.parameters.challengerStake)
        #expect(gameId == 1)
        #expect(try await s.bed.client(0).game(1).phase == .propose)
        return (s, submitter, challenger)
    }

    @Test func submitterThatStopsAnsweringLosesByTimeout() async throws {
        let (s, _, challenger) = try await openGame()
        _ = try await challenger.poll(taskId: s.taskId, stake: s.bed.parameters.challengerStake)
        #expect(try await s.bed.client(0).game(1).phase == .answer)
        // Too early: the deadline has not passed.
        await #expect(throws: DisputeError.self) { try await s.bed.client(3).timeout(gameId: 1) }
        try await s.bed.advance(601)
        _ = try await challenger.poll(taskId: s.taskId, stake: s.bed.parameters.challengerStake)
        let game = try await s.bed.client(0).game(1)
        #expect(game.phase == .over && game.winner == s.bed.account(3))
        #expect(try await s.bed.client(0).submission(1).defeated)
    }

    @Test func challengerThatStopsProposingLosesByTimeout() async throws {
        let (s, submitter, _) = try await openGame()
        try await s.bed.advance(601)
        _ = try await submitter.poll(taskId: s.taskId, stake: s.bed.parameters.submitterStake)
        let game = try await s.bed.client(0).game(1)
        #expect(game.phase == .over && game.winner == s.bed.account(2))
        #expect(try await s.credits(2) == UInt256(challengerStake - challengerStake / 2))
    }

    @Test func movesOutOfTurnLateOrByOutsidersRevert() async throws {
        let (s, _, _) = try await openGame()
        let hash = try Guests.helloTrace.stateHash(at: try await s.bed.client(0).game(1).midpoint.position("midpoint"))
        // Out of turn: the submitter cannot propose, nobody can answer yet, nothing to prove.
        await #expect(throws: DisputeError.self) { try await s.bed.client(2).propose(gameId: 1, stateHash: hash) }
        await #expect(throws: DisputeError.self) { try await s.bed.client(2).answer(gameId: 1, agree: true) }
        await #expect(throws: DisputeError.self) { try await s.bed.client(3).prove(gameId: 1, witness: [UInt8](repeating: 0, count: 2036)) }
        // Outsiders cannot move for a party.
        await #expect(throws: DisputeError.self) { try await s.bed.client(5).propose(gameId: 1, stateHash: hash) }
        // Outsiders cannot open or settle games, nor bind the market again.
        await #expect(throws: DisputeError.self) {
            try await s.bed.client(5).connection.send(s.bed.deployment.market, s.bed.contracts.market.function("settleGame"),
                                                      [.uint(UInt256(1)), .bool(true)])
        }
        await #expect(throws: DisputeError.self) {
            try await s.bed.client(5).connection.send(s.bed.deployment.game, s.bed.contracts.game.function("bindMarket"),
                                                      [.address(s.bed.account(5))])
        }
        try await s.bed.client(3).propose(gameId: 1, stateHash: hash)
        // The answer is the submitter's alone, and only before its deadline.
        await #expect(throws: DisputeError.self) { try await s.bed.client(3).answer(gameId: 1, agree: false) }
        try await s.bed.advance(601)
        await #expect(throws: DisputeError.self) { try await s.bed.client(2).answer(gameId: 1, agree: true) }
        // Late commits, reveals and challenges revert too.
        try await s.bed.advance(2000)
        await #expect(throws: DisputeError.self) {
            _ = try await s.bed.client(6).commit(taskId: s.taskId, commitment: .zero, stake: s.bed.parameters.submitterStake)
        }
        await #expect(throws: DisputeError.self) {
            _ = try await s.bed.client(6).challenge(submissionId: 1, stake: s.bed.parameters.challengerStake)
        }
    }

    @Test func commitmentMatchesTheContractsAbiEncoding() async throws {
        let bed = try await Testbed()
        let client = bed.client(0)
        for (task, steps) in [(UInt64(1), UInt64(2_423_184)), (77, 1), (1 << 40, 1 << 33)] {
            let hash = Keccak256.hash(UInt256(task).bytes32.bytes)
            let onChain = try await client.connection.call(bed.deployment.market, bed.contracts.market.function("commitmentOf"), [
                .uint(UInt256(task)), .fixedBytes(hash.bytes), .uint(UInt256(steps)), .address(bed.account(7)),
            ])
            #expect(onChain.first == .fixedBytes(MarketClient.commitment(taskId: task, finalStateHash: hash, steps: steps,
                                                                          submitter: bed.account(7)).bytes))
        }
    }

    @Test func wrongStakesAndEarlyRevealsRevert() async throws {
        let s = try await Scenario.start()
        let claim = try Claim(strategy: .honest, trace: Guests.helloTrace)
        let commitment = MarketClient.commitment(taskId: s.taskId, finalStateHash: claim.finalStateHash, steps: claim.steps,
                                                 submitter: s.bed.account(2))
        await #expect(throws: DisputeError.self) {
            _ = try await s.bed.client(2).commit(taskId: s.taskId, commitment: commitment, stake: UInt256(1))
        }
        let id = try await s.bed.client(2).commit(taskId: s.taskId, commitment: commitment, stake: s.bed.parameters.submitterStake)
        // Reveals wait for the commit window to close.
        await #expect(throws: DisputeError.self) {
            try await s.bed.client(2).reveal(submissionId: id, finalState: claim.finalState.encoded,
                                             outputProof: claim.outputProof.encoded, steps: claim.steps)
        }
        try await s.bed.advance(101)
        // A tampered output proof is rejected against the final memory root.
        var badProof = claim.outputProof.encoded
        badProof[0] ^= 1
        await #expect(throws: DisputeError.self) {
            try await s.bed.client(2).reveal(submissionId: id, finalState: claim.finalState.encoded, outputProof: badProof, steps: claim.steps)
        }
        try await s.bed.client(2).reveal(submissionId: id, finalState: claim.finalState.encoded,
                                         outputProof: claim.outputProof.encoded, steps: claim.steps)
        let submission = try await s.bed.client(0).submission(id)
        #expect(submission.revealed && submission.finalStateHash == Guests.helloTrace.finalStateHash)
        #expect(submission.output == Guests.helloTrace.output)
        // A challenger must post exactly the challenger stake, and cannot challenge its own result.
        await #expect(throws: DisputeError.self) { _ = try await s.bed.client(3).challenge(submissionId: id, stake: UInt256(5)) }
        await #expect(throws: DisputeError.self) {
            _ = try await s.bed.client(2).challenge(submissionId: id, stake: s.bed.parameters.challengerStake)
        }
        // Finalizing before the challenge deadline reverts.
        await #expect(throws: DisputeError.self) { try await s.bed.client(0).finalize(taskId: s.taskId) }
    }
}
