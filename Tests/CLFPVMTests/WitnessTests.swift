import CLFPVM
import CLPrimitives
import Testing

/// A guest loop that sets the preimage key from a 32-byte buffer and reads the stream (prefix and data)
/// into a buffer, byte chunk by chunk, then exits with the number of bytes read.
func preimageProgram() -> [UInt32] {
    [
        // write(6, 0x8000, 32): key
        RV.addi(17, 0, 64), RV.addi(10, 0, 6), RV.lui(11, 0x8), RV.addi(12, 0, 32), RV.ecall,
        // x20 = 0x9003 (deliberately unaligned destination), x21 = total read
        RV.lui(20, 0x9), RV.addi(20, 20, 3), RV.addi(21, 0, 0),
        // loop: read(5, x20, 64)
        RV.addi(17, 0, 63), RV.addi(10, 0, 5), RV.addi(11, 20, 0), RV.addi(12, 0, 64), RV.ecall,
        // if a0 == 0 exit
        RV.b(16, 0, 10, 0),
        RV.r(0, 10, 20, 0, 20, 0x33), RV.r(0, 10, 21, 0, 21, 0x33), RV.j(-32, 0),
        // exit(x21)
        RV.addi(10, 21, 0), RV.addi(17, 0, 93), RV.ecall,
    ]
}

