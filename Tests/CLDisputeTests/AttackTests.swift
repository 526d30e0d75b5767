import CLDispute
import CLFPVM
import CLML
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// The attacks of the adversarial review (issue 11), each run against the real contracts on the dev chain
/// through JSON-RPC, with the honest agents playing as they would in production.
@Suite("Attacks on the task market and the game", .serialized)
struct AttackTests {
    /// keccak256(abi.encode(taskId, finalStateHash, steps, submitter)) for any uint256 step count.
    static func commitment(task: UInt64, state: Bytes32, steps: UInt256, submitter: Address) -> Bytes32 {
        Keccak256.hash(UInt256(task).bytes32.bytes + state.bytes + steps.bytes32.bytes + submitter.word.bytes)
    }

    static func reverts(_ expected: String, _ body: () async throws(DisputeError) -> Void) async {
        do {
            try await body()
            Issue.record("expected a revert with \(expected)")
        } catch .reverted(_, let reason) {
            #expect(reason.contains(expected), "reverted with \(reason), expected \(expected)")
        } catch {
            Issue.record("expected a revert with \(expected), got \(error)")
        }
    }

    // MARK: - Finding 1: step counts beyond what agents decode

    @Test func hugeStepCountsAreRefusedAndAHostileGameStopsNoAgent() async throws {
        let bed = try await Testbed()
        let attacker = bed.client(7), sock = bed.client(8)
        let spec = Guests.hello
        let programHash = try await attacker.registerProgram(spec)
        // A task may not declare a step bound past 2^48.
        await Self.reverts("step bound out of range") { () async throws(DisputeError) in
            _ = try await attacker.connection.send(bed.deployment.market, bed.contracts.market.function("request"), [
                .fixedBytes(programHash.bytes), .fixedBytes(spec.modelHash.bytes), .fixedBytes(spec.inputHash.bytes),
                .uint(UInt256(1) << 64), .uint(UInt256(100)), .uint(UInt256(100)), .uint(UInt256(1000)),
            ], value: Testbed.fee)
        }
        // On its own task with the largest bound, the attacker reveals a made-up result with 2^64 steps: refused.
        let hostileTask = try await bed.request(spec, trace: Guests.helloTrace, requester: attacker, maxSteps: 1 << 48)
        let noise = try Claim(strategy: .noise, trace: nil, seed: Keccak256.hash([7]))
        let stake = bed.parameters.submitterStake
        let tooLong = try await attacker.commit(taskId: hostileTask, commitment: Self.commitment(
            task: hostileTask, state: noise.finalStateHash, steps: UInt256(1) << 64, submitter: attacker.connection.address), stake: stake)
        let atBound = try await attacker.commit(taskId: hostileTask, commitment: Self.commitment(
            task: hostileTask, state: noise.finalStateHash, steps: UInt256(1) << 48, submitter: attacker.connection.address), stake: stake)
        let honestTask = try await bed.request(spec, trace: Guests.helloTrace)
        let liar = SubmitterAgent(name: "liar", client: bed.client(2), claim: try Claim(strategy: .wrongOutput, trace: Guests.helloTrace))
        liar.withdraws = false
        _ = try await liar.poll(taskId: honestTask, stake: stake)
        try await bed.advance(101)
        await Self.reverts("steps over the task bound") { () async throws(DisputeError) in
            _ = try await attacker.connection.send(bed.deployment.market, bed.contracts.market.function("reveal"), [
                .uint(UInt256(tooLong)), .bytes(noise.finalState.encoded), .bytes(noise.outputProof.encoded), .uint(UInt256(1) << 64),
            ])
        }
        try await attacker.connection.send(bed.deployment.market, bed.contracts.market.function("reveal"), [
            .uint(UInt256(atBound)), .bytes(noise.finalState.encoded), .bytes(noise.outputProof.encoded), .uint(UInt256(1) << 48),
        ])
        // Its second address opens a game over 2^48 steps on the attacker's own result.
        let hostileGame = try await sock.challenge(submissionId: atBound, stake: bed.parameters.challengerStake)
        #expect(try await bed.client(0).game(hostileGame).hi == UInt256(1) << 48)

        // Honest agents poll both tasks: the hostile one neither stops them nor costs them anything, and the wrong
        // result on the other task is defeated.
        let honest = ChallengerAgent(name: "validator", client: bed.client(3), trace: Guests.helloTrace)
        honest.withdraws = false
        #expect(try await honest.poll(taskId: hostileTask, stake: bed.parameters.challengerStake) == 0)
        let driver = TaskDriver(submitters: [liar], challengers: [honest], observer: bed.client(0), parameters: bed.parameters)
        try await driver.run(taskId: honestTask, maxPasses: 500)
        let defeatedId = try await bed.client(0).submissions(of: honestTask)[0]
        #expect(try await bed.client(0).submission(defeatedId).defeated)
        #expect(try await bed.client(0).task(honestTask).finalized)
        // The hostile game's huge midpoint decodes as the uint256 it is.
        #expect(try await bed.client(0).game(hostileGame).midpoint == UInt256(1) << 47)
    }

