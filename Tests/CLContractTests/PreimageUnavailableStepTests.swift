import CLDispute
import CLFPVM
import CLHarness
import CLML
import CLPrimitives
import Testing
import TestSupport

extension OnChainStepVerifier {
    /// Calls `RV32Step.stepWithStatus(witness, preStateHash)` (simulated on the head state); nil when it reverts.
    func stepWithStatus(witness: [UInt8], preStateHash: Bytes32?) throws -> StepOutcome? {
        var request = CallRequest()
        request.from = sender
        request.to = stepAddress
        request.data = try RV32Step.encodeStepWithStatus(witness: witness, preStateHash: preStateHash ?? .zero)
        let outcome = try chain.simulate(request)
        guard outcome.status == .success else { return nil }
        let (hash, flag) = try RV32Step.decodeStepWithStatusResult(outcome.output)
        return StepOutcome(postStateHash: hash, partUnavailable: flag)
    }
}

/// Issue 11, finding 3: every step of every trace is provable on-chain. A read of a part the oracle cannot
/// serve halts the VM with fault 7 (`preimageUnavailable`) in the interpreter, the Swift verifier and
/// `RV32Step` alike, and `stepWithStatus` flags the steps whose part was not proven.
@Suite("RV32Step vs Swift verifier and interpreter: unavailable preimage parts", .serialized)
struct PreimageUnavailableStepTests {
    /// The hash of `pre` after a fault-7 step.
    static func faulted(_ pre: VMState) -> Bytes32 {
        var post = pre
        post.step += 1
        post.exited = true
        post.fault = FaultCode.preimageUnavailable.rawValue
        return post.hash
    }

