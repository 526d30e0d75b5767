import CLFPVM
import CLPrimitives
import Testing

/// The fast mode's pre-decoded instructions against proving mode (which decodes every word itself):
/// self-modifying code, code and data on one page, page ends, far and misaligned targets, snapshots,
/// and random programs that also store random words into their own code.
@Suite("FPVM fast mode (pre-decoded) agrees with proving mode")
struct FastModeTests {
    /// Runs `fast` in fast mode and `reference` in proving mode, in chunks, checking they agree after each.
    static func compare(_ fast: FPVM, _ reference: FPVM, chunks: [UInt64],
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        for limit in chunks {
            try fast.run(until: limit)
            while reference.step < limit && !reference.exited { _ = try reference.stepWithWitness() }
            #expect(fast.step == reference.step, sourceLocation: sourceLocation)
            #expect(fast.pc == reference.pc, sourceLocation: sourceLocation)
            #expect(fast.registers == reference.registers, sourceLocation: sourceLocation)
            #expect(fast.exited == reference.exited && fast.fault == reference.fault, sourceLocation: sourceLocation)
            #expect(fast.stateHash == reference.stateHash, sourceLocation: sourceLocation)
            if fast.exited { return }
        }
    }

    static func vm(code: [UInt32], at base: UInt32, data: [(UInt32, [UInt8])] = [], registers: [Int: UInt32] = [:]) -> FPVM {
        let memory = Memory()
        for (i, word) in code.enumerated() { memory.store32(base &+ UInt32(4 * i), word) }
        for (address, bytes) in data { memory.write(address, bytes) }
        var regs = [UInt32](repeating: 0, count: 32)
        for (index, value) in registers { regs[index] = value }
        return FPVM(memory: memory, pc: base, registers: regs)
    }

