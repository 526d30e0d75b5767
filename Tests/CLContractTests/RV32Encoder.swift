/// Encodes RV32IM instruction words from their fields (RISC-V unprivileged spec, chapter 2 formats),
/// for building test programs and random pre-states.
enum RV32Encoder {
    static func r(_ opcode: UInt32, rd: UInt32, funct3: UInt32, rs1: UInt32, rs2: UInt32, funct7: UInt32) -> UInt32 {
        funct7 << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode
    }

    static func i(_ opcode: UInt32, rd: UInt32, funct3: UInt32, rs1: UInt32, imm: Int32) -> UInt32 {
        (UInt32(bitPattern: imm) & 0xfff) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode
    }

    static func s(_ opcode: UInt32, funct3: UInt32, rs1: UInt32, rs2: UInt32, imm: Int32) -> UInt32 {
        let value = UInt32(bitPattern: imm) & 0xfff
        return (value >> 5) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | (value & 31) << 7 | opcode
    }

    static func b(funct3: UInt32, rs1: UInt32, rs2: UInt32, imm: Int32) -> UInt32 {
        let v = UInt32(bitPattern: imm) & 0x1fff
        return ((v >> 12) & 1) << 31 | ((v >> 5) & 63) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12
            | ((v >> 1) & 15) << 8 | ((v >> 11) & 1) << 7 | 0x63
    }

    static func u(_ opcode: UInt32, rd: UInt32, imm: UInt32) -> UInt32 { (imm & 0xfffff000) | rd << 7 | opcode }

    static func j(rd: UInt32, imm: Int32) -> UInt32 {
        let v = UInt32(bitPattern: imm) & 0x1fffff
        return ((v >> 20) & 1) << 31 | ((v >> 1) & 1023) << 21 | ((v >> 11) & 1) << 20 | ((v >> 12) & 255) << 12
            | rd << 7 | 0x6f
    }

    static func addi(_ rd: UInt32, _ rs1: UInt32, _ imm: Int32) -> UInt32 { i(0x13, rd: rd, funct3: 0, rs1: rs1, imm: imm) }
    static let ecall: UInt32 = 0x73
    static let ebreak: UInt32 = 0x0010_0073
}
