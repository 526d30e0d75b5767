import CLDispute
import CLFPVM
import CLML
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// The Fashion CNN as a two-phase task: phase 1 over its 7 graph nodes (native), phase 2 over one node's FPVM trace.
enum TwoPhase {
    static let elf: [UInt8] = Array(try! Fixtures.data("ml/ml-guest.elf"))

    static func graph(_ model: String = "ml/fashion-cnn.clml", _ input: String = "ml/fashion-sample.clt") throws -> GraphTrace {
        let graph = try ModelFormat.decode(Array(try Fixtures.data(model)))
        var reader = ByteReader(Array(try Fixtures.data(input)))
        var inputs: [Tensor] = []
        while reader.remaining > 0 { inputs.append(try TensorCoding.decode(&reader)) }
        return try GraphTrace(model: graph, inputs: inputs)
    }

    static let cnn: GraphTrace = try! graph()

    /// A party's own computation of the CNN task (each party its own, so node traces are not shared).
    static func dispute(_ name: String, verifier: Address) throws -> GraphDispute {
        try GraphDispute(name: name, graph: cnn, nodeProgram: elf, verifier: verifier)
    }

    /// A two-phase game scenario on a fresh dev chain.
    struct Bed {
        let bed: Testbed
        let taskId: UInt64
        let verifier: Address

        static func start(verifier: Address? = nil, deployVerifier: ((Testbed) async throws -> Address)? = nil) async throws -> Bed {
            let bed = try await Testbed()
            let chosen = try await deployVerifier?(bed) ?? verifier ?? bed.deployment.verifier
            let requester = try TwoPhase.dispute("requester", verifier: chosen)
            let taskId = try await requester.request(client: bed.client(1), maxNodeSteps: 1 << 36, fee: Testbed.fee,
                                                     commitWindow: 100, revealWindow: 100, challengePeriod: 1000)
            return Bed(bed: bed, taskId: taskId, verifier: chosen)
        }

        func submitter(_ strategy: GraphSubmitterStrategy, account: Int = 2) throws -> SubmitterAgent {
            let claim = try GraphClaim(strategy: strategy, dispute: try TwoPhase.dispute("submitter", verifier: verifier))
            let agent = SubmitterAgent(name: "submitter", client: bed.client(account), claim: claim)
            agent.withdraws = false
            return agent
        }

        func challenger(_ strategy: ChallengerStrategy = .honest, account: Int = 3) throws -> (ChallengerAgent, GraphDispute) {
            let own = try TwoPhase.dispute("challenger", verifier: verifier)
            let agent = ChallengerAgent(name: "challenger", client: bed.client(account), answers: own, strategy: strategy)
            agent.withdraws = false
            return (agent, own)
        }

        func drive(_ submitter: SubmitterAgent, _ challenger: ChallengerAgent) async throws {
            let driver = TaskDriver(submitters: [submitter], challengers: [challenger], observer: bed.client(0), parameters: bed.parameters)
            try await driver.run(taskId: taskId, maxPasses: 800)
        }

        /// The task's single game and whether its submission was defeated.
        func outcome() async throws -> (gameId: UInt64, defeated: Bool, positions: [UInt64], level: UInt256) {
            let client = bed.client(0)
            let submissionId = try await client.submissions(of: taskId)[0]
            let defeated = try await client.submission(submissionId).defeated
            let gameId = try await client.gameCount()
            let game = try await client.game(gameId)
            #expect(game.phase == .over)
            return (gameId, defeated, try await client.positions(gameId), game.level)
        }
    }
}

@Suite("Two-phase dispute game (graph nodes, then one node's FPVM steps)", .serialized)
struct TwoPhaseGameTests {
    /// A wrong value at the first, a middle and the last node: phase 1 narrows to that node, phase 2 to one
    /// FPVM step, and the one-step contract defeats the submitter.
    @Test(arguments: [UInt64(1), 4, 7])
    func aWrongNodeIsDefeatedInTwoPhases(node: UInt64) async throws {
        let s = try await TwoPhase.Bed.start()
        let (challenger, own) = try s.challenger()
        try await s.drive(try s.submitter(.wrongNode(node)), challenger)
        let outcome = try await s.outcome()
        #expect(outcome.defeated)
        #expect(outcome.positions == [node])
        #expect(outcome.level == UInt256(1))
        // The honest challenger ran exactly one node in the FPVM.
        #expect(own.nodeTracesComputed == 1)
        let client = s.bed.client(0)
        #expect(try await client.phaseRounds(outcome.gameId, level: 0) > 0)
        #expect(try await client.phaseRounds(outcome.gameId, level: 1) > 0)
        #expect(try await client.task(s.taskId).finalized)
        #expect(try await client.result(of: s.taskId).final == false)
    }

