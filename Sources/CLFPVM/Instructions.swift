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
        if let page = table[Int(address >> 12)] { return page }
        return memory.allocatePage(address >> 12)
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

/// The ALU result of an R-type instruction (OP, opcode 0x33) or nil when the encoding is illegal.
@inline(__always)
func aluRegister(funct7: UInt32, funct3: UInt32, _ a: UInt32, _ b: UInt32) -> UInt32? {
    switch funct7 {
    case 0x00:
        switch funct3 {
        case 0: return a &+ b
        case 1: return a << (b & 31)
        case 2: return Int32(bitPattern: a) < Int32(bitPattern: b) ? 1 : 0
        case 3: return a < b ? 1 : 0
        case 4: return a ^ b
        case 5: return a >> (b & 31)
        case 6: return a | b
        default: return a & b
        }
    case 0x20:
        if funct3 == 0 { return a &- b }
        if funct3 == 5 { return UInt32(bitPattern: Int32(bitPattern: a) >> Int32(b & 31)) }
        return nil
    case 0x01:
        return multiplyDivide(funct3: funct3, a, b)
    default:
        return nil
    }
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

/// The ALU result of an I-type ALU instruction (OP-IMM, opcode 0x13) or nil when illegal.
@inline(__always)
func aluImmediate(insn: UInt32, funct3: UInt32, _ a: UInt32) -> UInt32? {
    let imm = immI(insn)
    switch funct3 {
    case 0: return a &+ imm
    case 1: return insn >> 25 == 0 ? a << ((insn >> 20) & 31) : nil
    case 2: return Int32(bitPattern: a) < Int32(bitPattern: imm) ? 1 : 0
    case 3: return a < imm ? 1 : 0
    case 4: return a ^ imm
    case 5:
        let shamt = (insn >> 20) & 31
        switch insn >> 25 {
        case 0x00: return a >> shamt
        case 0x20: return UInt32(bitPattern: Int32(bitPattern: a) >> Int32(shamt))
        default: return nil
        }
    case 6: return a | imm
    default: return a & imm
    }
}

/// Whether a conditional branch (BRANCH, opcode 0x63) is taken, or nil for the illegal funct3 2 and 3.
@inline(__always)
func branchTaken(funct3: UInt32, _ a: UInt32, _ b: UInt32) -> Bool? {
    switch funct3 {
    case 0: return a == b
    case 1: return a != b
    case 4: return Int32(bitPattern: a) < Int32(bitPattern: b)
    case 5: return Int32(bitPattern: a) >= Int32(bitPattern: b)
    case 6: return a < b
    case 7: return a >= b
    default: return nil
    }
}

/// Executes one decoded instruction word: the single instruction semantics of both execution modes.
/// Writes `rd` (callers reset x0 afterwards) and memory through `memory`; returns the next pc or what halts.
@inline(__always)
func execute<Access: GuestAccess>(_ insn: UInt32, pc: UInt32, registers x: UnsafeMutablePointer<UInt32>,
                                  memory: inout Access) -> Outcome {
    let rd = Int((insn >> 7) & 31)
    let funct3 = (insn >> 12) & 7
    let rs1 = x[Int((insn >> 15) & 31)]
    switch insn & 0x7f {
    case 0x13: // OP-IMM
        guard let value = aluImmediate(insn: insn, funct3: funct3, rs1) else { return .fault(.illegalInstruction) }
        x[rd] = value
    case 0x33: // OP
        guard let value = aluRegister(funct7: insn >> 25, funct3: funct3, rs1, x[Int((insn >> 20) & 31)]) else {
            return .fault(.illegalInstruction)
        }
        x[rd] = value
    case 0x03: // LOAD
        let address = rs1 &+ immI(insn)
        let value: UInt32
        switch funct3 {
        case 0: value = signExtend(memory.load8(address), bits: 8)
        case 4: value = memory.load8(address)
        case 1, 5:
            guard address & 1 == 0 else { return .fault(.misalignedLoad) }
            let half = memory.load16(address)
            value = funct3 == 1 ? signExtend(half, bits: 16) : half
        case 2:
            guard address & 3 == 0 else { return .fault(.misalignedLoad) }
            value = memory.load32(address)
        default: return .fault(.illegalInstruction)
        }
        x[rd] = value
    case 0x23: // STORE
        let address = rs1 &+ immS(insn)
        let value = x[Int((insn >> 20) & 31)]
        switch funct3 {
        case 0: memory.store8(address, value)
        case 1:
            guard address & 1 == 0 else { return .fault(.misalignedStore) }
            memory.store16(address, value)
        case 2:
            guard address & 3 == 0 else { return .fault(.misalignedStore) }
            memory.store32(address, value)
        default: return .fault(.illegalInstruction)
        }
    case 0x63: // BRANCH
        guard let taken = branchTaken(funct3: funct3, rs1, x[Int((insn >> 20) & 31)]) else {
            return .fault(.illegalInstruction)
        }
        return .next(taken ? pc &+ immB(insn) : pc &+ 4)
    case 0x37: // LUI
        x[rd] = insn & 0xffff_f000
    case 0x17: // AUIPC
        x[rd] = pc &+ (insn & 0xffff_f000)
    case 0x6f: // JAL
        x[rd] = pc &+ 4
        return .next(pc &+ immJ(insn))
    case 0x67: // JALR
        guard funct3 == 0 else { return .fault(.illegalInstruction) }
        let target = (rs1 &+ immI(insn)) & ~1
        x[rd] = pc &+ 4
        return .next(target)
    case 0x0f: // MISC-MEM: FENCE and FENCE.I are no-ops
        guard funct3 <= 1 else { return .fault(.illegalInstruction) }
    case 0x73: // SYSTEM
        if insn == 0x0000_0073 { return .ecall }
        if insn == 0x0010_0073 { return .fault(.breakpoint) }
        return .fault(.illegalInstruction)
    default:
        return .fault(.illegalInstruction)
    }
    return .next(pc &+ 4)
}
