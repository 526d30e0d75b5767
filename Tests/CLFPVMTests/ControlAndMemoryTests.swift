import CLFPVM
import CLPrimitives
import Testing

/// Branch case: funct3, operands, taken or not.
struct BranchCase: Sendable, CustomTestStringConvertible {
    let name: String, funct3: UInt32, a: UInt32, b: UInt32, taken: Bool
    var testDescription: String { name }
}

let branchCases: [BranchCase] = [
    .init(name: "beq taken", funct3: 0, a: 5, b: 5, taken: true), .init(name: "beq not", funct3: 0, a: 5, b: 6, taken: false),
    .init(name: "bne taken", funct3: 1, a: 5, b: 6, taken: true), .init(name: "bne not", funct3: 1, a: 6, b: 6, taken: false),
    .init(name: "blt signed", funct3: 4, a: 0xffff_ffff, b: 0, taken: true), .init(name: "blt not", funct3: 4, a: 0, b: 0xffff_ffff, taken: false),
    .init(name: "bge equal", funct3: 5, a: 7, b: 7, taken: true), .init(name: "bge signed", funct3: 5, a: 0x8000_0000, b: 0, taken: false),
    .init(name: "bltu", funct3: 6, a: 0, b: 0xffff_ffff, taken: true), .init(name: "bltu not", funct3: 6, a: 0xffff_ffff, b: 0, taken: false),
    .init(name: "bgeu", funct3: 7, a: 0xffff_ffff, b: 0, taken: true), .init(name: "bgeu not", funct3: 7, a: 0, b: 1, taken: false),
]

@Suite("RV32IM control flow, loads, stores, system")
struct ControlAndMemoryTests {
    @Test(arguments: branchCases, [4094, -4096, 8] as [Int32])
    func branch(_ c: BranchCase, offset: Int32) throws {
        let start: UInt32 = 0x10_0000
        let memory = Memory()
        memory.store32(start, RV.b(offset, 6, 5, c.funct3))
        var regs = [UInt32](repeating: 0, count: 32)
        regs[5] = c.a
        regs[6] = c.b
        let vm = FPVM(memory: memory, pc: start, registers: regs)
        let preHash = vm.stateHash
        let witness = try vm.stepWithWitness()
        #expect(try OneStepVerifier.step(witness: witness.encoded, preStateHash: preHash, oracle: PreimageStore()) == vm.stateHash)
        let expectedPC = c.taken ? UInt32(bitPattern: Int32(bitPattern: start) + offset) : start + 4
        #expect(vm.pc == expectedPC)
    }

    @Test(arguments: [1_048_574, -1_048_576, 4] as [Int32])
    func jalRangeLimits(offset: Int32) throws {
        let start: UInt32 = 0x20_0000
        let memory = Memory()
        memory.store32(start, RV.j(offset, 1))
        let vm = FPVM(memory: memory, pc: start)
        let preHash = vm.stateHash
        let witness = try vm.stepWithWitness()
        #expect(try OneStepVerifier.step(witness: witness.encoded, preStateHash: preHash, oracle: PreimageStore()) == vm.stateHash)
        #expect(vm.pc == UInt32(bitPattern: Int32(bitPattern: start) + offset))
        #expect(vm.register(1) == start + 4)
    }

    @Test func jalrClearsLowBitAndReadsRs1BeforeWritingRd() throws {
        // jalr x5, x5, 3 with x5 = 0x1005 → target (0x1005 + 3) & ~1 = 0x1008, x5 = 0x1004.
        let vm = try StepHarness.run([RV.jalr(5, 5, 3), 0, RV.addi(6, 0, 1)], registers: [5: 0x1005], steps: 2)
        #expect(vm.register(5) == 0x1004)
        #expect(vm.register(6) == 1)
    }

    @Test func misalignedJumpTargetFaultsAtFetch() throws {
        let vm = try StepHarness.run([RV.jalr(0, 5, 2)], registers: [5: 0x2000], steps: 2)
        #expect(vm.pc == 0x2002)
        #expect(vm.exited && vm.fault == FaultCode.misalignedFetch.rawValue)
    }

