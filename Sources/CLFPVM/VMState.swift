import CLPrimitives

/// Why a VM halted abnormally; the value is stored in the state's `fault` byte (0 = no fault).
public enum FaultCode: UInt8, Sendable, CaseIterable {
    /// An instruction outside RV32IM (including `unimp`, CSR instructions and the all-zero word).
    case illegalInstruction = 1
    /// The pc is not a multiple of 4 when an instruction is fetched.
    case misalignedFetch = 2
    /// A halfword or word load from an address not aligned to its size.
    case misalignedLoad = 3
    /// A halfword or word store to an address not aligned to its size.
    case misalignedStore = 4
    /// `EBREAK`.
    case breakpoint = 5
    /// `ECALL` with a syscall number other than 63, 64, 93, 94.
    case unknownSyscall = 6
    /// `read(5, …)` of a part the preimage oracle cannot serve: on-chain, a part `(key, offset)` the
    /// `PreimageOracle` has not proven; off-chain, a preimage longer than `PreimageStore.maxPreimageSize`.
    case preimageUnavailable = 7
}

/// The outcome class put in the top byte of a state hash, as Cannon does.
public enum VMStatus: UInt8, Sendable {
    /// Exited with code 0.
    case valid = 0
    /// Exited with a nonzero code.
    case invalid = 1
    /// Halted by a fault.
    case panic = 2
    /// Still running.
    case unfinished = 3
}

/// Byte offsets of the encoded VM state (docs/PROTOCOL.md §FPVM state). Multi-byte integers are big-endian.
public enum StateLayout {
    /// Memory Merkle root, 32 bytes.
    public static let memRoot = 0
    /// Current preimage key, 32 bytes.
    public static let preimageKey = 32
    /// Read offset into the current preimage stream, 4 bytes.
    public static let preimageOffset = 64
    /// Program counter, 4 bytes.
    public static let pc = 68
    /// Exit code (low byte of `a0` at `exit`), 1 byte.
    public static let exitCode = 72
    /// 1 when halted (by exit or fault), else 0; 1 byte.
    public static let exited = 73
    /// Fault code (`FaultCode`), 0 when none; 1 byte.
    public static let fault = 74
    /// Steps executed so far, 8 bytes.
    public static let step = 75
    /// Registers x0...x31, 4 bytes each.
    public static let registers = 83
    /// Total size of the encoding.
    public static let size = 211
}

/// The complete architectural state of the FPVM, with memory summarised by its Merkle root.
public struct VMState: Equatable, Sendable {
    /// Root of the memory tree.
    public var memRoot: Bytes32
    /// The key the guest last wrote to the preimage key descriptor (fd 6).
    public var preimageKey: Bytes32
    /// Bytes of the current preimage stream already read (fd 5).
    public var preimageOffset: UInt32
    /// Program counter.
    public var pc: UInt32
    /// Exit code, valid once `exited`.
    public var exitCode: UInt8
    /// Whether the VM has halted.
    public var exited: Bool
    /// The fault that halted the VM, 0 if none.
    public var fault: UInt8
    /// Steps executed so far.
    public var step: UInt64
    /// x0...x31 (x0 is always 0 in a reachable state).
    public var registers: [UInt32]

    /// A fresh state.
    public init(memRoot: Bytes32, preimageKey: Bytes32 = .zero, preimageOffset: UInt32 = 0, pc: UInt32,
                exitCode: UInt8 = 0, exited: Bool = false, fault: UInt8 = 0, step: UInt64 = 0,
                registers: [UInt32] = Array(repeating: 0, count: 32)) {
        precondition(registers.count == 32, "VMState needs 32 registers")
        self.memRoot = memRoot
        self.preimageKey = preimageKey
        self.preimageOffset = preimageOffset
        self.pc = pc
        self.exitCode = exitCode
        self.exited = exited
        self.fault = fault
        self.step = step
        self.registers = registers
    }

    /// The status derived from `exited`, `fault` and `exitCode`.
    public var status: VMStatus {
        if !exited { return .unfinished }
        if fault != 0 { return .panic }
        return exitCode == 0 ? .valid : .invalid
    }

    /// The fixed 211-byte encoding.
    public var encoded: [UInt8] {
        var out = [UInt8](repeating: 0, count: StateLayout.size)
        out.replaceSubrange(StateLayout.memRoot..<StateLayout.memRoot + 32, with: memRoot.bytes)
        out.replaceSubrange(StateLayout.preimageKey..<StateLayout.preimageKey + 32, with: preimageKey.bytes)
        BigEndian.put32(preimageOffset, into: &out, at: StateLayout.preimageOffset)
        BigEndian.put32(pc, into: &out, at: StateLayout.pc)
        out[StateLayout.exitCode] = exitCode
        out[StateLayout.exited] = exited ? 1 : 0
        out[StateLayout.fault] = fault
        BigEndian.put64(step, into: &out, at: StateLayout.step)
        for (i, value) in registers.enumerated() { BigEndian.put32(value, into: &out, at: StateLayout.registers + 4 * i) }
        return out
    }

    /// Decodes the 211-byte encoding; nil for another size or an `exited` byte other than 0/1.
    public init?(encoded bytes: some Collection<UInt8>) {
        let b = Array(bytes)
        guard b.count == StateLayout.size, b[StateLayout.exited] <= 1 else { return nil }
        memRoot = Bytes32(bytes: b[StateLayout.memRoot..<StateLayout.memRoot + 32])!
        preimageKey = Bytes32(bytes: b[StateLayout.preimageKey..<StateLayout.preimageKey + 32])!
        preimageOffset = BigEndian.get32(b, at: StateLayout.preimageOffset)
        pc = BigEndian.get32(b, at: StateLayout.pc)
        exitCode = b[StateLayout.exitCode]
        exited = b[StateLayout.exited] == 1
        fault = b[StateLayout.fault]
        step = BigEndian.get64(b, at: StateLayout.step)
        registers = (0..<32).map { BigEndian.get32(b, at: StateLayout.registers + 4 * $0) }
    }

    /// `keccak256(encoded)` with its first byte replaced by the status.
    public var hash: Bytes32 { StateHash.of(encoded: encoded) }
}

/// The state hash rule shared by the interpreter and the one-step verifier.
public enum StateHash {
    /// `keccak256(encoding)` with byte 0 replaced by the status derived from the encoding's
    /// `exited`, `fault` and `exitCode` fields.
    public static func of(encoded: [UInt8]) -> Bytes32 {
        var hash = Keccak256.hash(encoded)
        let status: VMStatus
        if encoded[StateLayout.exited] == 0 {
            status = .unfinished
        } else if encoded[StateLayout.fault] != 0 {
            status = .panic
        } else {
            status = encoded[StateLayout.exitCode] == 0 ? .valid : .invalid
        }
        hash[0] = status.rawValue
        return hash
    }
}

/// Big-endian integer packing for the state and witness encodings.
enum BigEndian {
    static func put32(_ value: UInt32, into out: inout [UInt8], at offset: Int) {
        for i in 0..<4 { out[offset + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(i))) }
    }

    static func put64(_ value: UInt64, into out: inout [UInt8], at offset: Int) {
        for i in 0..<8 { out[offset + i] = UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64(i))) }
    }

    static func get32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for i in 0..<4 { value = value << 8 | UInt32(bytes[offset + i]) }
        return value
    }

    static func get64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<8 { value = value << 8 | UInt64(bytes[offset + i]) }
        return value
    }
}