    // MARK: - Finding 2: an initial state that does not match the task's input

    @Test func theMarketComputesS0SoAChallengerWithAnotherInputLoses() async throws {
        let bed = try await Testbed()
        let taskId = try await bed.request(Guests.hello, trace: Guests.helloTrace)
        let task = try await bed.client(0).task(taskId)
        // The contract's S0 is the Swift FPVM's initial state for the committed input (one Merkle leaf update).
        #expect(task.initialStateHash == Guests.helloTrace.initialStateHash)
        #expect(task.programHash == (try Guests.hello.programHash()))
        // The requester's second address challenges with the trace of another input: it cannot move S0.
        var other = Guests.hello
        other.input = Keccak256.hash(Array("another input".utf8)).bytes
        let otherTrace = try Trace(spec: other)
        #expect(otherTrace.initialStateHash != task.initialStateHash)
        let attacker = ChallengerAgent(name: "attacker", client: bed.client(4), trace: otherTrace)
        attacker.checksTasks = false
        attacker.withdraws = false
        let submitter = try Scenario(bed: bed, taskId: taskId).submitter(.honest, account: 2)
        let driver = TaskDriver(submitters: [submitter], challengers: [attacker], observer: bed.client(0), parameters: bed.parameters)
        try await driver.run(taskId: taskId, maxPasses: 500)
        let game = try await bed.client(0).game(1)
        #expect(game.phase == .over && game.winner == bed.account(2))
        #expect(try await bed.client(0).task(taskId).acceptedSubmission == UInt256(1))
        let half = bed.parameters.challengerStake &- bed.parameters.challengerStake / UInt256(2)
        let expected = bed.parameters.submitterStake &+ Testbed.fee &+ half
        #expect(try await bed.client(0).credits(of: bed.account(2)) == expected)
    }

    @Test func agentsRefuseATaskWhoseModelHashDoesNotMatchAndBadBaseStatesAreRejected() async throws {
        let bed = try await Testbed()
        let requester = bed.client(1)
        let programHash = try await requester.registerProgram(Guests.hello)
        let taskId = try await requester.request(programHash: programHash, modelHash: Keccak256.hash(Array("another model".utf8)),
                                                 inputHash: Guests.hello.inputHash, maxSteps: 1 << 32, fee: Testbed.fee,
                                                 commitWindow: 100, revealWindow: 100, challengePeriod: 1000)
        let lines = LineLog()
        let submitter = try Scenario(bed: bed, taskId: taskId).submitter(.honest, account: 2)
        submitter.narrate = { lines.append($0) }
        #expect(try await submitter.poll(taskId: taskId, stake: bed.parameters.submitterStake) == 0)
        #expect(try await submitter.submissionId(taskId: taskId) == nil)
        #expect(lines.count(containing: "will not stake on task \(taskId): model hash") == 1)
        // The step bound is checked the same way: a run longer than the task allows is not staked on.
        let short = try await bed.request(Guests.hello, trace: Guests.helloTrace, maxSteps: Guests.helloTrace.haltingStep - 1)
        #expect(try await submitter.poll(taskId: short, stake: bed.parameters.submitterStake) == 0)
        #expect(lines.count(containing: "over the task's bound") == 1)

        // registerProgram takes only a fresh base state with a 32-byte input and a valid proof of the empty input leaf.
        let base = try Guests.hello.baseState()
        let market = bed.deployment.market, register = bed.contracts.market.function("registerProgram")
        let longInput = try GuestProgram(elf: Guests.hello.program).makeVM(input: [UInt8](repeating: 0, count: 33))
        let longState = longInput.state.encoded, longProof = longInput.memory.proof(MemoryMap.inputBase).encoded
        await Self.reverts("a1 is not the input size") { () async throws(DisputeError) in
            _ = try await requester.connection.send(market, register, [.bytes(longState), .bytes(longProof)])
        }
        let started = try GuestProgram(elf: Guests.hello.program).makeVM(input: [UInt8](repeating: 0, count: 32))
        try started.run(until: 5)
        let startedState = started.state.encoded
        await Self.reverts("not an initial state") { () async throws(DisputeError) in
            _ = try await requester.connection.send(market, register, [.bytes(startedState), .bytes(base.inputProof.encoded)])
        }
        // (A registered program is a no-op to register again, so the forged proof goes with another program.)
        let other = try GuestProgram(elf: Array(try Fixtures.data("fpvm/guests/preimage.elf"))).makeVM(input: [UInt8](repeating: 0, count: 32))
        var forged = other.memory.proof(MemoryMap.inputBase)
        forged.siblings[3] = Keccak256.hash([1])
        let otherState = other.state.encoded, forgedProof = forged.encoded
        await Self.reverts("bad input proof") { () async throws(DisputeError) in
            _ = try await requester.connection.send(market, register, [.bytes(otherState), .bytes(forgedProof)])
        }
        #expect(try await !requester.isRegistered(other.state.hash))
        await Self.reverts("unknown program") { () async throws(DisputeError) in
            _ = try await requester.request(programHash: Keccak256.hash([9]), modelHash: .zero, inputHash: .zero, maxSteps: 10,
                                            fee: Testbed.fee, commitWindow: 100, revealWindow: 100, challengePeriod: 1000)
        }
    }

