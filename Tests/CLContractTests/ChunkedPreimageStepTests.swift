import CLDispute
import CLFPVM
import CLML
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// The ML guest reads large tensors as chunks of at most 4096 bytes (docs/PROTOCOL.md, "Large preimages:
/// chunks and indexes"), so a dispute whose single step reads a chunk of the Fashion MLP's weights is
/// settled by the one-step contract on the Swift EVM, exactly as the Swift verifier settles it.
@Suite struct ChunkedPreimageStepTests {
    static func fashionTask() throws -> (TaskSpec, Model, [UInt8]) {
        let elf = Array(try Fixtures.data("ml/ml-guest.elf"))
        let model = try ModelFormat.decode(Array(try Fixtures.data("ml/fashion-mlp.clml")))
        let sample = try TensorCoding.decode(Array(try Fixtures.data("ml/fashion-sample.clt")))
        let weights = model.constants.map { TensorCoding.encode($0) }.max { $0.count < $1.count }!
        return (TaskSpec.mlInference(name: "fashion-mlp", guest: elf, model: model, inputs: [sample]), model, weights)
    }

    /// Every step of the run that reads the preimage stream (an ECALL that advances the stream offset of
    /// an unchanged key: `read` on fd 5; a key write on fd 6 resets the offset instead), with its key.
    static func preimageReadSteps(_ spec: TaskSpec) throws -> [(step: UInt64, key: Bytes32)] {
        let vm = try spec.makeVM()
        var steps: [(UInt64, Bytes32)] = []
        while !vm.exited {
            let step = vm.step
            let isEcall = vm.memory.read(vm.pc, count: 4) == [0x73, 0, 0, 0]
            let offset = vm.preimageOffset
            let key = vm.preimageKey
            try vm.run(until: step + 1)
            if isEcall && vm.preimageKey == key && vm.preimageOffset > offset { steps.append((step, key)) }
        }
        return steps
    }

    @Test func everyOraclePreimageFitsTheContract() throws {
        let (spec, _, weights) = try Self.fashionTask()
        #expect(weights.count > GuestChunking.maxPreimageSize)
        for preimage in spec.preimages { #expect(preimage.count <= GuestChunking.maxPreimageSize) }
        // The 784×56 weights are 11 chunks: the first ten full, the last the rest, in order.
        let split = GuestChunking.split(weights)
        #expect(split.indexKey != nil)
        #expect(split.preimages.count == 12)
        #expect(Array(split.preimages.dropLast().joined()) == weights)
        let index = split.preimages.last!
        #expect(index.count == 8 + 11 * 32)
        #expect(Keccak256.hash(index) == split.indexKey)
        for (position, chunk) in split.preimages.dropLast().enumerated() {
            #expect(Array(index[8 + 32 * position..<40 + 32 * position]) == Keccak256.hash(chunk).bytes)
        }
    }

    @Test func nestedIndexCoversHugeBlobs() throws {
        var state: UInt64 = 7
        let blob = (0..<(GuestChunking.maxKeysPerIndex * 4096 + 5000)).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let split = GuestChunking.split(blob)
        var store: [Bytes32: [UInt8]] = [:]
        for preimage in split.preimages {
            #expect(preimage.count <= GuestChunking.maxPreimageSize)
            store[Keccak256.hash(preimage)] = preimage
        }
        // Walk the indexes from the top as the guest does.
        func expand(_ key: Bytes32) -> [UInt8] {
            let index = store[key]!
            var out: [UInt8] = []
            for offset in stride(from: 8, to: index.count, by: 32) {
                let child = Bytes32(bytes: Array(index[offset..<offset + 32]))!
                out += index[0] == 0 ? store[child]! : expand(child)
            }
            return out
        }
        let top = store[split.indexKey!]!
        #expect(top[0] == 1)
        #expect(expand(split.indexKey!) == blob)
    }

    @Test func disputedChunkReadSettlesOnChain() throws {
        let (spec, _, weights) = try Self.fashionTask()
        let split = GuestChunking.split(weights)
        let chunkKeys = Set(split.preimages.dropLast().map { Keccak256.hash($0) })
        let reads = try Self.preimageReadSteps(spec)
        let weightReads = reads.filter { chunkKeys.contains($0.key) }
        let indexReads = reads.filter { $0.key == split.indexKey }
        #expect(weightReads.count > 100)
        #expect(!indexReads.isEmpty)
        let trace = try Trace(spec: spec)
        // The whole tensor is too large for the oracle contract: chunking is what makes these steps provable.
        let verifier = try OnChainStepVerifier()
        #expect(throws: OnChainVerifierError.self) { try verifier.provePreimagePart(weights, offset: 8) }
        let chosen = [indexReads[0].step, weightReads[0].step, weightReads[weightReads.count / 2].step,
                      weightReads[weightReads.count - 1].step]
        for step in chosen {
            let (witness, part) = try trace.witness(at: step)
            let proven = try #require(part, "step \(step) reads a preimage part")
            #expect(proven.data.count <= GuestChunking.maxPreimageSize)
            let preHash = try trace.stateHash(at: step)
            let postHash = try trace.stateHash(at: step + 1)
            // Before the part is proven the contract does not reach the honest post-state: it halts the VM
            // with fault 7 (preimageUnavailable) and stepWithStatus flags the unproven part.
            let before = try verifier.stepWithStatus(witness: witness, preStateHash: preHash)
            #expect(before?.partUnavailable == true, "step \(step)")
            #expect(before != nil && before?.postStateHash != postHash, "step \(step) settled before its part was proven")
            #expect(try verifier.step(witness: witness, preStateHash: preHash).postStateHash == before?.postStateHash)
            try verifier.provePreimagePart(proven.data, offset: proven.offset)
            #expect(try verifier.stepWithStatus(witness: witness, preStateHash: preHash)
                    == StepOutcome(postStateHash: postHash, partUnavailable: false))
            let store = try spec.makeVM().oracle
            let swift = try OneStepVerifier.step(witness: witness, preStateHash: preHash, oracle: store)
            #expect(swift == postHash)
            #expect(try verifier.step(witness: witness, preStateHash: preHash).result == .postState(postHash))
        }
    }
}
