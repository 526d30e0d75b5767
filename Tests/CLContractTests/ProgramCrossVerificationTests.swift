import CLDispute
import CLFPVM
import CLPrimitives
import Testing
import TestSupport

@Suite("RV32Step contract vs Swift verifier: programs", .serialized)
struct ProgramCrossVerificationTests {
    /// A loop over an array with loads, stores, multiply, divide and branches, then exit(0).
    static let arrayLoop: [UInt32] = {
        typealias E = RV32Encoder
        return [
            E.addi(5, 0, 0x200),                                           // x5 = array base 0x200 (+ base below)
            E.u(0x37, rd: 6, imm: 0x0002_0000), E.r(0x33, rd: 5, funct3: 0, rs1: 5, rs2: 6, funct7: 0), // x5 += 0x20000
            E.addi(7, 0, 24),                                              // x7 = count
            E.addi(8, 0, 0),                                               // x8 = i
            E.addi(9, 0, -3),                                              // x9 = accumulator
            // loop:
            E.r(0x33, rd: 10, funct3: 0, rs1: 8, rs2: 8, funct7: 1),       // x10 = i * i
            E.r(0x33, rd: 10, funct3: 4, rs1: 10, rs2: 9, funct7: 1),      // x10 = x10 / x9 (signed)
            E.s(0x23, funct3: 2, rs1: 5, rs2: 10, imm: 0),                 // sw x10, 0(x5)
            E.s(0x23, funct3: 0, rs1: 5, rs2: 8, imm: 5),                  // sb x8, 5(x5)
            E.i(0x03, rd: 11, funct3: 1, rs1: 5, imm: 2),                  // lh x11, 2(x5)
            E.i(0x03, rd: 12, funct3: 4, rs1: 5, imm: 5),                  // lbu x12, 5(x5)
            E.r(0x33, rd: 9, funct3: 6, rs1: 9, rs2: 11, funct7: 1),       // x9 = x9 % x11 (rem)
            E.r(0x33, rd: 9, funct3: 0, rs1: 9, rs2: 12, funct7: 0x20),    // x9 -= x12
            E.addi(5, 5, 12),                                              // x5 += 12
            E.addi(8, 8, 1),                                               // i += 1
            E.b(funct3: 4, rs1: 8, rs2: 7, imm: -40),                      // blt i, count, loop
            E.addi(10, 0, 0), E.addi(17, 0, 93), E.ecall,                  // exit(0)
        ]
    }()

    @Test("every step of an assembled loop (loads, stores, M extension, branches, exit)")
    func arrayLoopProgram() throws {
        let verifier = try ContractFixture.verifier()
        let memory = Memory()
        for (i, word) in Self.arrayLoop.enumerated() { memory.store32(0x1_0000 + UInt32(4 * i), word) }
        let vm = FPVM(memory: memory, pc: 0x1_0000)
        let mismatches = try ContractFixture.crossVerify(vm, steps: 300, on: verifier, label: "array loop")
        #expect(mismatches.isEmpty)
        #expect(vm.exited && vm.fault == 0)
    }

    /// The stepmix Embedded Swift guest with a preimage key as input.
    static func stepmix() throws -> (FPVM, UInt64) {
        let program = try GuestProgram(elf: Array(Fixtures.data("fpvm/guests/stepmix/stepmix.elf")))
        var store = PreimageStore()
        let key = store.add(Array(try Fixtures.data("fpvm/guests/stepmix/preimage.bin")))
        let vm = try program.makeVM(input: key.bytes, oracle: store)
        // Count the steps with a fast run of a copy.
        let fast = try program.makeVM(input: key.bytes, oracle: store)
        try fast.run()
        return (vm, fast.step)
    }

    @Test("the stepmix Embedded Swift guest: sampled steps and every syscall agree")
    func stepmixGuest() throws {
        let verifier = try ContractFixture.verifier()
        let (vm, total) = try Self.stepmix()
        #expect(total >= 100_000, "stepmix runs \(total) steps")
        var mismatches: [StepMismatch] = []
        var checked = 0
        var classes: Set<InstructionClass> = []
        var random = SplitMix64(seed: 7)
        while !vm.exited {
            let witness = try vm.stepWithWitness()
            let kind = InstructionClass(witness: witness)
            // Every syscall and preimage read, and one step in 40 of the rest.
            guard kind == .syscall || kind == .preimageRead || random.next() % 40 == 0 else { continue }
            let (outcome, mismatch) = try verifier.crossVerify(witness, store: vm.oracle)
            if let mismatch { mismatches.append(mismatch); print("MISMATCH stepmix \(mismatch)") }
            #expect(outcome.postStateHash == vm.stateHash, "stepmix step \(witness.state.step)")
            checked += 1
            classes.insert(kind)
        }
        #expect(mismatches.isEmpty)
        #expect(vm.exitCode == 0 && vm.fault == 0)
        #expect(Set(InstructionClass.allCases).subtracting([.other]).isSubset(of: classes), "\(classes)")
        print("stepmix: \(total) steps, \(checked) cross-verified")
    }
}