    /// An honest submitter survives a challenger lying in phase 1 (it then backs its lie with a made-up
    /// phase-2 claim, which the submitter bisects) and one lying only in phase 2.
    @Test(arguments: [ChallengerStrategy.lying, .lyingFromPhase(1)])
    func anHonestSubmitterSurvivesALyingChallenger(strategy: ChallengerStrategy) async throws {
        let s = try await TwoPhase.Bed.start()
        let submitter = try s.submitter(.honest)
        try await s.drive(submitter, try s.challenger(strategy).0)
        let outcome = try await s.outcome()
        #expect(!outcome.defeated)
        #expect(outcome.level == UInt256(1))
        let result = try await s.bed.client(0).result(of: s.taskId)
        #expect(result.final)
        // The output is the last node's output key.
        #expect(result.output == TwoPhase.cnn.steps.last!.outputKey)
        #expect(result.games == UInt256(1))
    }

    /// A missed deadline loses in every phase: the challenger stalling in phase 1, the submitter not backing
    /// its state at the transition, and the submitter stopping in phase 2.
    @Test func aMissedDeadlineLosesInEachPhase() async throws {
        do {
            let s = try await TwoPhase.Bed.start()
            let (challenger, _) = try s.challenger(.lyingFromPhase(0))
            challenger.stopsAtPhase = 0
            // A challenger that opens the game and never moves: the honest submitter claims the timeout.
            try await s.drive(try s.submitter(.honest), challenger)
            let outcome = try await s.outcome()
            #expect(!outcome.defeated && outcome.level == .zero)
        }
        do {
            let s = try await TwoPhase.Bed.start()
            // Wrong at the last node, the submitter asserts S_7 at the end of phase 1 and must back it.
            let submitter = try s.submitter(.wrongNode(7))
            submitter.skipsTransitions = true
            try await s.drive(submitter, try s.challenger().0)
            let outcome = try await s.outcome()
            #expect(outcome.defeated && outcome.level == .zero && outcome.positions.isEmpty)
        }
        do {
            let s = try await TwoPhase.Bed.start()
            let submitter = try s.submitter(.wrongNode(2))
            submitter.stopsAtPhase = 1
            try await s.drive(submitter, try s.challenger().0)
            let outcome = try await s.outcome()
            #expect(outcome.defeated && outcome.level == UInt256(1) && outcome.positions == [2])
        }
    }

    /// The verifier is swappable: with one that refuses every transition, the honest submitter (who must back
    /// S_N in phase 2 against a challenger lying in phase 2) cannot open phase 2 and loses by timeout.
    @Test func aRefusingVerifierChangesTheOutcome() async throws {
        let s = try await TwoPhase.Bed.start(deployVerifier: { bed in try await RefusingVerifier.deploy(bed) })
        #expect(s.verifier != s.bed.deployment.verifier)
        try await s.drive(try s.submitter(.honest), try s.challenger(.lyingFromPhase(1)).0)
        let outcome = try await s.outcome()
        #expect(outcome.defeated)
        #expect(outcome.level == .zero)
    }
}

