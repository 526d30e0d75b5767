/// A small RV32IM instruction encoder for tests (field layouts from the RISC-V unprivileged spec, ch. 2).
enum RV {
    static func r(_ funct7: UInt32, _ rs2: UInt32, _ rs1: UInt32, _ funct3: UInt32, _ rd: UInt32, _ opcode: UInt32) -> UInt32 {
        funct7 << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode
    }
    static func i(_ imm: Int32, _ rs1: UInt32, _ funct3: UInt32, _ rd: UInt32, _ opcode: UInt32) -> UInt32 {
        (UInt32(bitPattern: imm) & 0xfff) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode
    }
    static func s(_ imm: Int32, _ rs2: UInt32, _ rs1: UInt32, _ funct3: UInt32) -> UInt32 {
        let v = UInt32(bitPattern: imm)
        return ((v >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | (v & 31) << 7 | 0x23
    }
    static func b(_ imm: Int32, _ rs2: UInt32, _ rs1: UInt32, _ funct3: UInt32) -> UInt32 {
        let v = UInt32(bitPattern: imm)
        return ((v >> 12) & 1) << 31 | ((v >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12
            | ((v >> 1) & 0xf) << 8 | ((v >> 11) & 1) << 7 | 0x63
    }
    static func u(_ imm20: UInt32, _ rd: UInt32, _ opcode: UInt32) -> UInt32 { (imm20 & 0xfffff) << 12 | rd << 7 | opcode }
    static func j(_ imm: Int32, _ rd: UInt32) -> UInt32 {
        let v = UInt32(bitPattern: imm)
        return ((v >> 20) & 1) << 31 | ((v >> 1) & 0x3ff) << 21 | ((v >> 11) & 1) << 20 | ((v >> 12) & 0xff) << 12
            | rd << 7 | 0x6f
    }
    static func addi(_ rd: UInt32, _ rs1: UInt32, _ imm: Int32) -> UInt32 { i(imm, rs1, 0, rd, 0x13) }
    static func jalr(_ rd: UInt32, _ rs1: UInt32, _ imm: Int32) -> UInt32 { i(imm, rs1, 0, rd, 0x67) }
    static func lui(_ rd: UInt32, _ imm20: UInt32) -> UInt32 { u(imm20, rd, 0x37) }
    static func auipc(_ rd: UInt32, _ imm20: UInt32) -> UInt32 { u(imm20, rd, 0x17) }
    static let ecall: UInt32 = 0x0000_0073
    static let ebreak: UInt32 = 0x0010_0073
    static let unimp: UInt32 = 0xc000_1073
    static let fence: UInt32 = 0x0ff0_000f
    static let fenceI: UInt32 = 0x0000_100f
}