    // MARK: - Finding 3: a read of a preimage the on-chain oracle cannot hold

    @Test func aLiarWhoseClaimFollowsAnUnprovableReadLosesThroughTheDataWindow() async throws {
        let elf = Array(try Fixtures.data("ml/ml-guest.elf"))
        let model = try ModelFormat.decode(Array(try Fixtures.data("ml/fashion-mlp.clml")))
        let sample = try TensorCoding.decode(Array(try Fixtures.data("ml/fashion-sample.clt")))
        // The attacker's request has an empty directory, so the guest reads the 43,916-byte weight tensor as one
        // preimage; the honest host holds every blob whole.
        let descriptor = ModelFormat.encodeDescriptor(model)
        let input = TensorCoding.encode(sample)
        let blobs = [descriptor, input] + model.constants.map { TensorCoding.encode($0) }
        #expect(blobs.contains { $0.count > GuestChunking.maxPreimageSize })
        let request = GuestRunner.request(modelHash: Keccak256.hash(descriptor), node: nil, tensorHashes: [Keccak256.hash(input)])
        let served = GuestChunking.indexed(request)
        let spec = TaskSpec(name: "fashion-mlp, empty directory", program: elf, input: served.indexKey.bytes,
                            preimages: blobs + served.preimages, modelHash: Keccak256.hash(descriptor))
        let trace = try Trace(spec: spec)
        // The honest run halts at that read with fault 7, so no honest party can submit a result…
        #expect(trace.halted && trace.finalState.fault == 7)
        #expect(throws: DisputeError.self) { _ = try Claim(strategy: .honest, trace: trace) }
        // …and a liar who agrees with every honest state before the read and claims a made-up result right after
        // it loses: the one-step proof of the read opens the data window, nobody can load the part, and the step
        // is judged as fault 7.
        let bed = try await Testbed()
        let taskId = try await bed.request(spec, trace: trace)
        let claim = try Claim(strategy: .fabricatedFrom(trace.haltingStep), trace: trace, seed: Keccak256.hash([2]))
        let liar = SubmitterAgent(name: "liar", client: bed.client(2), claim: claim)
        liar.withdraws = false
        let honest = ChallengerAgent(name: "validator", client: bed.client(3), trace: trace)
        honest.withdraws = false
        let driver = TaskDriver(submitters: [liar], challengers: [honest], observer: bed.client(0), parameters: bed.parameters)
        try await driver.run(taskId: taskId, maxPasses: 500)
        let client = bed.client(0)
        let game = try await client.game(1)
        #expect(game.phase == .over && game.winner == bed.account(3))
        #expect(game.hi == UInt256(trace.haltingStep) && game.lo == UInt256(trace.haltingStep - 1))
        #expect(try await client.submission(1).defeated)
        #expect(try await !client.result(of: taskId).final)
        let logs = try await client.connection.logs(bed.deployment.game, from: 0, to: try await client.connection.blockNumber())
        let dataRequested = try #require(bed.contracts.game.abi.events.first { $0.name == "DataRequested" }?.topic0)
        let requested = try #require(logs.first { $0.topics.first == dataRequested })
        // The game names the read's part from the witness's pre-state (after the v2 version byte): its key and offset.
        let read = try trace.vm(at: trace.haltingStep - 1)
        #expect(Array(requested.data[0..<32]) == read.preimageKey.bytes)
        #expect(Array(requested.data[32..<64]) == UInt256(UInt64(read.preimageOffset)).bigEndianBytes)
    }

    // MARK: - Finding 4: sock-puppet challenges