extension TwoPhaseGameTests {
    /// Bad transitions, each refused with its reason on-chain and refused alike by the Swift mirror: out of
    /// order, by an outsider, a wrong start state, a forged output proof, a final state that has not exited, a
    /// trace length out of range, late, and twice.
    @Test func badTransitionsAreRefusedOnChainAndBySwift() async throws {
        let s = try await TwoPhase.Bed.start()
        let submitter = try s.submitter(.wrongNode(7))
        submitter.skipsTransitions = true
        let (challenger, own) = try s.challenger()
        let client = s.bed.client(2), observer = s.bed.client(0)
        var gameId: UInt64 = 0
        var early: LowerClaim?
        for _ in 0..<200 {
            var sent = try await submitter.poll(taskId: s.taskId, stake: s.bed.parameters.submitterStake)
            sent += try await challenger.poll(taskId: s.taskId, stake: s.bed.parameters.challengerStake)
            gameId = try await observer.gameCount()
            if gameId != 0 {
                let game = try await observer.game(gameId)
                if game.phase == .transition { break }
                if early == nil {
                    // Out of order: no transition while phase 1 still bisects.
                    early = try own.lowerClaim(path: [1], asserted: .zero)
                    await AttackTests.reverts("not transitioning") { () async throws(DisputeError) in
                        try await client.transition(gameId: gameId, claim: early!)
                    }
                }
            }
            if sent == 0 { try await s.bed.advance(101) }
        }
        let game = try await observer.game(gameId)
        #expect(game.phase == .transition && !game.hiByChallenger && game.hi == UInt256(7))
        let dishonest = try #require(try submitter.result.lowerClaim(path: [7], asserted: game.hiHash))
        let stub = ZKStubPhaseTransitionChecker(program: try ProgramBase(try own.nodeSpec(position: 7)))
        #expect(stub.verify(phase1Root: game.loHash, nodeIndex: 7, phase2StartStateHash: dishonest.startHash,
                            proof: own.nodeProgramHash.bytes))
        #expect(stub.verifyClaim(assertedRoot: game.hiHash, finalStateHash: dishonest.claimHash, steps: dishonest.steps,
                                 claimProof: dishonest.claimProof))

        func refused(_ claim: LowerClaim, by sender: MarketClient? = nil, _ reason: String) async {
            await AttackTests.reverts(reason) { () async throws(DisputeError) in
                try await (sender ?? client).transition(gameId: gameId, claim: claim)
            }
        }
        await refused(dishonest, by: s.bed.client(3), "not the claimant")
        await refused(dishonest, by: s.bed.client(5), "not the claimant")
        var wrongStart = dishonest
        wrongStart.startHash = Keccak256.hash(dishonest.startHash.bytes)
        #expect(!stub.verify(phase1Root: game.loHash, nodeIndex: 7, phase2StartStateHash: wrongStart.startHash,
                             proof: own.nodeProgramHash.bytes))
        await refused(wrongStart, "phase transition refused")
        var forgedProof = dishonest
        forgedProof.claimProof[211 + 32 + 5] ^= 1
        #expect(!PhaseClaimProof.check(assertedRoot: game.hiHash, finalStateHash: forgedProof.claimHash, steps: forgedProof.steps,
                                       claimProof: forgedProof.claimProof))
        await refused(forgedProof, "lower claim refused")
        let unfinished = try own.nodeTrace(position: 7).vm(at: 1000)
        var running = dishonest
        running.claimHash = unfinished.stateHash
        running.claimProof = PhaseClaimProof.encode(state: unfinished.state, outputProof: unfinished.memory.proof(MemoryMap.outputBase))
        #expect(!PhaseClaimProof.check(assertedRoot: game.hiHash, finalStateHash: running.claimHash, steps: running.steps,
                                       claimProof: running.claimProof))
        await refused(running, "lower claim refused")
        var empty = dishonest
        empty.steps = 0
        await refused(empty, "lower steps out of range")
        var tooLong = dishonest
        tooLong.steps = (1 << 36) + 1
        await refused(tooLong, "lower steps out of range")
        // The dishonest claim itself is well-formed: accepted once, then never again.
        try await client.transition(gameId: gameId, claim: dishonest)
        #expect(try await observer.game(gameId).level == UInt256(1))
        #expect(try await observer.positions(gameId) == [7])
        await refused(dishonest, "not transitioning")
    }

    /// A transition after its deadline is refused, and the claimant loses by timeout.
    @Test func aLateTransitionIsRefused() async throws {
        let s = try await TwoPhase.Bed.start()
        let submitter = try s.submitter(.wrongNode(7))
        submitter.skipsTransitions = true
        let (challenger, _) = try s.challenger()
        challenger.stopsAtPhase = 1
        let observer = s.bed.client(0)
        var gameId: UInt64 = 0
        for _ in 0..<200 {
            var sent = try await submitter.poll(taskId: s.taskId, stake: s.bed.parameters.submitterStake)
            gameId = try await observer.gameCount()
            if gameId != 0, try await observer.game(gameId).phase == .transition { break }
            sent += try await challenger.poll(taskId: s.taskId, stake: s.bed.parameters.challengerStake)
            if sent == 0 { try await s.bed.advance(101) }
        }
        let game = try await observer.game(gameId)
        #expect(game.phase == .transition)
        let claim = try #require(try submitter.result.lowerClaim(path: [7], asserted: game.hiHash))
        try await s.bed.advance(s.bed.parameters.moveTimeout + 1)
        await AttackTests.reverts("deadline passed") { () async throws(DisputeError) in
            try await s.bed.client(2).transition(gameId: gameId, claim: claim)
        }
        try await s.bed.client(3).timeout(gameId: gameId)
        #expect(try await observer.game(gameId).winner == s.bed.account(3))
    }
}

/// A contract that answers every call with 32 zero bytes (false): runtime `PUSH1 0 PUSH1 0 MSTORE PUSH1 32
/// PUSH1 0 RETURN`, behind init code that copies and returns it.
enum RefusingVerifier {
    static let creationCode: [UInt8] = [0x60, 0x0a, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x0a, 0x60, 0x00, 0xf3,
                                        0x60, 0x00, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3]

    static func deploy(_ bed: Testbed) async throws -> Address {
        let receipt = try await bed.client(0).connection.send(nil, nil, [], rawData: creationCode)
        return try #require(receipt.contractAddress)
    }
}
