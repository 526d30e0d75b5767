/// Data-memory access as one instruction sees it. The fast mode goes straight to the pages; the proving
/// mode also captures the Merkle proof of the accessed leaf before the access (see `ProvingAccess`).
/// Addresses are already checked for alignment, so an access never crosses a 32-byte leaf.
protocol GuestAccess {
    mutating func load8(_ address: UInt32) -> UInt32
    mutating func load16(_ address: UInt32) -> UInt32
    mutating func load32(_ address: UInt32) -> UInt32
    mutating func store8(_ address: UInt32, _ value: UInt32)
    mutating func store16(_ address: UInt32, _ value: UInt32)
    mutating func store32(_ address: UInt32, _ value: UInt32)
}

/// Plain execution: no proofs, no hashing. Holds the page table itself so that an access is one table
/// load and one data load (stores also set the leaf's dirty bit).
struct FastAccess: GuestAccess {
    let table: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    unowned(unsafe) let memory: Memory

    init(memory: Memory) {
        self.memory = memory
        table = memory.table
    }

    @inline(__always) func page(_ address: UInt32) -> UnsafeMutableRawPointer? { table[Int(address >> 12)] }

    @inline(__always) func writablePage(_ address: UInt32) -> UnsafeMutableRawPointer {
        if let page = table[Int(address >> 12)],
           page.load(fromByteOffset: PageRecord.listed, as: UInt32.self) == PageFlags.inDirtyList {
            return page
        }
        return memory.preparePageForWrite(address >> 12)
    }

    @inline(__always) mutating func load8(_ address: UInt32) -> UInt32 {
        guard let page = page(address) else { return 0 }
        return UInt32(page.load(fromByteOffset: Int(address & 0xfff), as: UInt8.self))
    }
    @inline(__always) mutating func load16(_ address: UInt32) -> UInt32 {
        guard let page = page(address) else { return 0 }
        return UInt32(UInt16(littleEndian: page.load(fromByteOffset: Int(address & 0xfff), as: UInt16.self)))
    }
    @inline(__always) mutating func load32(_ address: UInt32) -> UInt32 {
        guard let page = page(address) else { return 0 }
        return UInt32(littleEndian: page.load(fromByteOffset: Int(address & 0xfff), as: UInt32.self))
    }
    @inline(__always) mutating func store8(_ address: UInt32, _ value: UInt32) {
        let page = writablePage(address)
        page.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: Int(address & 0xfff), as: UInt8.self)
        memory.markDirty(page, address)
    }
    @inline(__always) mutating func store16(_ address: UInt32, _ value: UInt32) {
        let page = writablePage(address)
        page.storeBytes(of: UInt16(truncatingIfNeeded: value).littleEndian, toByteOffset: Int(address & 0xfff),
                        as: UInt16.self)
        memory.markDirty(page, address)
    }
    @inline(__always) mutating func store32(_ address: UInt32, _ value: UInt32) {
        let page = writablePage(address)
        page.storeBytes(of: value.littleEndian, toByteOffset: Int(address & 0xfff), as: UInt32.self)
        memory.markDirty(page, address)
    }
}

/// What one instruction asks of the step loop.
enum Outcome {
    /// Continue at this pc.
    case next(UInt32)
    /// `ECALL`: the syscall layer decides (pc not yet advanced).
    case ecall
    /// Halt with this fault (pc not advanced).
    case fault(FaultCode)
}

/// Sign-extends the low `bits` bits of `value`.
@inline(__always)
func signExtend(_ value: UInt32, bits: UInt32) -> UInt32 {
    let shift = 32 - bits
    return UInt32(bitPattern: Int32(bitPattern: value << shift) >> Int32(shift))
}

/// The immediate of an I-type instruction (loads, ALU-immediate, JALR).
@inline(__always) func immI(_ insn: UInt32) -> UInt32 { UInt32(bitPattern: Int32(bitPattern: insn) >> 20) }

/// The immediate of an S-type instruction (stores).
@inline(__always) func immS(_ insn: UInt32) -> UInt32 {
    UInt32(bitPattern: Int32(bitPattern: insn & 0xfe00_0000) >> 20) | ((insn >> 7) & 0x1f)
}

/// The immediate of a B-type instruction (branches), a multiple of 2.
@inline(__always) func immB(_ insn: UInt32) -> UInt32 {
    UInt32(bitPattern: Int32(bitPattern: insn & 0x8000_0000) >> 19)
        | ((insn & 0x80) << 4) | ((insn >> 20) & 0x7e0) | ((insn >> 7) & 0x1e)
}

