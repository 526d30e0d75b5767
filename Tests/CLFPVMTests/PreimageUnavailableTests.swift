import CLFPVM
import CLPrimitives
import Testing

/// Reads the oracle cannot serve (issue 11, finding 3): a preimage longer than the on-chain oracle's
/// 4096-byte bound halts the VM with fault 7 (`preimageUnavailable`) at the reading step, identically in
/// the interpreter and the Swift one-step verifier; a key the host lacks still stops the run before
/// the step; every `read(5, …)` consults the oracle, also for a zero-length part.
@Suite("Preimage reads the oracle cannot serve")
struct PreimageUnavailableTests {
    /// Deterministic bytes.
    static func data(_ count: Int, seed: UInt32 = 1) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: UInt32($0) &* 2_654_435_761 &+ seed >> 3 &+ seed) }
    }

    /// The hash of `pre` after a faulting step: `step + 1`, halted with `code`, nothing else changed.
    static func faulted(_ pre: VMState, _ code: FaultCode) -> Bytes32 {
        var post = pre
        post.step += 1
        post.exited = true
        post.fault = code.rawValue
        return post.hash
    }

    /// Steps of `preimageProgram()` before its first `read(5, …)`: 5 key-write, 3 setup, 4 argument steps.
    static let firstReadStep: UInt64 = 12

    @Test func theBoundIsTheOracleContractsBound() {
        #expect(PreimageStore.maxPreimageSize == 4096)
        #expect(FaultCode.preimageUnavailable.rawValue == 7)
    }

    @Test func aPreimageOfExactlyTheBoundIsReadWhole() throws {
        var oracle = PreimageStore()
        let data = Self.data(PreimageStore.maxPreimageSize)
        let key = oracle.add(data)
        #expect(oracle.part(key: key, offset: 0) == PreimagePart(preimage: data, offset: 0))
        #expect(!oracle.isUnservable(key))
        let vm = try StepHarness.run(preimageProgram(), data: [(0x8000, key.bytes)], oracle: oracle, steps: 1500)
        #expect(vm.exited && vm.fault == 0)
        #expect(vm.exitCode == UInt8((8 + PreimageStore.maxPreimageSize) & 0xff))
        #expect(vm.memory.read(0x9003 + 8, count: data.count) == data)
    }

    @Test(arguments: [PreimageStore.maxPreimageSize + 1, 5000, 43_916])
    func anOversizedPreimageFaultsWithSevenAtTheReadingStep(length: Int) throws {
        var oracle = PreimageStore()
        let data = Self.data(length, seed: UInt32(length))
        let key = oracle.add(data)
        // The store keeps the data but serves no part of it, as the on-chain oracle never can.
        #expect(oracle.preimage(key) == data)
        #expect(oracle.isUnservable(key))
        #expect(oracle.part(key: key, offset: 0) == nil)
        #expect(oracle.part(key: key, offset: 8) == nil)

        // Fast and proving mode, every step checked by the Swift verifier (faulted steps included).
        let fast = try StepHarness.run(preimageProgram(), data: [(0x8000, key.bytes)], oracle: oracle, steps: 40)
        #expect(fast.exited && fast.fault == FaultCode.preimageUnavailable.rawValue)
        #expect(fast.step == Self.firstReadStep + 1)
        #expect(fast.stateHash[0] == VMStatus.panic.rawValue)

        // Exactly that step: the pre-state of step 12 is the read; pc, registers, offset and memory stay.
        let vm = StepHarness.makeVM(preimageProgram(), data: [(0x8000, key.bytes)], oracle: oracle)
        try vm.run(until: Self.firstReadStep)
        #expect(!vm.exited && vm.register(17) == Syscall.read && vm.register(10) == Syscall.preimageReadFD)
        let pre = vm.state
        let witness = try vm.stepWithWitness()
        #expect(witness.state == pre)
        #expect(witness.consultsOracle && witness.partUnavailable && !witness.needsProvenPart)
        #expect(witness.preimagePart == .none)
        #expect(witness.dataProof == StepWitness.unusedProof)
        #expect(vm.stateHash == Self.faulted(pre, .preimageUnavailable))
        #expect(vm.pc == pre.pc && vm.registers == pre.registers && vm.memory.root() == pre.memRoot)
        #expect(vm.preimageOffset == 0 && vm.preimageKey == key)
        let outcome = try OneStepVerifier.stepWithStatus(witness: witness.encoded, preStateHash: pre.hash, oracle: oracle)
        #expect(outcome == StepOutcome(postStateHash: vm.stateHash, partUnavailable: true))
        // Halted: a further step is the identity.
        let idle = try vm.stepWithWitness()
        #expect(!idle.consultsOracle && vm.stateHash == Self.faulted(pre, .preimageUnavailable))
    }

    @Test func aMissingKeyStillStopsTheRunBeforeTheStep() throws {
        let unknown = Keccak256.hash([1, 2, 3])
        var oracle = PreimageStore()
        oracle.add(Self.data(5000)) // another, oversized preimage: irrelevant to the missing key
        #expect(!oracle.isUnservable(unknown))
        for proving in [false, true] {
            let vm = StepHarness.makeVM(preimageProgram(), data: [(0x8000, unknown.bytes)], oracle: oracle)
            try vm.run(until: Self.firstReadStep)
            let pre = vm.stateHash
            #expect(throws: FPVMError.missingPreimage(key: unknown)) {
                if proving { _ = try vm.stepWithWitness() } else { try vm.run(until: 100) }
            }
            #expect(!vm.exited && vm.fault == 0 && vm.step == Self.firstReadStep)
            #expect(vm.stateHash == pre)
        }
    }

    /// A VM about to `read(5, 0x9000, count)` at `offset` of `data`'s stream (after reading the stream up to there).
    static func readingVM(_ data: [UInt8], offset: Int, count: UInt32) throws -> (FPVM, PreimageStore) {
        var oracle = PreimageStore()
        let key = oracle.add(data)
        // Read `offset` bytes one by one, then the read under test.
        var code: [UInt32] = []
        for _ in 0..<offset {
            code += [RV.addi(17, 0, 63), RV.addi(10, 0, 5), RV.lui(11, 0xa), RV.addi(12, 0, 1), RV.ecall]
        }
        code += [RV.addi(17, 0, 63), RV.addi(10, 0, 5), RV.lui(11, 0x9), RV.addi(12, 0, Int32(count)), RV.ecall,
                 RV.addi(17, 0, 93), RV.ecall]
        let memory = Memory()
        for (i, word) in code.enumerated() { memory.store32(0x1000 + UInt32(4 * i), word) }
        let vm = FPVM(memory: memory, pc: 0x1000, preimageKey: key, oracle: oracle)
        try vm.run(until: UInt64(5 * offset + 4))
        #expect(vm.preimageOffset == UInt32(offset))
        return (vm, oracle)
    }

    @Test(arguments: [(0, 0), (5, 32), (33, 32), (33, 0), (8, 0)])
    func everyReadConsultsTheOracleAlsoForZeroLengthParts(length: Int, count: UInt32) throws {
        let data = Self.data(length)
        // At the end of the stream (offset = 8 + length): the part of length 0.
        let (vm, oracle) = try Self.readingVM(data, offset: 8 + length, count: count)
        let witness = try vm.stepWithWitness()
        #expect(witness.consultsOracle && !witness.partUnavailable && witness.needsProvenPart)
        #expect(witness.preimagePart == PreimagePart(preimage: data, offset: UInt32(8 + length)))
        #expect(witness.preimagePart.length == 0)
        #expect(vm.register(10) == 0 && !vm.exited && vm.preimageOffset == UInt32(8 + length))
        let pre = witness.state
        // Served by the store (length 0): the ordinary post-state, no flag.
        let served = try OneStepVerifier.stepWithStatus(witness: witness.encoded, preStateHash: pre.hash, oracle: oracle)
        #expect(served == StepOutcome(postStateHash: vm.stateHash, partUnavailable: false))
        // Without that part proven (a source holding every other part), the verifier faults with 7.
        let partial = PartsExcept(store: oracle, key: pre.preimageKey, offset: pre.preimageOffset)
        let unproven = try OneStepVerifier.stepWithStatus(witness: witness.encoded, preStateHash: pre.hash, oracle: partial)
        #expect(unproven == StepOutcome(postStateHash: Self.faulted(pre, .preimageUnavailable), partUnavailable: true))
        // A count-0 read in the middle of the stream consults the oracle as well.
        if count == 0, length > 0 {
            let (middle, store) = try Self.readingVM(data, offset: 3, count: 0)
            let w = try middle.stepWithWitness()
            #expect(w.consultsOracle && w.preimagePart == PreimagePart(preimage: data, offset: 3))
            #expect(middle.register(10) == 0 && middle.preimageOffset == 3)
            #expect(try OneStepVerifier.step(witness: w.encoded, preStateHash: w.state.hash, oracle: store) == middle.stateHash)
        }
    }

    @Test func otherStepsDoNotConsultTheOracle() throws {
        let (vm, _) = try Self.readingVM(Self.data(10), offset: 0, count: 4)
        let vm2 = StepHarness.makeVM(preimageProgram(), data: [(0x8000, Keccak256.hash([]).bytes)])
        for _ in 0..<12 { // key write and setup
            let witness = try vm2.stepWithWitness()
            #expect(!witness.consultsOracle && !witness.partUnavailable)
        }
        let read = try vm.stepWithWitness()
        #expect(read.consultsOracle && read.needsProvenPart)
    }

    @Test func anUnprovenPartIgnoresTheWitnessPartField() throws {
        var oracle = PreimageStore()
        let key = oracle.add(Self.data(100))
        let vm = StepHarness.makeVM(preimageProgram(), data: [(0x8000, key.bytes)], oracle: oracle)
        try vm.run(until: Self.firstReadStep)
        let witness = try vm.stepWithWitness()
        #expect(witness.needsProvenPart && witness.preimagePart.length == 32)
        let empty = PreimageStore()
        let expected = StepOutcome(postStateHash: Self.faulted(witness.state, .preimageUnavailable), partUnavailable: true)
        var tampered = witness.encoded
        let part = try #require(witness.sections.preimagePart)
        tampered[part + 3] ^= 0x55
        tampered[part + 32] = 200
        for bytes in [witness.encoded, tampered] {
            #expect(try OneStepVerifier.stepWithStatus(witness: bytes, preStateHash: witness.state.hash, oracle: empty) == expected)
        }
        // With the part proven, the part field is checked as before.
        #expect(throws: VerifierError.preimagePartMismatch) {
            try OneStepVerifier.step(witness: tampered, preStateHash: witness.state.hash, oracle: oracle)
        }
        #expect(try OneStepVerifier.stepWithStatus(witness: witness.encoded, preStateHash: witness.state.hash, oracle: oracle)
                == StepOutcome(postStateHash: vm.stateHash, partUnavailable: false))
    }
}

/// A part source serving every part of `store` except one (a part never proven on-chain).
struct PartsExcept: PreimagePartSource {
    var store: PreimageStore
    var key: Bytes32
    var offset: UInt32

    func part(key: Bytes32, offset: UInt32) -> PreimagePart? {
        key == self.key && offset == self.offset ? nil : store.part(key: key, offset: offset)
    }
}
