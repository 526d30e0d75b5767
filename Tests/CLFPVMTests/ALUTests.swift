import CLFPVM
import Testing

/// One register-register or register-immediate case: the instruction, its operands and the value the
/// RISC-V unprivileged spec gives (edge cases worked out by hand from the spec's definitions).
struct ALUCase: CustomTestStringConvertible, Sendable {
    let name: String
    let insn: UInt32
    let a: UInt32
    let b: UInt32
    let expected: UInt32
    var testDescription: String { name }

    /// `rd = x5 op x6` for OP (opcode 0x33).
    static func op(_ name: String, _ funct7: UInt32, _ funct3: UInt32, _ a: UInt32, _ b: UInt32, _ expected: UInt32) -> ALUCase {
        ALUCase(name: name, insn: RV.r(funct7, 6, 5, funct3, 7, 0x33), a: a, b: b, expected: expected)
    }

    /// `rd = x5 op imm` for OP-IMM (opcode 0x13).
    static func imm(_ name: String, _ funct3: UInt32, _ immediate: Int32, _ a: UInt32, _ expected: UInt32,
                    funct7: UInt32 = 0) -> ALUCase {
        let insn = RV.i(immediate, 5, funct3, 7, 0x13) | funct7 << 25
        return ALUCase(name: name, insn: insn, a: a, b: 0, expected: expected)
    }
}

let minInt: UInt32 = 0x8000_0000
let minusOne: UInt32 = 0xffff_ffff

let registerCases: [ALUCase] = [
    .op("add", 0, 0, 7, 5, 12), .op("add wraps", 0, 0, minusOne, 1, 0),
    .op("sub", 0x20, 0, 5, 7, 0xffff_fffe), .op("sub min", 0x20, 0, minInt, 1, 0x7fff_ffff),
    .op("sll 31", 0, 1, 1, 31, minInt), .op("sll uses low 5 bits", 0, 1, 1, 33, 2),
    .op("slt signed", 0, 2, minusOne, 0, 1), .op("slt equal", 0, 2, 5, 5, 0),
    .op("sltu unsigned", 0, 3, minusOne, 0, 0), .op("sltu less", 0, 3, 0, minusOne, 1),
    .op("xor", 0, 4, 0xf0f0_f0f0, 0xff00_ff00, 0x0ff0_0ff0),
    .op("srl 31", 0, 5, minInt, 31, 1), .op("sra 31", 0x20, 5, minInt, 31, minusOne),
    .op("sra positive", 0x20, 5, 0x4000_0000, 30, 1),
    .op("or", 0, 6, 0xf0, 0x0f, 0xff), .op("and", 0, 7, 0xf0, 0x3c, 0x30),
    .op("mul", 1, 0, 0x1_0001, 0x1_0001, 0x2_0001), .op("mul wraps", 1, 0, minusOne, minusOne, 1),
    .op("mulh -1*-1", 1, 1, minusOne, minusOne, 0), .op("mulh min*min", 1, 1, minInt, minInt, 0x4000_0000),
    .op("mulh -1*1", 1, 1, minusOne, 1, minusOne),
    .op("mulhsu -1*max", 1, 2, minusOne, minusOne, minusOne), .op("mulhsu 2*max", 1, 2, 2, minusOne, 1),
    .op("mulhu max*max", 1, 3, minusOne, minusOne, 0xffff_fffe),
    .op("div", 1, 4, UInt32(bitPattern: -7), 2, UInt32(bitPattern: -3)),
    .op("div by zero", 1, 4, 5, 0, minusOne), .op("div overflow", 1, 4, minInt, minusOne, minInt),
    .op("divu", 1, 5, minusOne, 2, 0x7fff_ffff), .op("divu by zero", 1, 5, 5, 0, minusOne),
    .op("rem", 1, 6, UInt32(bitPattern: -7), 2, minusOne), .op("rem by zero", 1, 6, UInt32(bitPattern: -7), 0, UInt32(bitPattern: -7)),
    .op("rem overflow", 1, 6, minInt, minusOne, 0),
    .op("remu", 1, 7, minusOne, 10, 5), .op("remu by zero", 1, 7, 9, 0, 9),
]

let immediateCases: [ALUCase] = [
    .imm("addi -2048", 0, -2048, 0, 0xffff_f800), .imm("addi 2047", 0, 2047, 1, 2048),
    .imm("slti", 2, -1, minusOne, 0), .imm("slti less", 2, 0, minusOne, 1),
    .imm("sltiu -1 is max", 3, -1, 5, 1), .imm("sltiu 0", 3, 0, 0, 0),
    .imm("xori -1 is not", 4, -1, 0x1234_5678, 0xedcb_a987), .imm("ori", 6, 0x0f0, 0xf00, 0xff0),
    .imm("andi sign-extended", 7, -16, 0x1234_5678, 0x1234_5670),
    .imm("slli 31", 1, 31, 3, minInt), .imm("srli 31", 5, 31, minusOne, 1),
    .imm("srai 31", 5, 31, minInt, minusOne, funct7: 0x20), .imm("srai 4", 5, 4, 0xf000_0000, 0xff00_0000, funct7: 0x20),
]

@Suite("RV32IM ALU and M extension")
struct ALUTests {
    @Test(arguments: registerCases + immediateCases)
    func aluInstruction(_ c: ALUCase) throws {
        let vm = try StepHarness.run([c.insn], registers: [5: c.a, 6: c.b], steps: 1)
        #expect(vm.register(7) == c.expected)
        #expect(vm.pc == StepHarness.codeBase + 4)
        #expect(!vm.exited)
    }

    @Test func writesToX0AreDiscarded() throws {
        let vm = try StepHarness.run([RV.addi(0, 0, 5), RV.lui(0, 0x12345), RV.j(8, 0), RV.addi(1, 0, 1),
                                      RV.r(1, 6, 5, 0, 0, 0x33)], registers: [5: 3, 6: 4], steps: 4)
        #expect(vm.register(0) == 0)
        #expect(vm.state.registers[0] == 0)
        #expect(vm.register(1) == 0) // skipped by the jump
    }

    @Test func upperImmediates() throws {
        let vm = try StepHarness.run([RV.lui(1, 0xfffff), RV.auipc(2, 0x80000)], steps: 2)
        #expect(vm.register(1) == 0xffff_f000)
        #expect(vm.register(2) == 0x8000_0000 &+ StepHarness.codeBase + 4)
    }

    @Test(arguments: [(0x0200_0033 | 0x4000_0000 as UInt32, "funct7 0x21"), (0x4000_1033, "sll with funct7 0x20"),
                      (0x0200_1013, "slli with imm[5] set"), (0x2000_5013, "srli with funct7 0x10")])
    func illegalALUEncodings(insn: UInt32, name: String) throws {
        let vm = try StepHarness.run([insn], steps: 1)
        #expect(vm.exited && vm.fault == FaultCode.illegalInstruction.rawValue, "\(name)")
        #expect(vm.state.status == .panic)
    }
}