/// The immediate of a J-type instruction (JAL), a multiple of 2.
@inline(__always) func immJ(_ insn: UInt32) -> UInt32 {
    UInt32(bitPattern: Int32(bitPattern: insn & 0x8000_0000) >> 11)
        | (insn & 0xff000) | ((insn >> 9) & 0x800) | ((insn >> 20) & 0x7fe)
}

/// The M extension: MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU with the RISC-V rules for
/// division by zero (quotient all ones, remainder the dividend) and overflow (-2^31 / -1).
@inline(__always)
func multiplyDivide(funct3: UInt32, _ a: UInt32, _ b: UInt32) -> UInt32 {
    let sa = Int32(bitPattern: a), sb = Int32(bitPattern: b)
    switch funct3 {
    case 0: return a &* b
    case 1: return UInt32(truncatingIfNeeded: (Int64(sa) &* Int64(sb)) >> 32)
    case 2: return UInt32(truncatingIfNeeded: (Int64(sa) &* Int64(UInt64(b))) >> 32)
    case 3: return UInt32(truncatingIfNeeded: (UInt64(a) &* UInt64(b)) >> 32)
    case 4:
        if b == 0 { return UInt32.max }
        if sa == Int32.min && sb == -1 { return a }
        return UInt32(bitPattern: sa / sb)
    case 5:
        return b == 0 ? UInt32.max : a / b
    case 6:
        if b == 0 { return a }
        if sa == Int32.min && sb == -1 { return 0 }
        return UInt32(bitPattern: sa % sb)
    default:
        return b == 0 ? a : a % b
    }
}