    static func word(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    @Test func selfModifyingCodeRunsTheNewWord() throws {
        // x11 = 0x3000 holds `addi x8, x8, 100`; the loop runs the word at 0x1010, then overwrites it.
        let patch = RV.addi(8, 8, 100)
        let program: [UInt32] = [
            RV.lui(11, 3),                 // 0x1000: x11 = 0x3000
            RV.i(0, 11, 2, 9, 0x03),       // 0x1004: lw x9, 0(x11): the new word
            RV.addi(7, 0, 5),              // 0x1008: five rounds
            RV.addi(6, 6, 1),              // 0x100c: round += 1
            RV.addi(8, 8, 1),              // 0x1010: patched after the first round
            RV.s(16, 9, 10, 2),            // 0x1014: sw x9, 16(x10) with x10 = 0x1000
            RV.b(-12, 7, 6, 1),            // 0x1018: bne x6, x7, 0x100c
            RV.ebreak,
        ]
        let fast = Self.vm(code: program, at: 0x1000, data: [(0x3000, Self.word(patch))], registers: [10: 0x1000])
        let reference = Self.vm(code: program, at: 0x1000, data: [(0x3000, Self.word(patch))], registers: [10: 0x1000])
        try Self.compare(fast, reference, chunks: [3, 9, 1000])
        #expect(fast.register(8) == 1 + 4 * 100)
        #expect(fast.fault == FaultCode.breakpoint.rawValue)
    }

    @Test func codeAndHotDataOnOnePage() throws {
        // 200 stores to a word on the code's page: past the decode drop limit the page runs word by word.
        let code: [UInt32] = [
            RV.addi(7, 0, 200),
            RV.addi(6, 6, 1),              // loop
            RV.s(0x100, 6, 10, 2),         // sw x6, 0x100(x10): same page as the code
            RV.b(-8, 7, 6, 1),             // bne x6, x7, loop
            RV.ebreak,
        ]
        let fast = Self.vm(code: code, at: 0x1000, registers: [10: 0x1000])
        let reference = Self.vm(code: code, at: 0x1000, registers: [10: 0x1000])
        try Self.compare(fast, reference, chunks: [50, 333, 10_000])
        #expect(fast.memory.load32(0x1100) == 200)
    }

    @Test func sequentialCodeCrossesPageEnds() throws {
        // Eight addis from 0x1ff0 to 0x200c (+36), a loop back across the page boundary (+33 a round,
        // three rounds to reach 135), then a jump to the ebreak before the first page's code.
        var code = (0..<8).map { RV.addi(5, 5, Int32($0 + 1)) }
        code.append(RV.b(-24, 6, 5, 1))    // 0x2010: bne x5, x6 → 0x1ff8 (previous page)
        code.append(RV.b(-40, 0, 0, 0))    // 0x2014: beq x0, x0 → 0x1fec
        let base: UInt32 = 0x1ff0
        let before = [(base - 4, Self.word(RV.ebreak))]
        let fast = Self.vm(code: code, at: base, data: before, registers: [6: 135])
        let reference = Self.vm(code: code, at: base, data: before, registers: [6: 135])
        try Self.compare(fast, reference, chunks: [4, 5, 9, 100])
        #expect(fast.register(5) == 135)
        #expect(fast.fault == FaultCode.breakpoint.rawValue && fast.pc == base - 4)
    }

    @Test(arguments: [6, 2, -2] as [Int32])
    func misalignedBranchTargetFaults(offset: Int32) throws {
        let code: [UInt32] = [RV.addi(5, 0, 1), RV.b(offset, 0, 0, 0), RV.addi(5, 0, 2)]
        let fast = Self.vm(code: code, at: 0x4000)
        let reference = Self.vm(code: code, at: 0x4000)
        try Self.compare(fast, reference, chunks: [100])
        #expect(fast.fault == FaultCode.misalignedFetch.rawValue)
        #expect(fast.pc == UInt32(bitPattern: 0x4004 + offset))
    }

    @Test func snapshotsKeepTheirOwnCode() throws {
        // The original patches its loop body after the snapshot; the snapshot must keep running the old word.
        let code: [UInt32] = [
            RV.addi(6, 6, 1),              // 0x1000
            RV.addi(8, 8, 1),              // 0x1004: the word that gets patched
            RV.b(-8, 7, 6, 1),             // 0x1008: bne x6, x7, 0x1000
            RV.ebreak,
        ]
        let original = Self.vm(code: code, at: 0x1000, registers: [7: 50])
        try original.run(until: 20)
        let snapshot = original.snapshot()
        original.memory.store32(0x1004, RV.addi(8, 8, 7))
        try original.run()
        try snapshot.run()
        let reference = Self.vm(code: code, at: 0x1000, registers: [7: 50])
        try reference.run()
        #expect(snapshot.stateHash == reference.stateHash)
        #expect(snapshot.register(8) == 50)
        // 20 steps are six rounds and two words of the seventh (x6 = x8 = 7); 43 more rounds add 7 each.
        #expect(original.register(8) == 7 + 43 * 7)
    }

    @Test(arguments: 0..<40)
    func randomProgramsAgree(seed: Int) throws {
        var rng = SplitMix(state: UInt64(seed) &* 0x9e37_79b9 &+ 17)
        // Code across a page end half of the time; data page pointer in x20, code base in x21 (never written).
        let base: UInt32 = seed % 2 == 0 ? 0x1_0f80 : 0x2_0000
        // 64 random words between 16 plain additions on each side (where short jumps out of them land).
        func padding() -> [UInt32] { (0..<16).map { _ in RV.addi(UInt32(1 + rng.below(19)), UInt32(rng.below(32)), 1) } }
        var code = padding()
        while code.count < 80 { code += RandomInstruction.next(&rng) }
        code += padding() + [RV.ebreak]
        var registers: [Int: UInt32] = [20: 0x8_0000, 21: base]
        for r in 1..<20 { registers[r] = rng.next32() }
        let data = [(UInt32(0x8_0000), (0..<256).map { _ in UInt8(truncatingIfNeeded: rng.next32()) })]
        let fast = Self.vm(code: code, at: base, data: data, registers: registers)
        let reference = Self.vm(code: code, at: base, data: data, registers: registers)
        try Self.compare(fast, reference, chunks: [1, 7, 64, 300, 1_000, 3_000])
    }
}

extension SplitMix {
    mutating func next32() -> UInt32 { UInt32(truncatingIfNeeded: next()) }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Random RV32IM words for `randomProgramsAgree`: every class, registers x0...x19 and x22...x31 as
/// destinations, loads and stores around x20's data page, copies of the program's own words stored over
/// others through x21 (self-modifying code), short branches and jumps, and now and then a word that faults
/// (odd targets, misaligned accesses, malformed or random words), so most programs run their full budget.
enum RandomInstruction {
    static func next(_ rng: inout SplitMix) -> [UInt32] {
        let destinations: [UInt32] = Array(0...19) + Array(22...31)
        let rd = destinations[rng.below(destinations.count)]
        let rs1 = UInt32(rng.below(32)), rs2 = UInt32(rng.below(32))
        let funct3 = UInt32(rng.below(8))
        let rare = rng.below(100) == 0
        switch rng.below(40) {
        case 0..<6:
            if rng.below(3) == 0 { return [RV.r(1, rs2, rs1, funct3, rd, 0x33)] }
            let alternate = (funct3 == 0 || funct3 == 5) && rng.below(2) == 0
            return [RV.r(alternate || rare ? 0x20 : 0, rs2, rs1, funct3, rd, 0x33)]
        case 6..<12:
            if funct3 == 1 || funct3 == 5 {
                let arithmetic = funct3 == 5 && rng.below(2) == 0
                return [RV.i(Int32(rng.below(32)) | (arithmetic || rare ? 0x400 : 0), rs1, funct3, rd, 0x13)]
            }
            return [RV.i(Int32(rng.below(4096)) - 2048, rs1, funct3, rd, 0x13)]
        case 12..<17:
            let width = [0, 1, 2, 4, 5][rng.below(5)]
            return [RV.i(Int32(rng.below(64)) * 4 + Int32(rare ? 1 : 0), 20, UInt32(width), rd, 0x03)]
        case 17..<22:
            return [RV.s(Int32(rng.below(64)) * 4 + Int32(rare ? 2 : 0), rs2, 20, UInt32(rng.below(3)))]
        case 22, 23:
            // Copy one of the program's words over another (x22 is scratch).
            return [RV.i(Int32(rng.below(96)) * 4, 21, 2, 22, 0x03), RV.s(Int32(rng.below(96)) * 4, 22, 21, 2)]
        case 24..<29:
            return [RV.b((Int32(rng.below(24)) - 12) * 4 + (rare ? 2 : 0), rs2, rs1, [0, 1, 4, 5, 6, 7][rng.below(6)])]
        case 29: return [RV.j((Int32(rng.below(16)) - 4) * 4, rd)]
        case 30: return [RV.jalr(rd, 21, Int32(rng.below(97)) * 4)]
        case 31: return [RV.lui(rd, rng.next32())]
        case 32: return [RV.auipc(rd, rng.next32())]
        case 33: return rare ? [[RV.unimp, rng.next32()][rng.below(2)]] : [[RV.fence, RV.fenceI][rng.below(2)]]
        default: return [RV.addi(rd, rs1, Int32(rng.below(4096)) - 2048)]
        }
    }
}
