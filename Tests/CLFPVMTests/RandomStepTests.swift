import CLFPVM
import CLPrimitives
import Testing

/// Seeded random single steps: random instruction words (mostly with a valid major opcode, some fully
/// random), random registers, some memory, through the interpreter and the one-step verifier.
@Suite("Random single steps")
struct RandomStepTests {
    static let opcodes: [UInt32] = [0x03, 0x0f, 0x13, 0x17, 0x23, 0x33, 0x37, 0x63, 0x67, 0x6f, 0x73]

    @Test(arguments: [11, 22, 33] as [UInt64])
    func interpreterAndVerifierAgree(seed: UInt64) throws {
        var rng = SplitMix(state: seed)
        var statuses: [VMStatus: Int] = [:]
        for round in 0..<700 {
            var word = UInt32.random(in: 0...UInt32.max, using: &rng)
            if round % 8 != 0 { word = word & ~0x7f | Self.opcodes.randomElement(using: &rng)! }
            if word & 0x7f == 0x33, round % 3 == 0 { word = word & 0x01ff_ffff | 0x0200_0000 } // M extension
            if word & 0x7f == 0x73, round % 2 == 0 { word = [0x73, 0x0010_0073][Int.random(in: 0...1, using: &rng)] }
            let pc = UInt32.random(in: 0...0x3fff_ffff, using: &rng) & ~3
            let memory = Memory()
            memory.store32(pc, word)
            var registers = (0..<32).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) }
            registers[0] = 0
            // Keep some base registers small and aligned so that loads/stores often hit data.
            for r in [5, 10, 11] { registers[r] = 0x4000 + UInt32.random(in: 0..<64, using: &rng) * 4 }
            registers[17] = [63, 64, 93, 94, 1][Int.random(in: 0...4, using: &rng)]
            registers[12] = UInt32.random(in: 0...40, using: &rng)
            for i in 0..<8 { memory.store32(0x4000 + UInt32(i) * 32, UInt32.random(in: 0...UInt32.max, using: &rng)) }
            let vm = FPVM(memory: memory, pc: pc, registers: registers)
            let preHash = vm.stateHash
            let witness = try vm.stepWithWitness()
            let verified = try OneStepVerifier.step(witness: witness.encoded, preStateHash: preHash, oracle: PreimageStore())
            #expect(verified == vm.stateHash, "word \(String(word, radix: 16)) at pc \(String(pc, radix: 16))")
            statuses[vm.state.status, default: 0] += 1
        }
        // The sample covers running, faulting and exiting steps.
        #expect(statuses[.unfinished, default: 0] > 300)
        #expect(statuses[.panic, default: 0] > 20)
        #expect(statuses[.valid, default: 0] + statuses[.invalid, default: 0] > 0)
    }
}