    @Test func loadsSignAndZeroExtend() throws {
        let data: [(UInt32, [UInt8])] = [(0x4000, [0x80, 0xff, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12])]
        let words: [UInt32] = [
            RV.i(0, 5, 0, 10, 0x03), RV.i(0, 5, 4, 11, 0x03), RV.i(0, 5, 1, 12, 0x03), RV.i(0, 5, 5, 13, 0x03),
            RV.i(4, 5, 2, 14, 0x03), RV.i(-4, 6, 2, 15, 0x03), RV.i(2, 5, 1, 16, 0x03),
        ]
        let vm = try StepHarness.run(words, registers: [5: 0x4000, 6: 0x4008], data: data, steps: 7)
        #expect(vm.register(10) == 0xffff_ff80) // lb
        #expect(vm.register(11) == 0x80)        // lbu
        #expect(vm.register(12) == 0xffff_ff80) // lh of 0xff80
        #expect(vm.register(13) == 0xff80)      // lhu
        #expect(vm.register(14) == 0x1234_5678) // lw
        #expect(vm.register(15) == 0x1234_5678) // lw with negative offset
        #expect(vm.register(16) == 0x1234)      // lh at +2
    }

    @Test func storesWriteLittleEndian() throws {
        let words: [UInt32] = [RV.s(0, 6, 5, 2), RV.s(4, 6, 5, 1), RV.s(7, 6, 5, 0), RV.s(-1, 6, 5, 0)]
        let vm = try StepHarness.run(words, registers: [5: 0x5000, 6: 0xa1b2_c3d4], steps: 4)
        #expect(vm.memory.read(0x4fff, count: 9) == [0xd4, 0xd4, 0xc3, 0xb2, 0xa1, 0xd4, 0xc3, 0, 0xd4])
    }

    @Test(arguments: [(RV.i(1, 5, 2, 7, 0x03), FaultCode.misalignedLoad), (RV.i(3, 5, 1, 7, 0x03), .misalignedLoad),
                      (RV.s(2, 6, 5, 2), .misalignedStore), (RV.s(1, 6, 5, 1), .misalignedStore),
                      (RV.i(0, 5, 3, 7, 0x03), .illegalInstruction), (RV.s(0, 6, 5, 3), .illegalInstruction),
                      (RV.b(8, 0, 0, 2), .illegalInstruction), (RV.ebreak, .breakpoint), (RV.unimp, .illegalInstruction),
                      (0, .illegalInstruction), (0xffff_ffff, .illegalInstruction), (RV.i(0, 0, 1, 0, 0x67), .illegalInstruction)])
    func faults(insn: UInt32, fault: FaultCode) throws {
        let vm = try StepHarness.run([insn, RV.addi(1, 0, 1)], registers: [5: 0x6000], steps: 3)
        #expect(vm.exited)
        #expect(vm.fault == fault.rawValue)
        #expect(vm.step == 1) // a halted VM does not advance
        #expect(vm.pc == StepHarness.codeBase)
        #expect(vm.register(1) == 0)
    }

    @Test func fencesAreNoOps() throws {
        let vm = try StepHarness.run([RV.fence, RV.fenceI, RV.addi(1, 0, 9)], steps: 3)
        #expect(vm.register(1) == 9 && !vm.exited)
    }

    @Test func exitSetsCodeAndStatus() throws {
        let vm = try StepHarness.run([RV.addi(10, 0, 300), RV.addi(17, 0, 93), RV.ecall], steps: 4)
        #expect(vm.exited && vm.exitCode == 44 && vm.fault == 0) // 300 & 0xff
        #expect(vm.state.status == .invalid)
        #expect(vm.stateHash[0] == VMStatus.invalid.rawValue)
        let ok = try StepHarness.run([RV.addi(17, 0, 94), RV.ecall], steps: 2)
        #expect(ok.state.status == .valid && ok.stateHash[0] == 0)
        let unknown = try StepHarness.run([RV.addi(17, 0, 222), RV.ecall], steps: 2)
        #expect(unknown.fault == FaultCode.unknownSyscall.rawValue && unknown.stateHash[0] == 2)
    }

    @Test func writeAndReadDescriptors() throws {
        let words: [UInt32] = [
            RV.addi(17, 0, 64), RV.addi(10, 0, 1), RV.ecall, RV.addi(20, 10, 0),        // write(1, buf, 5) → 5
            RV.addi(10, 0, 9), RV.ecall, RV.addi(21, 10, 0),                            // write(9, …) → -EBADF
            RV.addi(17, 0, 63), RV.addi(10, 0, 0), RV.ecall, RV.addi(22, 10, 0),        // read(0) → 0
            RV.addi(10, 0, 4), RV.ecall, RV.addi(23, 10, 0),                            // read(4) → count
        ]
        let vm = try StepHarness.run(words, registers: [11: 0x7000, 12: 5], data: [(0x7000, Array("hello".utf8))],
                                     steps: words.count)
        #expect(vm.standardOutput == Array("hello".utf8))
        #expect(vm.register(20) == 5)
        #expect(vm.register(21) == UInt32(bitPattern: -9))
        #expect(vm.register(22) == 0)
        #expect(vm.register(23) == 5)
    }
}