    /// A VM at a `read(5, 0x2000 + bufferOffset, count)` of `data`'s stream at `offset` (the stream read
    /// up to there by single-byte reads first).
    static func readStep(_ data: [UInt8], offset: Int = 0, count: UInt32 = 32, bufferOffset: UInt32 = 0) throws
        -> (FPVM, StepWitness) {
        var store = PreimageStore()
        let key = store.add(data)
        var code: [UInt32] = []
        for _ in 0..<offset {
            code += [RV32Encoder.addi(17, 0, 63), RV32Encoder.addi(10, 0, 5), RV32Encoder.addi(11, 0, 0x400),
                     RV32Encoder.addi(12, 0, 1), RV32Encoder.ecall]
        }
        code += [RV32Encoder.addi(17, 0, 63), RV32Encoder.addi(10, 0, 5),
                 RV32Encoder.addi(11, 0, Int32(0x200 + bufferOffset)), RV32Encoder.addi(12, 0, Int32(count)),
                 RV32Encoder.ecall]
        let memory = Memory()
        for (i, word) in code.enumerated() { memory.store32(0x1000 + UInt32(4 * i), word) }
        memory.write(0x200, (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 29 &+ 3) })
        let vm = FPVM(memory: memory, pc: 0x1000, preimageKey: key, oracle: store)
        try vm.run(until: UInt64(code.count - 1))
        #expect(vm.preimageOffset == UInt32(offset))
        return (vm, try vm.stepWithWitness())
    }

    /// Swift verifier (over `source`), `step` and `stepWithStatus` on `verifier`'s chain.
    static func outcomes(_ witness: StepWitness, source: some PreimagePartSource, on verifier: OnChainStepVerifier)
        throws -> (swift: StepOutcome, step: Bytes32?, withStatus: StepOutcome?) {
        let encoded = witness.encoded
        let preHash = witness.state.hash
        let swift = try OneStepVerifier.stepWithStatus(witness: encoded, preStateHash: preHash, oracle: source)
        let step = try verifier.step(witness: encoded, preStateHash: preHash).postStateHash
        let withStatus = try verifier.stepWithStatus(witness: encoded, preStateHash: preHash)
        return (swift, step, withStatus)
    }

    @Test("(a) an oversized preimage: fault 7 in the interpreter, the Swift verifier and RV32Step",
          arguments: [PreimageStore.maxPreimageSize + 1, 9000])
    func oversizedPreimage(length: Int) throws {
        let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        let (vm, witness) = try Self.readStep(data, count: 32)
        #expect(witness.partUnavailable && witness.consultsOracle)
        #expect(vm.exited && vm.fault == FaultCode.preimageUnavailable.rawValue)
        #expect(vm.stateHash == Self.faulted(witness.state))
        let verifier = try ContractFixture.verifier()
        // No part of it can be proven on-chain, whatever the offset.
        #expect(throws: OnChainVerifierError.self) { try verifier.provePreimagePart(data, offset: 0) }
        try verifier.provePart(for: witness, store: vm.oracle) // proves nothing, does not throw
        let expected = StepOutcome(postStateHash: vm.stateHash, partUnavailable: true)
        let (swift, step, withStatus) = try Self.outcomes(witness, source: vm.oracle, on: verifier)
        #expect(swift == expected)
        #expect(step == vm.stateHash)
        #expect(withStatus == expected)
    }

    @Test("(b) a part never loaded on-chain: fault 7 and the flag until it is proven, then the honest step")
    func partNeverLoaded() throws {
        let data = Array("a preimage of more than one 32-byte part, read at offset 0".utf8)
        let (vm, witness) = try Self.readStep(data, count: 20, bufferOffset: 4)
        #expect(witness.needsProvenPart && witness.preimagePart.length == 32)
        #expect(!vm.exited && vm.register(10) == 20)
        let verifier = try ContractFixture.verifier()
        // Not proven: the part field (the real part) is ignored, the step faults with 7 on both sides.
        let unproven = StepOutcome(postStateHash: Self.faulted(witness.state), partUnavailable: true)
        var before = try Self.outcomes(witness, source: PreimageStore(), on: verifier)
        #expect(before.swift == unproven)
        #expect(before.step == unproven.postStateHash)
        #expect(before.withStatus == unproven)
        // A different part field changes nothing while the part is unproven (the rule: ignored).
        var tampered = witness.encoded
        let part = try #require(witness.sections.preimagePart)
        tampered[part] ^= 0xff
        tampered[part + 32] = 7
        #expect(try verifier.stepWithStatus(witness: tampered, preStateHash: witness.state.hash) == unproven)
        #expect(try OneStepVerifier.stepWithStatus(witness: tampered, preStateHash: witness.state.hash,
                                                   oracle: PreimageStore()) == unproven)
        // Proving another part of the same preimage does not help.
        try verifier.provePreimagePart(data, offset: 1)
        before = try Self.outcomes(witness, source: PreimageStore(), on: verifier)
        #expect(before.withStatus == unproven)
        // Proven: the interpreter's post-state, no flag; the tampered part is now a mismatch.
        try verifier.provePart(for: witness, store: vm.oracle)
        let honest = StepOutcome(postStateHash: vm.stateHash, partUnavailable: false)
        let after = try Self.outcomes(witness, source: vm.oracle, on: verifier)
        #expect(after.swift == honest)
        #expect(after.step == vm.stateHash)
        #expect(after.withStatus == honest)
        #expect(try verifier.stepWithStatus(witness: tampered, preStateHash: witness.state.hash) == nil)
        let reverted = try verifier.step(witness: tampered, preStateHash: witness.state.hash).result
        #expect(reverted == .reverted("preimagePartMismatch"))
    }

    @Test("the zero-length read at the end of a stream consults the oracle on both sides",
          arguments: [(0, UInt32(8)), (24, 32), (40, 0)])
    func endOfStreamRead(length: Int, count: UInt32) throws {
        let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 17 &+ 5) }
        let (vm, witness) = try Self.readStep(data, offset: 8 + length, count: count)
        #expect(witness.needsProvenPart)
        #expect(witness.preimagePart == PreimagePart(data: .zero, length: 0))
        #expect(!vm.exited && vm.register(10) == 0)
        let verifier = try ContractFixture.verifier()
        let unproven = StepOutcome(postStateHash: Self.faulted(witness.state), partUnavailable: true)
        let before = try Self.outcomes(witness, source: PreimageStore(), on: verifier)
        #expect(before.swift == unproven && before.withStatus == unproven && before.step == unproven.postStateHash)
        // The zero-length part is loadable and, once loaded, the step is the interpreter's.
        try verifier.provePreimagePart(data, offset: UInt32(8 + length))
        let read = try PreimageOracleTests.readPartIfProven(verifier, key: Keccak256.hash(data), offset: UInt32(8 + length))
        #expect(read.proven && read.part == PreimagePart(data: .zero, length: 0))
        let honest = StepOutcome(postStateHash: vm.stateHash, partUnavailable: false)
        let after = try Self.outcomes(witness, source: vm.oracle, on: verifier)
        #expect(after.swift == honest && after.withStatus == honest && after.step == vm.stateHash)
    }

    @Test("non-read steps never raise the flag")
    func flagOnlyOnReads() throws {
        let verifier = try ContractFixture.verifier()
        for (_, witness, store) in try TamperedWitnessTests.witnesses() where !witness.consultsOracle {
            let outcome = try verifier.stepWithStatus(witness: witness.encoded, preStateHash: witness.state.hash)
            let swift = try OneStepVerifier.stepWithStatus(witness: witness.encoded, preStateHash: witness.state.hash,
                                                           oracle: store)
            #expect(outcome == swift && outcome?.partUnavailable == false)
        }
    }

    @Test("the ML guest with an empty directory reads an oversized blob whole: fault 7 on every side")
    func mlGuestWithoutDirectory() throws {
        let (spec, model, weights) = try ChunkedPreimageStepTests.fashionTask()
        let sample = try TensorCoding.decode(Array(try Fixtures.data("ml/fashion-sample.clt")))
        // The liar's request: no directory, and a store that also holds every blob whole.
        let request = GuestRunner.request(modelHash: spec.modelHash, node: nil,
                                          tensorHashes: [Keccak256.hash(TensorCoding.encode(sample))])
        // The request is served through the oracle behind its top index, named by the input leaf.
        let served = GuestChunking.indexed(request)
        #expect(served.indexKey.bytes != spec.input)
        var store = PreimageStore()
        for preimage in spec.preimages + served.preimages { store.add(preimage) }
        store.add(weights)
        for constant in model.constants { store.add(TensorCoding.encode(constant)) }
        let program = try GuestProgram(elf: spec.program)
        let fast = try program.makeVM(input: served.indexKey.bytes, oracle: store)
        try fast.run(until: 50_000_000)
        #expect(fast.exited && fast.fault == FaultCode.preimageUnavailable.rawValue)
        #expect(store.isUnservable(fast.preimageKey))
        // The blob it read whole is one the honest request lists in its directory (> 4096 bytes).
        let blobs = [ModelFormat.encodeDescriptor(model)] + model.constants.map { TensorCoding.encode($0) }
        let read = try #require(blobs.first { Keccak256.hash($0) == fast.preimageKey })
        #expect(read.count > PreimageStore.maxPreimageSize)
        print("ML guest without directory: fault 7 at step \(fast.step - 1) reading a \(read.count)-byte blob")
        let faultStep = fast.step - 1
        let vm = try program.makeVM(input: served.indexKey.bytes, oracle: store)
        try vm.run(until: faultStep)
        #expect(!vm.exited)
        let witness = try vm.stepWithWitness()
        #expect(witness.partUnavailable && vm.stateHash == fast.stateHash)
        let verifier = try ContractFixture.verifier()
        let expected = StepOutcome(postStateHash: fast.stateHash, partUnavailable: true)
        let (swift, step, withStatus) = try Self.outcomes(witness, source: store, on: verifier)
        #expect(swift == expected && step == fast.stateHash && withStatus == expected)
    }
}
