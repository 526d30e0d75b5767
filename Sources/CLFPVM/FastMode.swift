extension FPVM {
    /// Executes without hashing until the VM halts or `step` reaches `stepLimit`.
    ///
    /// The loop runs the current page's pre-decoded instructions (DecodedCode.swift) by word index, so a
    /// step is one 8-byte load and one jump-table dispatch; it leaves the page loop only to change pages
    /// (a jump, a far branch, the end of the page), for an instruction it hands to `execute`, or after a
    /// store that dropped decoded code. Faults, syscalls and every rarely used instruction go through the
    /// same `execute` and `performSyscall` as proving mode, so the two modes cannot disagree on them.
    public func run(until stepLimit: UInt64 = .max) throws(FPVMError) {
        if exited { return }
        var access = FastAccess(memory: memory)
        let x = self.x
        let generation = memory.codeGeneration
        var pc = self.pc
        var step = self.step
        defer {
            self.pc = pc
            self.step = step
        }
        pages: while step < stepLimit {
            guard pc & 3 == 0 else {
                halt(fault: .misalignedFetch)
                step += 1
                return
            }
            let base = pc & ~0xfff
            guard let code = memory.decodedPage(pc >> 12) else {
                // An absent page (its words read as 0) or one whose decoding was given up: one raw step.
                let insn = memory.load32(pc)
                switch execute(insn, pc: pc, registers: x, memory: &access) {
                case .next(let next):
                    x[0] = 0
                    pc = next
                    step &+= 1
                    continue pages
                case .ecall:
                    self.pc = pc
                    var unused = OracleUse()
                    try performSyscall(memory: &access, oracleUse: &unused)
                    pc = self.pc
                    step += 1
                    if exited { return }
                    continue pages
                case .fault(let fault):
                    halt(fault: fault)
                    step += 1
                    return
                }
            }
            let seenGeneration = generation.pointee
            var i = Int((pc & 0xfff) >> 2)
            /// The pc of word `i` (1,024 is the next page), for the exits that need it.
            @inline(__always) func pcOf(_ i: Int) -> UInt32 { base &+ UInt32(truncatingIfNeeded: i << 2) }
            while step < stepLimit {
                let op = code[i]
                let rd = Int(op.rd), a = x[Int(op.rs1)]
                switch op.operation {
                case .addi: x[rd] = a &+ op.immediate
                case .slli: x[rd] = a << op.immediate
                case .slti: x[rd] = Int32(bitPattern: a) < Int32(bitPattern: op.immediate) ? 1 : 0
                case .sltiu: x[rd] = a < op.immediate ? 1 : 0
                case .xori: x[rd] = a ^ op.immediate
                case .srli: x[rd] = a >> op.immediate
                case .srai: x[rd] = UInt32(bitPattern: Int32(bitPattern: a) >> Int32(op.immediate))
                case .ori: x[rd] = a | op.immediate
                case .andi: x[rd] = a & op.immediate
                case .add: x[rd] = a &+ x[Int(op.rs2)]
                case .sub: x[rd] = a &- x[Int(op.rs2)]
                case .sll: x[rd] = a << (x[Int(op.rs2)] & 31)
                case .slt: x[rd] = Int32(bitPattern: a) < Int32(bitPattern: x[Int(op.rs2)]) ? 1 : 0
                case .sltu: x[rd] = a < x[Int(op.rs2)] ? 1 : 0
                case .xor: x[rd] = a ^ x[Int(op.rs2)]
                case .srl: x[rd] = a >> (x[Int(op.rs2)] & 31)
                case .sra: x[rd] = UInt32(bitPattern: Int32(bitPattern: a) >> Int32(x[Int(op.rs2)] & 31))
                case .or: x[rd] = a | x[Int(op.rs2)]
                case .and: x[rd] = a & x[Int(op.rs2)]
                case .mul: x[rd] = a &* x[Int(op.rs2)]
                case .mulh: x[rd] = multiplyDivide(funct3: 1, a, x[Int(op.rs2)])
                case .mulhsu: x[rd] = multiplyDivide(funct3: 2, a, x[Int(op.rs2)])
                case .mulhu: x[rd] = multiplyDivide(funct3: 3, a, x[Int(op.rs2)])
                case .divide: x[rd] = multiplyDivide(funct3: op.immediate, a, x[Int(op.rs2)])
                case .lb: x[rd] = signExtend(access.load8(a &+ op.immediate), bits: 8)
                case .lbu: x[rd] = access.load8(a &+ op.immediate)
                case .lh, .lhu:
                    let address = a &+ op.immediate
                    guard address & 1 == 0 else {
                        pc = pcOf(i)
                        halt(fault: .misalignedLoad)
                        step += 1
                        return
                    }
                    let half = access.load16(address)
                    x[rd] = op.operation == .lh ? signExtend(half, bits: 16) : half
                case .lw:
                    let address = a &+ op.immediate
                    guard address & 3 == 0 else {
                        pc = pcOf(i)
                        halt(fault: .misalignedLoad)
                        step += 1
                        return
                    }
                    x[rd] = access.load32(address)
                case .sb, .sh, .sw:
                    let address = a &+ op.immediate
                    let value = x[Int(op.rs2)]
                    switch op.operation {
                    case .sb: access.store8(address, value)
                    case .sh:
                        guard address & 1 == 0 else {
                            pc = pcOf(i)
                            halt(fault: .misalignedStore)
                            step += 1
                            return
                        }
                        access.store16(address, value)
                    default:
                        guard address & 3 == 0 else {
                            pc = pcOf(i)
                            halt(fault: .misalignedStore)
                            step += 1
                            return
                        }
                        access.store32(address, value)
                    }
                    if generation.pointee != seenGeneration {
                        // The store dropped decoded code (perhaps this page's): fetch the page again.
                        pc = pcOf(i &+ 1)
                        step &+= 1
                        continue pages
                    }
                case .beq:
                    if a == x[Int(op.rs2)] { i = Int(op.immediate); step &+= 1; continue }
                case .bne:
                    if a != x[Int(op.rs2)] { i = Int(op.immediate); step &+= 1; continue }
                case .blt:
                    if Int32(bitPattern: a) < Int32(bitPattern: x[Int(op.rs2)]) { i = Int(op.immediate); step &+= 1; continue }
                case .bge:
                    if Int32(bitPattern: a) >= Int32(bitPattern: x[Int(op.rs2)]) { i = Int(op.immediate); step &+= 1; continue }
                case .bltu:
                    if a < x[Int(op.rs2)] { i = Int(op.immediate); step &+= 1; continue }
                case .bgeu:
                    if a >= x[Int(op.rs2)] { i = Int(op.immediate); step &+= 1; continue }
                case .loadConstant: x[rd] = op.immediate
                case .jal:
                    x[rd] = pcOf(i) &+ 4
                    i = Int(op.immediate)
                    step &+= 1
                    continue
                case .jalr:
                    let target = (a &+ op.immediate) & ~1
                    x[rd] = pcOf(i) &+ 4
                    pc = target
                    step &+= 1
                    continue pages
                case .pageEnd:
                    pc = base &+ 0x1000
                    continue pages
                case .undecoded:
                    code[i] = decodeForFastMode(access.load32(pcOf(i)), pc: pcOf(i))
                    continue
                case .interpret:
                    pc = pcOf(i)
                    switch execute(op.immediate, pc: pc, registers: x, memory: &access) {
                    case .next(let next):
                        x[0] = 0
                        pc = next
                        step &+= 1
                        continue pages
                    case .ecall:
                        self.pc = pc
                        var unused = OracleUse()
                        try performSyscall(memory: &access, oracleUse: &unused)
                        pc = self.pc
                        step += 1
                        if exited { return }
                        continue pages
                    case .fault(let fault):
                        halt(fault: fault)
                        step += 1
                        return
                    }
                }
                i &+= 1
                step &+= 1
            }
            pc = pcOf(i)
            return
        }
    }
}