@Suite("Witness and one-step verifier")
struct WitnessTests {
    @Test func preimageReadsAgreeStepByStepAndCopyTheStream() throws {
        var oracle = PreimageStore()
        let data = (0..<77).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let key = oracle.add(data)
        let vm = try StepHarness.run(preimageProgram(), data: [(0x8000, key.bytes)], oracle: oracle, steps: 400)
        #expect(vm.exited && vm.fault == 0)
        #expect(vm.exitCode == 85) // 8-byte prefix + 77 bytes
        #expect(vm.preimageKey == key)
        var expected: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(77) >> (56 - 8 * UInt64($0))) }
        expected += data
        #expect(vm.memory.read(0x9003, count: 85) == expected)
    }

    @Test func missingPreimageStopsBeforeTheStep() throws {
        let vm = StepHarness.makeVM(preimageProgram(), data: [(0x8000, [UInt8](repeating: 1, count: 32))])
        #expect(throws: FPVMError.self) { try vm.run(until: 100) }
        #expect(!vm.exited && vm.step == 12) // 5 key-write + 3 setup + 4 argument steps
    }

    /// Collects the witnesses of a whole run of the preimage program.
    func witnesses() throws -> (witnesses: [StepWitness], hashes: [Bytes32], oracle: PreimageStore) {
        var oracle = PreimageStore()
        let key = oracle.add(Array("the quick brown fox jumps over the lazy dog".utf8))
        let vm = StepHarness.makeVM(preimageProgram(), data: [(0x8000, key.bytes)], oracle: oracle)
        var out: [StepWitness] = []
        var hashes: [Bytes32] = []
        while !vm.exited {
            out.append(try vm.stepWithWitness())
            hashes.append(vm.stateHash)
        }
        return (out, hashes, oracle)
    }

    @Test func tamperedWitnessesAreRejected() throws {
        let (witnesses, _, oracle) = try witnesses()
        let store = witnesses.first { $0.dataProof != StepWitness.unusedProof && $0.preimagePart == .none }!
        let read = witnesses.first { $0.preimagePart.length > 0 }!
        for witness in [store, read] {
            let good = witness.encoded
            let preHash = witness.state.hash
            _ = try OneStepVerifier.step(witness: good, preStateHash: preHash, oracle: oracle)
            func rejects(_ mutate: (inout [UInt8]) -> Void) -> VerifierError? {
                var bad = good
                mutate(&bad)
                do {
                    _ = try OneStepVerifier.step(witness: bad, preStateHash: preHash, oracle: oracle)
                    return nil
                } catch { return error }
            }
            let sections = witness.sections
            let fetch = try #require(sections.fetchProof), data = try #require(sections.dataProof)
            #expect(sections.size == good.count && sections.fetchSiblings > 0)
            #expect(rejects { $0[fetch + WitnessLayout.proofHead + 5] ^= 1 } == .invalidFetchProof)
            // A leaf byte outside the instruction word, and a mask bit above the tree.
            #expect(rejects { $0[fetch + (witness.state.pc & 31 < 16 ? 31 : 0)] ^= 0x80 } == .invalidFetchProof)
            #expect(rejects { $0[fetch + WitnessLayout.proofMask] ^= 0x80 } == .invalidFetchProof)
            #expect(rejects { $0[data + WitnessLayout.proofMask] ^= 0x80 } == .invalidDataProof)
            if sections.dataSiblings > 0 {
                #expect(rejects { $0[data + WitnessLayout.proofHead + 31] ^= 1 } == .invalidDataProof)
            }
            // The leaf byte the step reads or overwrites, and one it keeps.
            #expect(rejects { $0[data + Int(witness.dataAddress & 31)] ^= 1 } == .invalidDataProof)
            #expect(rejects { $0[data + Int(witness.dataAddress & 31 ^ 16)] ^= 1 } == .invalidDataProof)
            // A version-1 witness (2036 bytes, its first byte the memory root's) is refused as such.
            #expect(rejects { $0 = witness.state.encoded + [UInt8](repeating: 0, count: WitnessLayout.version1Size - StateLayout.size) }
                    == .unsupportedWitnessVersion(witness.state.memRoot[0]))
            #expect(rejects { $0[0] = 2; $0 += [UInt8](repeating: 0, count: WitnessLayout.version1Size - $0.count) }
                    == .unsupportedWitnessVersion(2))
            if case .preStateMismatch = rejects({ $0[WitnessLayout.state + StateLayout.registers + 4 * 5 + 3] ^= 1 }) {} else {
                Issue.record("tampered pre-state accepted")
            }
            #expect(rejects { $0.removeLast() } == .wrongWitnessSize(good.count - 1))
            #expect(rejects { $0.append(0) } == .wrongWitnessSize(good.count + 1))
            if witness.preimagePart.length > 0 {
                let part = try #require(sections.preimagePart)
                #expect(rejects { $0[part + 9] ^= 1 } == .preimagePartMismatch)
                #expect(rejects { $0[part + 32] = 31 } == .preimagePartMismatch)
                // A part the oracle never proved is no rejection: the step faults with preimageUnavailable.
                var faulted = witness.state
                faulted.step += 1
                faulted.exited = true
                faulted.fault = FaultCode.preimageUnavailable.rawValue
                let outcome = try OneStepVerifier.stepWithStatus(witness: good, preStateHash: preHash, oracle: PreimageStore())
                #expect(outcome == StepOutcome(postStateHash: faulted.hash, partUnavailable: true))
            }
        }
    }

    @Test func everyStepOfTheRunVerifiesAndHaltedStatesStay() throws {
        let (witnesses, hashes, oracle) = try witnesses()
        for (witness, post) in zip(witnesses, hashes) {
            #expect(try OneStepVerifier.step(witness: witness.encoded, preStateHash: witness.state.hash, oracle: oracle) == post)
        }
        #expect(hashes.last![0] == VMStatus.invalid.rawValue) // exits with the byte count, 51
        // Stepping the halted final state is the identity.
        let vm = StepHarness.makeVM(preimageProgram(), data: [(0x8000, Keccak256.hash(Array("the quick brown fox jumps over the lazy dog".utf8)).bytes)], oracle: oracle)
        try vm.run()
        let final = vm.stateHash
        #expect(final == hashes.last!)
        let idle = try vm.stepWithWitness()
        #expect(vm.stateHash == final)
        #expect(try OneStepVerifier.step(witness: idle.encoded, preStateHash: final, oracle: oracle) == final)
    }
}
