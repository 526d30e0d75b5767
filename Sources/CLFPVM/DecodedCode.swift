#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fast mode's pre-decoded instructions (docs/ARCHITECTURE.md, "FPVM fast mode").
///
/// Each code page the fast mode runs gets an array of 1,025 `DecodedInstruction`s, one per word plus an
/// end-of-page marker, decoded lazily on first execution. The page record is marked as watched, so the
/// first store into it after decoding takes the slow write path, which drops the array and advances
/// `Memory.codeGeneration`; the run loop checks that counter after every store it makes. Only the fast mode
/// uses decoded code: proving mode and the one-step verifier decode every word themselves.

/// What a pre-decoded instruction does. The common RV32IM instructions have their own case with the
/// operands extracted; everything else (ECALL, EBREAK, FENCE, illegal words, branches and jumps that leave
/// the page or land misaligned) is `interpret`, executed by the shared `execute` on the raw word.
enum FastOperation: UInt8 {
    /// Not decoded yet: decode the word, then dispatch again.
    case undecoded = 0
    /// Past the last word of the page: continue at the next page.
    case pageEnd
    /// Run the raw word (`immediate`) through `execute`.
    case interpret
    case addi, slli, slti, sltiu, xori, srli, srai, ori, andi
    case add, sub, sll, slt, sltu, xor, srl, sra, or, and
    case mul, mulh, mulhsu, mulhu
    /// DIV, DIVU, REM, REMU: `immediate` is funct3 for `multiplyDivide`.
    case divide
    case lb, lbu, lh, lhu, lw, sb, sh, sw
    /// Branches to a target on the same page: `immediate` is the target's word index.
    case beq, bne, blt, bge, bltu, bgeu
    /// LUI and AUIPC: `rd = immediate` (AUIPC's pc is known at decode time).
    case loadConstant
    /// JAL to a target on the same page: `immediate` is the target's word index.
    case jal
    case jalr
}

/// One pre-decoded instruction: the operation, register indexes (a write to x0 is sent to the scratch
/// register 32, so x0 never changes) and the immediate, sign-extended, or the value its case documents.
struct DecodedInstruction {
    var operation: FastOperation
    var rd: UInt8
    var rs1: UInt8
    var rs2: UInt8
    var immediate: UInt32

    static let undecoded = DecodedInstruction(operation: .undecoded, rd: 0, rs1: 0, rs2: 0, immediate: 0)
}

/// Words per page, and the index of the end-of-page marker.
let decodedWordsPerPage = MemoryLayout32.pageSize / 4