/// Executes one instruction word: the single instruction semantics of both execution modes.
/// Writes `rd` (callers reset x0 afterwards) and memory through `memory`; returns the next pc or what halts.
///
/// Dispatch is one dense switch on `opcode[6:2] | funct3 << 5` (8 bits, so the compiler emits a single
/// jump table); the two low opcode bits must be `11` (no compressed instructions). Key of each case:
/// `opcode >> 2` is LOAD 0, MISC-MEM 3, OP-IMM 4, AUIPC 5, STORE 8, OP 12, LUI 13, BRANCH 24, JALR 25,
/// JAL 27, SYSTEM 28, plus 32 × funct3.
@inline(__always)
func execute<Access: GuestAccess>(_ insn: UInt32, pc: UInt32, registers x: UnsafeMutablePointer<UInt32>,
                                  memory: inout Access) -> Outcome {
    guard insn & 3 == 3 else { return .fault(.illegalInstruction) }
    let rd = Int((insn >> 7) & 31)
    let rs1 = x[Int((insn >> 15) & 31)]
    let funct7 = insn >> 25
    switch ((insn >> 2) & 31) | ((insn >> 7) & 0xe0) {
    // OP-IMM
    case 4: x[rd] = rs1 &+ immI(insn)                                                   // ADDI
    case 36:                                                                             // SLLI
        guard funct7 == 0 else { return .fault(.illegalInstruction) }
        x[rd] = rs1 << ((insn >> 20) & 31)
    case 68: x[rd] = Int32(bitPattern: rs1) < Int32(bitPattern: immI(insn)) ? 1 : 0     // SLTI
    case 100: x[rd] = rs1 < immI(insn) ? 1 : 0                                          // SLTIU
    case 132: x[rd] = rs1 ^ immI(insn)                                                  // XORI
    case 164:                                                                            // SRLI, SRAI
        let shamt = (insn >> 20) & 31
        if funct7 == 0 {
            x[rd] = rs1 >> shamt
        } else if funct7 == 0x20 {
            x[rd] = UInt32(bitPattern: Int32(bitPattern: rs1) >> Int32(shamt))
        } else {
            return .fault(.illegalInstruction)
        }
    case 196: x[rd] = rs1 | immI(insn)                                                  // ORI
    case 228: x[rd] = rs1 & immI(insn)                                                  // ANDI
    // OP (funct7 0: base, 0x20: SUB/SRA, 1: M extension)
    case 12, 44, 76, 108, 140, 172, 204, 236:
        let rs2 = x[Int((insn >> 20) & 31)]
        let funct3 = (insn >> 12) & 7
        if funct7 == 0 {
            switch funct3 {
            case 0: x[rd] = rs1 &+ rs2
            case 1: x[rd] = rs1 << (rs2 & 31)
            case 2: x[rd] = Int32(bitPattern: rs1) < Int32(bitPattern: rs2) ? 1 : 0
            case 3: x[rd] = rs1 < rs2 ? 1 : 0
            case 4: x[rd] = rs1 ^ rs2
            case 5: x[rd] = rs1 >> (rs2 & 31)
            case 6: x[rd] = rs1 | rs2
            default: x[rd] = rs1 & rs2
            }
        } else if funct7 == 1 {
            x[rd] = multiplyDivide(funct3: funct3, rs1, rs2)
        } else if funct7 == 0x20 && funct3 == 0 {
            x[rd] = rs1 &- rs2
        } else if funct7 == 0x20 && funct3 == 5 {
            x[rd] = UInt32(bitPattern: Int32(bitPattern: rs1) >> Int32(rs2 & 31))
        } else {
            return .fault(.illegalInstruction)
        }
    // LOAD
    case 0: x[rd] = signExtend(memory.load8(rs1 &+ immI(insn)), bits: 8)                // LB
    case 128: x[rd] = memory.load8(rs1 &+ immI(insn))                                   // LBU
    case 32, 160:                                                                        // LH, LHU
        let address = rs1 &+ immI(insn)
        guard address & 1 == 0 else { return .fault(.misalignedLoad) }
        let half = memory.load16(address)
        x[rd] = insn & 0x4000 == 0 ? signExtend(half, bits: 16) : half
    case 64:                                                                             // LW
        let address = rs1 &+ immI(insn)
        guard address & 3 == 0 else { return .fault(.misalignedLoad) }
        x[rd] = memory.load32(address)
    // STORE
    case 8: memory.store8(rs1 &+ immS(insn), x[Int((insn >> 20) & 31)])                 // SB
    case 40:                                                                             // SH
        let address = rs1 &+ immS(insn)
        guard address & 1 == 0 else { return .fault(.misalignedStore) }
        memory.store16(address, x[Int((insn >> 20) & 31)])
    case 72:                                                                             // SW
        let address = rs1 &+ immS(insn)
        guard address & 3 == 0 else { return .fault(.misalignedStore) }
        memory.store32(address, x[Int((insn >> 20) & 31)])
    // BRANCH
    case 24: return .next(rs1 == x[Int((insn >> 20) & 31)] ? pc &+ immB(insn) : pc &+ 4)       // BEQ
    case 56: return .next(rs1 != x[Int((insn >> 20) & 31)] ? pc &+ immB(insn) : pc &+ 4)       // BNE
    case 152:                                                                                     // BLT
        return .next(Int32(bitPattern: rs1) < Int32(bitPattern: x[Int((insn >> 20) & 31)]) ? pc &+ immB(insn) : pc &+ 4)
    case 184:                                                                                     // BGE
        return .next(Int32(bitPattern: rs1) >= Int32(bitPattern: x[Int((insn >> 20) & 31)]) ? pc &+ immB(insn) : pc &+ 4)
    case 216: return .next(rs1 < x[Int((insn >> 20) & 31)] ? pc &+ immB(insn) : pc &+ 4)       // BLTU
    case 248: return .next(rs1 >= x[Int((insn >> 20) & 31)] ? pc &+ immB(insn) : pc &+ 4)      // BGEU
    // LUI, AUIPC, JAL (funct3 bits are immediate bits), JALR
    case 13, 45, 77, 109, 141, 173, 205, 237: x[rd] = insn & 0xffff_f000
    case 5, 37, 69, 101, 133, 165, 197, 229: x[rd] = pc &+ (insn & 0xffff_f000)
    case 27, 59, 91, 123, 155, 187, 219, 251:
        x[rd] = pc &+ 4
        return .next(pc &+ immJ(insn))
    case 25:
        let target = (rs1 &+ immI(insn)) & ~1
        x[rd] = pc &+ 4
        return .next(target)
    // MISC-MEM: FENCE, FENCE.I are no-ops
    case 3, 35: break
    // SYSTEM
    case 28:
        if insn == 0x0000_0073 { return .ecall }
        if insn == 0x0010_0073 { return .fault(.breakpoint) }
        return .fault(.illegalInstruction)
    default:
        return .fault(.illegalInstruction)
    }
    return .next(pc &+ 4)
}
