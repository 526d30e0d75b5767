import CLDispute
import CLFPVM
import CLPrimitives
import Foundation
import Testing

/// Stakes of the test deployment (MarketParameters defaults: 1 ether each).
let submitterStake: UInt64 = 1_000_000_000_000_000_000
let challengerStake: UInt64 = 1_000_000_000_000_000_000
let fee: UInt64 = 500_000_000_000_000_000

/// A prepared task: testbed, task id, agents' clients.
struct Scenario {
    let bed: Testbed
    let taskId: UInt64

    static func start() async throws -> Scenario {
        let bed = try await Testbed()
        let taskId = try await bed.request(Guests.hello, trace: Guests.helloTrace)
        return Scenario(bed: bed, taskId: taskId)
    }

    func submitter(_ strategy: SubmitterStrategy, account: Int, copying: Claim? = nil) throws -> SubmitterAgent {
        let claim = try Claim(strategy: strategy, trace: Guests.helloTrace, seed: Keccak256.hash([UInt8(account)]))
        let agent = SubmitterAgent(name: "submitter\(account)", client: bed.client(account), claim: claim, copying: copying)
        agent.withdraws = false
        return agent
    }

    func challenger(_ strategy: ChallengerStrategy, account: Int) -> ChallengerAgent {
        let agent = ChallengerAgent(name: "challenger\(account)", client: bed.client(account), trace: Guests.helloTrace, strategy: strategy)
        agent.withdraws = false
        return agent
    }

    func drive(_ submitters: [SubmitterAgent], _ challengers: [ChallengerAgent]) async throws {
        let driver = TaskDriver(submitters: submitters, challengers: challengers, observer: bed.client(0), parameters: bed.parameters)
        try await driver.run(taskId: taskId, maxPasses: 500)
    }

    func credits(_ account: Int) async throws -> UInt256 { try await bed.client(0).credits(of: bed.account(account)) }
}

@Suite("Dispute protocol on the dev chain", .serialized)
struct DisputeGameTests {
    @Test func honestResultIsFinalAfterThePeriodWithFeePaidAndStakeReturned() async throws {
        let s = try await Scenario.start()
        let submitter = try s.submitter(.honest, account: 2)
        try await s.drive([submitter], [s.challenger(.honest, account: 3)])
        let task = try await s.bed.client(0).task(s.taskId)
        #expect(task.finalized)
        #expect(task.output == Guests.helloTrace.output)
        let result = try await s.bed.client(0).result(of: s.taskId)
        #expect(result.final && result.output == Guests.helloTrace.output)
        #expect(try await s.credits(2) == UInt256(submitterStake) + UInt256(fee))
        #expect(try await s.credits(3) == .zero)
        #expect(try await s.bed.client(0).gameCount() == 0)
        // Withdrawing pays the credit out in ether.
        let before = try await s.bed.client(0).connection.balance(of: s.bed.account(2))
        try await s.bed.client(2).withdraw()
        let after = try await s.bed.client(0).connection.balance(of: s.bed.account(2))
        #expect(after > before)
        #expect(try await s.credits(2) == .zero)
    }

    @Test(arguments: [SubmitterStrategy.wrongOutput, .noise, .wrongStateFrom(1), .wrongStateFrom(777), .wrongStateFrom(1 << 40)])
    func dishonestSubmitterLosesToOneHonestChallenger(_ strategy: SubmitterStrategy) async throws {
        let s = try await Scenario.start()
        let submitter = try s.submitter(strategy, account: 2)
        #expect(submitter.claim!.finalStateHash != Guests.helloTrace.finalStateHash)
        try await s.drive([submitter], [s.challenger(.honest, account: 3)])
        let client = s.bed.client(0)
        let submission = try await client.submission(1)
        #expect(submission.defeated)
        let game = try await client.game(1)
        #expect(game.phase == .over && game.winner == s.bed.account(3))
        // Documented split: the challenger gets its stake back plus half the submitter's; half is burned.
        #expect(try await s.credits(3) == UInt256(challengerStake + submitterStake - submitterStake / 2))
        #expect(try await s.credits(2) == .zero)
        #expect(try await client.burned() == UInt256(submitterStake / 2))
        // No result is final; the fee goes back to the requester.
        let task = try await client.task(s.taskId)
        #expect(task.finalized && task.acceptedSubmission == 0)
        #expect(try await s.credits(1) == UInt256(fee))
        #expect(try await !client.result(of: s.taskId).final)
        // The game took at most ⌈log2 n⌉ + 1 rounds.
        let rounds = try await client.rounds(1)
        var bound: UInt64 = 1
        while UInt256(UInt64(1) << (bound - 1)) < submission.steps { bound += 1 }
        #expect(rounds <= bound)
    }

