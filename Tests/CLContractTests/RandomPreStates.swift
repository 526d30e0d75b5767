import CLDispute
import CLFPVM
import CLPrimitives

/// Seeded random pre-states for every RV32IM instruction, every syscall and every fault: each case is
/// a short instruction sequence at a random pc with random registers and random memory around the
/// addresses it touches.
struct RandomPreStates {
    /// One case: code at `pc`, registers, and how many steps to run it.
    struct Case {
        var name: String
        var pc: UInt32
        var code: [UInt32]
        var registers: [UInt32]
        var steps: Int
        var preimageKey: Bytes32 = .zero
        /// Addresses whose leaves get random bytes before the run.
        var dataAddresses: [UInt32] = []
    }

    var random: SplitMix64
    /// Preimages the cases read (the batch's oracle store holds them).
    var preimages: [[UInt8]] = []
    /// Preimages longer than the on-chain oracle's bound (also in the store): reading one faults with 7.
    var oversizedPreimages: [[UInt8]] = []

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        for length in [0, 1, 7, 8, 23, 24, 25, 31, 32, 33, 40, 64, 100, 257] {
            preimages.append(bytes(length))
        }
        // From their own generator, so the other cases stay what they were.
        var other = SplitMix64(seed: seed ^ 0x0D15_EA5E)
        for length in [PreimageStore.maxPreimageSize + 1, 6000] {
            oversizedPreimages.append((0..<length).map { _ in UInt8(truncatingIfNeeded: other.next()) })
        }
    }

    /// Every preimage the cases read, for the batch's store.
    var allPreimages: [[UInt8]] { preimages + oversizedPreimages }

    mutating func next32() -> UInt32 { UInt32(truncatingIfNeeded: random.next()) }
    mutating func below(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) } }

    /// A register value: uniform, small, or an edge case.
    mutating func value() -> UInt32 {
        switch below(4) {
        case 0: return UInt32(below(17))
        case 1: return [0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 0x8000_0001, 0xffff_fffe, 31, 32][below(9)]
        default: return next32()
        }
    }

    mutating func register() -> UInt32 { UInt32(below(32)) }
    mutating func nonzeroRegister() -> UInt32 { UInt32(1 + below(31)) }
    mutating func imm12() -> Int32 { Int32(below(4096)) - 2048 }

    /// A random aligned code address that stays clear of the top of memory.
    mutating func codeAddress() -> UInt32 { (next32() % 0xF000_0000) & ~3 }

    /// A fresh case skeleton with random registers.
    mutating func skeleton(_ name: String, _ code: [UInt32], steps: Int = 1) -> Case {
        var registers = (0..<32).map { _ in value() }
        registers[0] = 0
        return Case(name: name, pc: codeAddress(), code: code, registers: registers, steps: steps)
    }

    /// A data address for an access of `size` bytes, aligned except one time in eight.
    mutating func dataAddress(size: UInt32) -> UInt32 {
        var address = next32() & ~(size - 1)
        if size > 1, below(8) == 0 { address |= UInt32(1 + below(Int(size) - 1)) }
        return address
    }

    // MARK: - Instruction templates

    static let registerOps: [(String, UInt32, UInt32)] = [
        ("add", 0, 0), ("sub", 0, 0x20), ("sll", 1, 0), ("slt", 2, 0), ("sltu", 3, 0), ("xor", 4, 0),
        ("srl", 5, 0), ("sra", 5, 0x20), ("or", 6, 0), ("and", 7, 0),
        ("mul", 0, 1), ("mulh", 1, 1), ("mulhsu", 2, 1), ("mulhu", 3, 1), ("div", 4, 1), ("divu", 5, 1),
        ("rem", 6, 1), ("remu", 7, 1),
    ]
    static let immediateOps: [(String, UInt32)] = [
        ("addi", 0), ("slti", 2), ("sltiu", 3), ("xori", 4), ("ori", 6), ("andi", 7),
    ]
    static let branches: [(String, UInt32)] = [("beq", 0), ("bne", 1), ("blt", 4), ("bge", 5), ("bltu", 6), ("bgeu", 7)]
    static let loads: [(String, UInt32, UInt32)] = [("lb", 0, 1), ("lh", 1, 2), ("lw", 2, 4), ("lbu", 4, 1), ("lhu", 5, 2)]
    static let stores: [(String, UInt32, UInt32)] = [("sb", 0, 1), ("sh", 1, 2), ("sw", 2, 4)]

    /// Every template name, in the order `make(template:)` takes them.
    static let templateCount = registerOps.count + immediateOps.count + 3 + 4 + branches.count + 1
        + loads.count + 1 + stores.count + 1 + syscallTemplates + 6
    static let syscallTemplates = 15

    /// The case for template number `index` (0 ..< templateCount).
    mutating func make(template index: Int) -> Case {
        var i = index
        if i < Self.registerOps.count {
            let (name, funct3, funct7) = Self.registerOps[i]
            return skeleton(name, [RV32Encoder.r(0x33, rd: register(), funct3: funct3, rs1: register(), rs2: register(),
                                                 funct7: funct7)])
        }
        i -= Self.registerOps.count
        if i < Self.immediateOps.count {
            let (name, funct3) = Self.immediateOps[i]
            return skeleton(name, [RV32Encoder.i(0x13, rd: register(), funct3: funct3, rs1: register(), imm: imm12())])
        }
        i -= Self.immediateOps.count
        if i < 3 {
            // slli, srli, srai (shamt 0...31).
            let funct7: UInt32 = i == 2 ? 0x20 : 0
            let word = RV32Encoder.r(0x13, rd: register(), funct3: i == 0 ? 1 : 5, rs1: register(),
                                     rs2: UInt32(below(32)), funct7: funct7)
            return skeleton(["slli", "srli", "srai"][i], [word])
        }
        i -= 3
        if i < 4 {
            switch i {
            case 0: return skeleton("lui", [RV32Encoder.u(0x37, rd: register(), imm: next32())])
            case 1: return skeleton("auipc", [RV32Encoder.u(0x17, rd: register(), imm: next32())])
            case 2: return skeleton("jal", [RV32Encoder.j(rd: register(), imm: Int32(below(1 << 20)) * 2 - (1 << 20))])
            default:
                // jalr, also to misaligned targets (bit 1 set faults on the next fetch): two steps.
                return skeleton("jalr", [RV32Encoder.i(0x67, rd: register(), funct3: 0, rs1: register(), imm: imm12())],
                                steps: 2)
            }
        }
        i -= 4
        if i < Self.branches.count {
            let (name, funct3) = Self.branches[i]
            var c = skeleton(name, [RV32Encoder.b(funct3: funct3, rs1: register(), rs2: register(),
                                                  imm: (Int32(below(4096)) - 2048) * 2)])
            // Equal operands half the time, so both outcomes are common.
            if below(2) == 0 { c.registers[Int(c.code[0] >> 20 & 31)] = c.registers[Int(c.code[0] >> 15 & 31)] }
            return c
        }
        i -= Self.branches.count
        if i == 0 {
            // Reserved branch funct3 (2, 3): illegal.
            return skeleton("branch-illegal", [RV32Encoder.b(funct3: UInt32(2 + below(2)), rs1: register(),
                                                            rs2: register(), imm: 8)])
        }
        i -= 1
        if i < Self.loads.count {
            let (name, funct3, size) = Self.loads[i]
            let rd = register()
            return memoryCase(name, size: size) { rs1, imm in RV32Encoder.i(0x03, rd: rd, funct3: funct3, rs1: rs1, imm: imm) }
        }
        i -= Self.loads.count
        if i == 0 {
            let rd = register()
            let funct3: UInt32 = [3, 6, 7][below(3)]
            return memoryCase("load-illegal", size: 1) { rs1, imm in
                RV32Encoder.i(0x03, rd: rd, funct3: funct3, rs1: rs1, imm: imm)
            }
        }
        i -= 1
        if i < Self.stores.count {
            let (name, funct3, size) = Self.stores[i]
            let rs2 = register()
            return memoryCase(name, size: size) { rs1, imm in RV32Encoder.s(0x23, funct3: funct3, rs1: rs1, rs2: rs2, imm: imm) }
        }
        i -= Self.stores.count
        if i == 0 {
            let rs2 = register()
            let funct3 = UInt32(3 + below(5))
            return memoryCase("store-illegal", size: 1) { rs1, imm in
                RV32Encoder.s(0x23, funct3: funct3, rs1: rs1, rs2: rs2, imm: imm)
            }
        }
        i -= 1
        if i < Self.syscallTemplates { return syscallCase(i) }
        i -= Self.syscallTemplates
        switch i {
        case 0: return skeleton("fence", [RV32Encoder.i(0x0f, rd: 0, funct3: UInt32(below(8)), rs1: 0, imm: imm12())])
        case 1: return skeleton("ebreak", [RV32Encoder.ebreak])
        case 2:
            // Words with a random or reserved encoding: mostly illegal, sometimes a legal instruction.
            return skeleton("random-word", [[next32(), next32() | 0x73, 0, 0xC000_1073][below(4)]])
        case 3:
            var c = skeleton("misaligned-pc", [0x13])
            c.pc |= UInt32(1 + below(3))
            return c
        case 4:
            // Exit, then a step of the halted VM.
            var c = skeleton("halted", [RV32Encoder.ecall], steps: 2)
            c.registers[17] = 93
            return c
        default:
            // A random 32-bit op word with a random funct7 (often reserved).
            return skeleton("op-funct7", [RV32Encoder.r(0x33, rd: register(), funct3: UInt32(below(8)), rs1: register(),
                                                        rs2: register(), funct7: UInt32(below(128)))])
        }
    }

    /// A load/store case: rs1 + imm lands on a random (usually aligned) address with random leaf bytes.
    mutating func memoryCase(_ name: String, size: UInt32, encode: (UInt32, Int32) -> UInt32) -> Case {
        let rs1 = nonzeroRegister()
        let imm = imm12()
        let target = dataAddress(size: size)
        let word = encode(rs1, imm)
        var c = skeleton(name, [word])
        c.registers[Int(rs1)] = target &- UInt32(bitPattern: imm)
        c.dataAddresses = [target]
        return c
    }

    /// Syscall cases: every call and descriptor of docs/PROTOCOL.md, and unknown numbers.
    mutating func syscallCase(_ index: Int) -> Case {
        var c = skeleton("ecall", [RV32Encoder.ecall])
        let buffer = next32() & ~UInt32(below(2) == 0 ? 31 : 0)
        c.registers[11] = buffer
        c.registers[12] = UInt32([0, 1, 4, 8, 31, 32, 33, 100][below(8)])
        c.dataAddresses = [buffer]
        switch index {
        case 0, 1:
            c.name = index == 0 ? "exit" : "exit_group"
            c.registers[17] = index == 0 ? 93 : 94
        case 2, 3, 4:
            c.name = ["read-stdin", "read-hint", "read-badfd"][index - 2]
            c.registers[17] = 63
            c.registers[10] = [0, 4, UInt32(7 + below(100))][index - 2]
        case 5, 6, 7, 8:
            c.name = ["write-stdout", "write-stderr", "write-hint", "write-badfd"][index - 5]
            c.registers[17] = 64
            c.registers[10] = [1, 2, 3, UInt32(7 + below(100))][index - 5]
            c.registers[12] = UInt32(below(64))
        case 9:
            c.name = "write-preimage-key"
            c.registers[17] = 64
            c.registers[10] = 6
        case 10, 11:
            // Preimage reads at offset 0, then again at the advanced offset with a new count.
            c.name = "read-preimage"
            c.preimageKey = Keccak256.hash(preimages[below(preimages.count)])
            c.registers[17] = 63
            c.registers[10] = 5
            c.code = [RV32Encoder.ecall, RV32Encoder.addi(10, 0, 5), RV32Encoder.addi(12, 0, Int32(below(40))),
                      RV32Encoder.addi(11, 11, Int32(below(64))), RV32Encoder.ecall]
            c.steps = 5
            c.dataAddresses = [buffer, buffer &+ 32, buffer &+ 64]
        case 12:
            // A preimage the oracle cannot hold: fault 7 (preimageUnavailable), then a step of the halted VM.
            c.name = "read-preimage-unavailable"
            c.preimageKey = Keccak256.hash(oversizedPreimages[below(oversizedPreimages.count)])
            c.registers[17] = 63
            c.registers[10] = 5
            c.steps = 2
        case 13:
            // A short stream read whole by one read, then zero-length reads at its end (a part of length 0).
            c.name = "read-preimage-end"
            let short = preimages.filter { $0.count <= 24 }
            c.preimageKey = Keccak256.hash(short[below(short.count)])
            c.registers[17] = 63
            c.registers[10] = 5
            c.registers[11] = buffer & ~31
            c.registers[12] = 32
            c.code = [RV32Encoder.ecall, RV32Encoder.addi(10, 0, 5), RV32Encoder.addi(12, 0, Int32(below(40))),
                      RV32Encoder.addi(11, 11, Int32(below(64))), RV32Encoder.ecall, RV32Encoder.addi(10, 0, 5),
                      RV32Encoder.ecall]
            c.steps = 7
            c.dataAddresses = [buffer & ~31, (buffer & ~31) &+ 32, (buffer & ~31) &+ 64]
        default:
            c.name = "unknown-syscall"
            var number = next32() % 400
            while [63, 64, 93, 94].contains(number) { number += 1 }
            c.registers[17] = number
        }
        return c
    }
}