    @Test func aPuppetThatWinsFirstLeavesTheHonestChallengerUntouchedAndTheLiarLosesHalfItsStake() async throws {
        let bed = try await Testbed()
        let s = Scenario(bed: bed, taskId: try await bed.request(Guests.hello, trace: Guests.helloTrace))
        let liar = try s.submitter(.wrongOutput, account: 2)
        _ = try await liar.poll(taskId: s.taskId, stake: bed.parameters.submitterStake)
        try await bed.advance(101)
        _ = try await liar.poll(taskId: s.taskId, stake: bed.parameters.submitterStake)
        // The liar's own second address challenges at once, and the liar then never answers it.
        let puppet = s.challenger(.honest, account: 8)
        let honest = s.challenger(.honest, account: 3)
        let before = try await bed.client(0).connection.balance(of: bed.account(3))
        let driver = TaskDriver(submitters: [], challengers: [puppet, honest], observer: bed.client(0), parameters: bed.parameters)
        try await driver.run(taskId: s.taskId, maxPasses: 500)
        let client = bed.client(0)
        #expect(try await client.submission(1).defeated)
        #expect(try await client.gameCount() == 1, "the honest challenger never had to open a game")
        #expect(honest.client.connection.transactionCount == 0)
        #expect(try await client.connection.balance(of: bed.account(3)) == before)
        // The burn is the liar's guaranteed loss: half its stake, whoever won.
        #expect(try await client.burned() == bed.parameters.submitterStake / UInt256(2))
        #expect(try await s.credits(2) == .zero)
    }

    @Test func aPuppetThatStallsOnlyDelaysTheHonestChallengerWhoStillWinsInTheReopenedWindow() async throws {
        let bed = try await Testbed()
        let requester = bed.client(1)
        let taskId = try await requester.request(Guests.hello, maxSteps: 1 << 32, fee: Testbed.fee, commitWindow: 100,
                                                 revealWindow: 100, challengePeriod: bed.parameters.minChallengePeriod)
        let s = Scenario(bed: bed, taskId: taskId)
        let liar = try s.submitter(.wrongOutput, account: 2)
        let puppet = s.challenger(.stalling, account: 8)
        let honest = s.challenger(.honest, account: 3)
        let before = try await bed.client(0).connection.balance(of: bed.account(3))
        // The puppet challenges first and stalls past the task's challenge deadline; the liar claims that timeout.
        try await s.drive([liar], [puppet, honest])
        let client = bed.client(0)
        let task = try await client.task(taskId)
        let submission = try await client.submission(1)
        #expect(submission.defeated && submission.gamesPlayed == UInt256(2))
        #expect(submission.challengeDeadline > task.challengeDeadline, "the window reopened after the puppet's game")
        #expect(try await client.game(1).winner == bed.account(2))
        #expect(try await client.game(2).winner == bed.account(3))
        // The honest challenger is paid its stake and the liar's stake less the burn, and ends up ahead, gas included.
        let reward = bed.parameters.challengerStake &+ bed.parameters.submitterStake &- bed.parameters.submitterStake / UInt256(2)
        #expect(try await s.credits(3) == reward)
        try await bed.client(3).withdraw()
        #expect(try await client.connection.balance(of: bed.account(3)) > before)
        let burn = bed.parameters.submitterStake / UInt256(2) &+ bed.parameters.challengerStake / UInt256(2)
        #expect(try await client.burned() == burn)
    }

    // MARK: - Finding 5: windows too short for an honest party

    @Test func windowsBelowTheDeploymentFloorsAreRefusedAndAgentsSkipWindowsTheyCannotMeet() async throws {
        let bed = try await Testbed()
        let requester = bed.client(1)
        for (windows, reason) in [((1, 100, 1000), "commit window below minimum"), ((100, 1, 1000), "reveal window below minimum"),
                                  ((100, 100, 1), "challenge period below minimum")] as [((UInt64, UInt64, UInt64), String)] {
            await Self.reverts(reason) { () async throws(DisputeError) in
                _ = try await requester.request(Guests.hello, maxSteps: 1 << 32, fee: Testbed.fee, commitWindow: windows.0,
                                                revealWindow: windows.1, challengePeriod: windows.2)
            }
        }
        // On a deployment whose floors allow a one-second reveal window, the honest agent does not stake on one.
        let lax = try await Testbed(parameters: MarketParameters(moveTimeout: 600, minCommitWindow: 1, minRevealWindow: 1,
                                                                 minChallengePeriod: 1))
        let taskId = try await lax.client(1).request(Guests.hello, maxSteps: 1 << 32, fee: Testbed.fee, commitWindow: 100,
                                                     revealWindow: 1, challengePeriod: 1000)
        let lines = LineLog()
        let submitter = try Scenario(bed: lax, taskId: taskId).submitter(.honest, account: 2)
        submitter.narrate = { lines.append($0) }
        let before = try await lax.client(0).connection.balance(of: lax.account(2))
        #expect(try await submitter.poll(taskId: taskId, stake: lax.parameters.submitterStake) == 0)
        #expect(lines.count(containing: "reveal window of 1 s is below") == 1)
        #expect(try await lax.client(0).connection.balance(of: lax.account(2)) == before)
    }
}