/// The fast mode's decoding of the word `insn` at `pc`.
func decodeForFastMode(_ insn: UInt32, pc: UInt32) -> DecodedInstruction {
    let rdField = (insn >> 7) & 31
    let rd = UInt8(rdField == 0 ? 32 : rdField)
    let rs1 = UInt8((insn >> 15) & 31), rs2 = UInt8((insn >> 20) & 31)
    let funct3 = (insn >> 12) & 7, funct7 = insn >> 25
    let interpret = DecodedInstruction(operation: .interpret, rd: 0, rs1: 0, rs2: 0, immediate: insn)
    func make(_ operation: FastOperation, _ immediate: UInt32 = 0) -> DecodedInstruction {
        DecodedInstruction(operation: operation, rd: rd, rs1: rs1, rs2: rs2, immediate: immediate)
    }
    /// The word index of a control-transfer target, when it is aligned and on this page.
    func localTarget(_ target: UInt32) -> UInt32? {
        target & 3 == 0 && target >> 12 == pc >> 12 ? (target & 0xfff) >> 2 : nil
    }
    guard insn & 3 == 3 else { return interpret }
    switch (insn >> 2) & 31 {
    case 4:                                                            // OP-IMM
        let imm = immI(insn)
        switch funct3 {
        case 0: return make(.addi, imm)
        case 1: return funct7 == 0 ? make(.slli, (insn >> 20) & 31) : interpret
        case 2: return make(.slti, imm)
        case 3: return make(.sltiu, imm)
        case 4: return make(.xori, imm)
        case 5:
            if funct7 == 0 { return make(.srli, (insn >> 20) & 31) }
            return funct7 == 0x20 ? make(.srai, (insn >> 20) & 31) : interpret
        case 6: return make(.ori, imm)
        default: return make(.andi, imm)
        }
    case 12:                                                           // OP
        if funct7 == 0 {
            switch funct3 {
            case 0: return make(.add)
            case 1: return make(.sll)
            case 2: return make(.slt)
            case 3: return make(.sltu)
            case 4: return make(.xor)
            case 5: return make(.srl)
            case 6: return make(.or)
            default: return make(.and)
            }
        }
        if funct7 == 1 {
            switch funct3 {
            case 0: return make(.mul)
            case 1: return make(.mulh)
            case 2: return make(.mulhsu)
            case 3: return make(.mulhu)
            default: return make(.divide, funct3)
            }
        }
        if funct7 == 0x20 && funct3 == 0 { return make(.sub) }
        if funct7 == 0x20 && funct3 == 5 { return make(.sra) }
        return interpret
    case 0:                                                            // LOAD
        let imm = immI(insn)
        switch funct3 {
        case 0: return make(.lb, imm)
        case 1: return make(.lh, imm)
        case 2: return make(.lw, imm)
        case 4: return make(.lbu, imm)
        case 5: return make(.lhu, imm)
        default: return interpret
        }
    case 8:                                                            // STORE
        let imm = immS(insn)
        switch funct3 {
        case 0: return make(.sb, imm)
        case 1: return make(.sh, imm)
        case 2: return make(.sw, imm)
        default: return interpret
        }
    case 24:                                                           // BRANCH
        guard let target = localTarget(pc &+ immB(insn)) else { return interpret }
        switch funct3 {
        case 0: return make(.beq, target)
        case 1: return make(.bne, target)
        case 4: return make(.blt, target)
        case 5: return make(.bge, target)
        case 6: return make(.bltu, target)
        case 7: return make(.bgeu, target)
        default: return interpret
        }
    case 13: return make(.loadConstant, insn & 0xffff_f000)            // LUI
    case 5: return make(.loadConstant, pc &+ (insn & 0xffff_f000))     // AUIPC
    case 27:                                                           // JAL
        guard let target = localTarget(pc &+ immJ(insn)) else { return interpret }
        return make(.jal, target)
    case 25: return funct3 == 0 ? make(.jalr, immI(insn)) : interpret  // JALR
    default: return interpret
    }
}

extension Memory {
    /// How often a page's decoded instructions may be dropped by stores before the fast mode stops
    /// decoding it (a page holding both code and data written in a loop) and interprets it word by word.
    static let decodeDropLimit = 16

    /// The decoded instructions of page `index`, created (all undecoded) and the page watched on first
    /// use; nil when the page is absent or decoding it has been given up.
    func decodedPage(_ index: UInt32) -> UnsafeMutablePointer<DecodedInstruction>? {
        if let decoded = decodedTable[Int(index)] { return decoded }
        guard let page = table[Int(index)], (decodeDrops[index] ?? 0) < Memory.decodeDropLimit else { return nil }
        let decoded = UnsafeMutablePointer<DecodedInstruction>.allocate(capacity: decodedWordsPerPage + 1)
        decoded.initialize(repeating: .undecoded, count: decodedWordsPerPage)
        (decoded + decodedWordsPerPage).initialize(to: DecodedInstruction(operation: .pageEnd, rd: 0, rs1: 0,
                                                                          rs2: 0, immediate: 0))
        let flags = page.load(fromByteOffset: PageRecord.listed, as: UInt32.self)
        page.storeBytes(of: flags | PageFlags.watched, toByteOffset: PageRecord.listed, as: UInt32.self)
        decodedTable[Int(index)] = decoded
        decodedIndexes.insert(index)
        return decoded
    }

    /// Drops page `index`'s decoded instructions (its words are about to change) and tells the run loop.
    func dropDecodedPage(_ index: UInt32) {
        guard let decoded = decodedTable[Int(index)] else { return }
        decoded.deallocate()
        decodedTable[Int(index)] = nil
        decodeDrops[index, default: 0] += 1
        codeGeneration.pointee &+= 1
    }

    /// Frees every decoded page (at teardown).
    func releaseDecodedPages() {
        for index in decodedIndexes { decodedTable[Int(index)]?.deallocate() }
        munmap(UnsafeMutableRawPointer(decodedTable), Memory.tableBytes)
        codeGeneration.deallocate()
    }
}
