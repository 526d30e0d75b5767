import CLPrimitives

/// Why an ELF file was rejected.
public enum ELFError: Error, Equatable, Sendable {
    /// Shorter than the structure being read.
    case truncated
    /// No `\x7fELF` magic.
    case notELF
    /// Not ELFCLASS32 / little-endian / EM_RISCV (243).
    case unsupportedFormat(String)
    /// Not ET_EXEC: position-independent executables need a load bias, which this loader does not apply.
    case notStaticExecutable(type: UInt16)
    /// A loadable segment's file range lies outside the file, or its file size exceeds its memory size.
    case badSegment(index: Int)
    /// A loadable segment overlaps the reserved region 0x7000_0000...0x7FFF_FFFF (output, input, stack).
    case segmentInReservedRegion(index: Int)
    /// The input is larger than the input region.
    case inputTooLarge(Int)
}

/// The fixed FPVM memory map (docs/PROTOCOL.md §Memory map).
public enum MemoryMap {
    /// Start of the reserved region (no ELF segment may overlap it).
    public static let reservedBase: UInt32 = 0x7000_0000
    /// Output region: the guest writes its result commitment here; `a2` points to it at entry.
    public static let outputBase: UInt32 = 0x7000_0000
    /// Size of the output region.
    public static let outputSize: UInt32 = 0x1000
    /// Input region: the input bytes; `a0` points to it and `a1` holds the length at entry.
    public static let inputBase: UInt32 = 0x7100_0000
    /// Largest input.
    public static let inputLimit: UInt32 = 0x7F00_0000 - 0x7100_0000
    /// Initial stack pointer (the stack grows down to 0x7F00_0000).
    public static let stackTop: UInt32 = 0x8000_0000
}

/// A static RV32 executable: entry point and loadable segments.
public struct GuestProgram: Sendable {
    /// One PT_LOAD segment.
    public struct Segment: Sendable {
        /// Virtual address.
        public var address: UInt32
        /// File bytes placed at `address`.
        public var bytes: [UInt8]
        /// Memory size (bytes past the file bytes are zero).
        public var memorySize: UInt32
    }

    /// `e_entry`.
    public var entry: UInt32
    /// The PT_LOAD segments in file order.
    public var segments: [Segment]

    /// Parses an ELF32 little-endian RISC-V ET_EXEC file.
    public init(elf: [UInt8]) throws(ELFError) {
        func u16(_ at: Int) throws(ELFError) -> UInt16 {
            guard at >= 0, at + 2 <= elf.count else { throw .truncated }
            return UInt16(elf[at]) | UInt16(elf[at + 1]) << 8
        }
        func u32(_ at: Int) throws(ELFError) -> UInt32 {
            guard at >= 0, at + 4 <= elf.count else { throw .truncated }
            return UInt32(elf[at]) | UInt32(elf[at + 1]) << 8 | UInt32(elf[at + 2]) << 16 | UInt32(elf[at + 3]) << 24
        }
        guard elf.count >= 52 else { throw .truncated }
        guard elf[0] == 0x7f, elf[1] == 0x45, elf[2] == 0x4c, elf[3] == 0x46 else { throw .notELF }
        guard elf[4] == 1 else { throw .unsupportedFormat("not ELFCLASS32") }
        guard elf[5] == 1 else { throw .unsupportedFormat("not little-endian") }
        guard try u16(18) == 243 else { throw .unsupportedFormat("machine is not RISC-V") }
        let type = try u16(16)
        guard type == 2 else { throw .notStaticExecutable(type: type) }
        entry = try u32(24)
        let tableOffset = Int(try u32(28))
        let entrySize = Int(try u16(42))
        let count = Int(try u16(44))
        segments = []
        for index in 0..<count {
            let header = tableOffset + index * entrySize
            guard try u32(header) == 1 else { continue } // PT_LOAD
            let offset = Int(try u32(header + 4))
            let address = try u32(header + 8)
            let fileSize = Int(try u32(header + 16))
            let memorySize = try u32(header + 20)
            guard offset + fileSize <= elf.count, fileSize <= Int(memorySize) else { throw .badSegment(index: index) }
            let end = UInt64(address) + UInt64(memorySize)
            guard end <= UInt64(MemoryMap.reservedBase) || UInt64(address) >= UInt64(MemoryMap.stackTop) else {
                throw .segmentInReservedRegion(index: index)
            }
            guard end <= 1 << 32 else { throw .badSegment(index: index) }
            segments.append(Segment(address: address, bytes: Array(elf[offset..<offset + fileSize]),
                                    memorySize: memorySize))
        }
    }

    /// The VM in its initial state S0, a function of the program, the input and the initial preimage key only:
    /// segments at their addresses (the rest of memory zero), the input at `MemoryMap.inputBase`,
    /// `pc = entry`, `sp = stackTop`, `a0 = inputBase`, `a1 = input length`, `a2 = outputBase`,
    /// all other registers zero, preimage offset 0, step 0.
    public func makeVM(input: [UInt8] = [], preimageKey: Bytes32 = .zero,
                       oracle: PreimageStore = PreimageStore()) throws(ELFError) -> FPVM {
        guard input.count <= Int(MemoryMap.inputLimit) else { throw .inputTooLarge(input.count) }
        let memory = Memory()
        for segment in segments { memory.write(segment.address, segment.bytes) }
        memory.write(MemoryMap.inputBase, input)
        var registers = [UInt32](repeating: 0, count: 32)
        registers[2] = MemoryMap.stackTop
        registers[10] = MemoryMap.inputBase
        registers[11] = UInt32(input.count)
        registers[12] = MemoryMap.outputBase
        return FPVM(memory: memory, pc: entry, registers: registers, preimageKey: preimageKey, oracle: oracle)
    }
}