    @Test func copycatCannotRevealACopiedCommitmentAndLosesItsStake() async throws {
        let s = try await Scenario.start()
        let honest = try s.submitter(.honest, account: 2)
        let copycat = try s.submitter(.copycat, account: 4, copying: honest.claim!)
        try await s.drive([honest, copycat], [s.challenger(.honest, account: 3)])
        let client = s.bed.client(0)
        let copied = try await client.submission(2)
        #expect(copied.submitter == s.bed.account(4))
        #expect(copied.commitment == (try await client.submission(1)).commitment)
        #expect(!copied.revealed)
        let task = try await client.task(s.taskId)
        #expect(task.acceptedSubmission == 1)
        #expect(try await s.credits(2) == UInt256(submitterStake) + UInt256(fee))
        #expect(try await s.credits(4) == .zero)
        #expect(try await client.burned() == UInt256(submitterStake))
        // Revealing the copied bytes directly also fails: the commitment names the original sender.
        await #expect(throws: DisputeError.self) {
            try await s.bed.client(4).reveal(submissionId: 2, finalState: honest.claim!.finalState.encoded,
                                             outputProof: honest.claim!.outputProof.encoded, steps: honest.claim!.steps)
        }
    }

    @Test func dishonestChallengerLosesAgainstAnHonestSubmitter() async throws {
        let s = try await Scenario.start()
        try await s.drive([try s.submitter(.honest, account: 2)], [s.challenger(.lying, account: 3)])
        let client = s.bed.client(0)
        let game = try await client.game(1)
        #expect(game.phase == .over && game.winner == s.bed.account(2))
        #expect(!(try await client.submission(1)).defeated)
        // The submitter: its stake, the fee, and half the challenger's stake; the other half burned.
        #expect(try await s.credits(2) == UInt256(submitterStake + fee + (challengerStake - challengerStake / 2)))
        #expect(try await s.credits(3) == .zero)
        #expect(try await client.burned() == UInt256(challengerStake / 2))
        #expect(try await client.task(s.taskId).acceptedSubmission == 1)
    }

    @Test func oneHonestChallengerAmongSilentAndStallingOnesStillWins() async throws {
        let s = try await Scenario.start()
        let challengers = [s.challenger(.idle, account: 3), s.challenger(.stalling, account: 4),
                           s.challenger(.stalling, account: 5), s.challenger(.honest, account: 6)]
        try await s.drive([try s.submitter(.wrongStateFrom(100), account: 2)], challengers)
        let client = s.bed.client(0)
        #expect(try await client.submission(1).defeated)
        #expect(try await s.credits(6) == UInt256(challengerStake + submitterStake - submitterStake / 2))
        // The stalling ones lost their games by timeout (half of each stake to the submitter, half burned).
        #expect(try await s.credits(4) == .zero)
        #expect(try await s.credits(5) == .zero)
        #expect(try await s.credits(2) == UInt256(2 * (challengerStake - challengerStake / 2)))
        #expect(try await client.task(s.taskId).acceptedSubmission == 0)
    }

    @Test func agentsCarryOnAfterARestartFromTheChainAlone() async throws {
        let s = try await Scenario.start()
        let submitter = try s.submitter(.wrongOutput, account: 2)
        let challenger = s.challenger(.honest, account: 3)
        _ = try await submitter.poll(taskId: s.taskId, stake: s.bed.parameters.submitterStake)
        try await s.bed.advance(101)
        _ = try await submitter.poll(taskId: s.taskId, stake: s.bed.parameters.submitterStake)
        _ = try await challenger.poll(taskId: s.taskId, stake: s.bed.parameters.challengerStake)
        _ = try await submitter.poll(taskId: s.taskId, stake: s.bed.parameters.submitterStake)
        _ = try await challenger.poll(taskId: s.taskId, stake: s.bed.parameters.challengerStake)
        let midGame = try await s.bed.client(0).game(1)
        #expect(midGame.phase == .answer)
        #expect(try await s.bed.client(0).rounds(1) == 1)
        // Fresh agents (new processes in real life) with nothing but the chain and their keys.
        try await s.drive([try s.submitter(.wrongOutput, account: 2)], [s.challenger(.honest, account: 3)])
        #expect(try await s.bed.client(0).game(1).winner == s.bed.account(3))
    }
}
