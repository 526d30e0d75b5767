import CLDispute
import CLML
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// A dispute over the Fashion MLP run in the ML guest whose bisection lands exactly on a step that reads
/// a chunk of the 784×56 weight matrix: the agents prove that chunk's part in the PreimageOracle (possible
/// because every preimage the guest reads is at most 4096 bytes) and the one-step contract settles it.
@Suite("Dispute over a preimage-read step of the ML guest", .serialized)
struct ChunkedReadDisputeTests {
    @Test func disputeLandingOnAChunkReadIsSettledByTheOneStepContract() async throws {
        let elf = Array(try Fixtures.data("ml/ml-guest.elf"))
        let model = try ModelFormat.decode(Array(try Fixtures.data("ml/fashion-mlp.clml")))
        let sample = try TensorCoding.decode(Array(try Fixtures.data("ml/fashion-sample.clt")))
        let spec = TaskSpec.mlInference(name: "fashion-mlp", guest: elf, model: model, inputs: [sample])
        let weights = model.constants.map { TensorCoding.encode($0) }.max { $0.count < $1.count }!
        let split = GuestChunking.split(weights)
        let chunkKeys = Set(split.preimages.dropLast().map { Keccak256.hash($0) })
        #expect(chunkKeys.count == 11)

        // Steps that read the preimage stream: an ECALL advancing the offset of an unchanged key (fd 5).
        let vm = try spec.makeVM()
        var chunkReads: [UInt64] = []
        while !vm.exited {
            let step = vm.step
            let isEcall = vm.memory.read(vm.pc, count: 4) == [0x73, 0, 0, 0]
            let key = vm.preimageKey
            let offset = vm.preimageOffset
            try vm.run(until: step + 1)
            if isEcall && vm.preimageKey == key && vm.preimageOffset > offset && chunkKeys.contains(key) {
                chunkReads.append(step)
            }
        }
        let disputed = try #require(chunkReads.dropFirst(chunkReads.count / 2).first)

        let trace = try Trace(spec: spec)
        let (_, part) = try trace.witness(at: disputed)
        let read = try #require(part)
        #expect(read.data.count <= GuestChunking.maxPreimageSize && chunkKeys.contains(Keccak256.hash(read.data)))

        let bed = try await Testbed()
        let taskId = try await bed.request(spec, trace: trace)
        // The dishonest submitter's states are right up to the read and wrong from its post-state on.
        let claim = try Claim(strategy: .wrongStateFrom(disputed + 1), trace: trace, seed: Keccak256.hash([2]))
        let submitter = SubmitterAgent(name: "submitter2", client: bed.client(2), claim: claim)
        submitter.withdraws = false
        let challenger = ChallengerAgent(name: "challenger3", client: bed.client(3), trace: trace, strategy: .honest)
        challenger.withdraws = false
        let driver = TaskDriver(submitters: [submitter], challengers: [challenger], observer: bed.client(0),
                                parameters: bed.parameters)
        try await driver.run(taskId: taskId, maxPasses: 500)

        let client = bed.client(0)
        let game = try await client.game(1)
        #expect(game.phase == .over && game.winner == bed.account(3))
        #expect(game.lo == UInt256(disputed) && game.hi == UInt256(disputed + 1))
        #expect(try await client.submission(1).defeated)
        // The chunk's part was proven on-chain (PreimagePartLoaded with the chunk's key and the read's offset).
        let head = try await client.connection.blockNumber()
        let logs = try await client.connection.logs(bed.deployment.oracle, from: 0, to: head)
        let loaded = logs.filter { $0.topics.count == 2 && $0.topics[1] == Keccak256.hash(read.data) }
        #expect(!loaded.isEmpty)
        for log in loaded { #expect(Array(log.data.prefix(32)) == UInt256(UInt64(read.offset)).bigEndianBytes) }
    }
}
