import CLPrimitives

/// Why the host could not execute a step (not a VM fault: the VM state is left at the step's pre-state).
public enum FPVMError: Error, Equatable, Sendable {
    /// The guest read a preimage whose key the host's store does not hold.
    case missingPreimage(key: Bytes32)
}

/// Linux RISC-V syscall numbers and file descriptors the FPVM implements (DESIGN §2).
public enum Syscall {
    /// `read(fd, buf, count)`.
    public static let read: UInt32 = 63
    /// `write(fd, buf, count)`.
    public static let write: UInt32 = 64
    /// `exit(code)`.
    public static let exit: UInt32 = 93
    /// `exit_group(code)`.
    public static let exitGroup: UInt32 = 94
    /// Standard input: always at end of file inside the FPVM.
    public static let stdinFD: UInt32 = 0
    /// Standard output (host-visible, no effect on the state).
    public static let stdoutFD: UInt32 = 1
    /// Standard error (host-visible, no effect on the state).
    public static let stderrFD: UInt32 = 2
    /// Hint write: bytes for the host (it may add preimages in answer); no effect on the state.
    public static let hintWriteFD: UInt32 = 3
    /// Hint read: returns `count`, changes nothing.
    public static let hintReadFD: UInt32 = 4
    /// Preimage read: copies stream bytes of the current key from the current offset.
    public static let preimageReadFD: UInt32 = 5
    /// Preimage key write: shifts bytes into the current key and resets the offset.
    public static let preimageKeyFD: UInt32 = 6
    /// `-EBADF`, returned for any other descriptor.
    public static let badFileDescriptor: UInt32 = UInt32(bitPattern: -9)
}

/// The fraud-proof VM: RV32IM over Merkle-ized memory.
///
/// Two modes share `execute` and `performSyscall`: `run(until:)` executes pre-decoded instructions without
/// any hashing (FastMode.swift); `stepWithWitness()` brings the Merkle tree up to date, executes one step and
/// returns the captured witness.
public final class FPVM {
    /// Guest memory with its lazily maintained Merkle tree.
    public let memory: Memory
    /// x0...x31 (x0 kept at zero), then the fast mode's scratch register 32 (the target of writes to x0).
    let x: UnsafeMutablePointer<UInt32>
    /// Program counter.
    public internal(set) var pc: UInt32
    /// Steps executed.
    public internal(set) var step: UInt64 = 0
    /// Whether the VM has halted.
    public internal(set) var exited = false
    /// Exit code (low byte of a0 at exit).
    public internal(set) var exitCode: UInt8 = 0
    /// Fault code, 0 when none.
    public internal(set) var fault: UInt8 = 0
    /// Current preimage key.
    public internal(set) var preimageKey = Bytes32.zero
    /// Current offset into the preimage stream.
    public internal(set) var preimageOffset: UInt32 = 0
    /// The host's preimage store.
    public var oracle: PreimageStore
    /// Bytes written to fd 1 (kept when `capturesOutput`).
    public var standardOutput: [UInt8] = []
    /// Bytes written to fd 2 (kept when `capturesOutput`).
    public var standardError: [UInt8] = []
    /// Whether writes to fd 1/2 are collected (host side only; the state never depends on it).
    public var capturesOutput = true
    /// Called with the bytes of each hint write (fd 3); may add preimages to `oracle` for later reads.
    public var hintHandler: ((FPVM, [UInt8]) -> Void)?
    /// Most bytes the host copies out of one output or hint write.
    public static let hostCopyLimit = 1 << 20

    /// A VM over `memory` starting at `pc` with the given registers and preimage key.
    public init(memory: Memory, pc: UInt32, registers: [UInt32] = Array(repeating: 0, count: 32),
                preimageKey: Bytes32 = .zero, oracle: PreimageStore = PreimageStore()) {
        precondition(registers.count == 32, "FPVM needs 32 registers")
        self.memory = memory
        self.pc = pc
        self.preimageKey = preimageKey
        self.oracle = oracle
        x = .allocate(capacity: 33)
        x.initialize(from: registers, count: 32)
        (x + 32).initialize(to: 0)
        x[0] = 0
    }

    deinit { x.deallocate() }

    /// Register `index` (0...31).
    public func register(_ index: Int) -> UInt32 { x[index] }

    /// All 32 registers.
    public var registers: [UInt32] { Array(UnsafeBufferPointer(start: x, count: 32)) }

    /// A deep copy (memory, registers, host store); host output buffers and the hint handler are not copied.
    public func snapshot() -> FPVM {
        let copy = FPVM(memory: memory.copy(), pc: pc, registers: registers, preimageKey: preimageKey, oracle: oracle)
        copy.step = step
        copy.exited = exited
        copy.exitCode = exitCode
        copy.fault = fault
        copy.preimageOffset = preimageOffset
        copy.capturesOutput = capturesOutput
        copy.hintHandler = hintHandler
        return copy
    }

    /// The current state (brings the Merkle root up to date).
    public var state: VMState {
        VMState(memRoot: memory.root(), preimageKey: preimageKey, preimageOffset: preimageOffset, pc: pc,
                exitCode: exitCode, exited: exited, fault: fault, step: step, registers: registers)
    }

    /// The hash of the current state.
    public var stateHash: Bytes32 { state.hash }

    func halt(fault code: FaultCode) {
        exited = true
        fault = code.rawValue
    }

    // MARK: - Syscalls

    /// What a step asked of the preimage oracle (recorded in its witness).
    struct OracleUse {
        /// The part a preimage read was served (`.none` when none was).
        var part = PreimagePart.none
        /// Whether the step was a `read(5, …)`, which consults the oracle whatever its `count`.
        var consulted = false
        /// Whether the oracle could not serve the part (the step faulted with `preimageUnavailable`).
        var unavailable = false
    }

    /// Executes the `ECALL` at `pc` (the step counter is advanced by the caller).
    /// `oracleUse` receives what a preimage read asked of the oracle and the part it consumed.
    ///
    /// A read of fd 5 always consults the oracle for the part at `(preimageKey, preimageOffset)`, also
    /// when `count` is 0 or the stream is at its end. A key the store does not hold throws
    /// `missingPreimage` before the step; a preimage longer than `PreimageStore.maxPreimageSize` (which no
    /// on-chain oracle can hold) halts the VM with `FaultCode.preimageUnavailable`.
    func performSyscall<Access: GuestAccess>(memory access: inout Access,
                                             oracleUse: inout OracleUse) throws(FPVMError) {
        let number = x[17], fd = x[10], buffer = x[11], count = x[12]
        var result: UInt32
        switch number {
        case Syscall.exit, Syscall.exitGroup:
            exited = true
            exitCode = UInt8(truncatingIfNeeded: x[10])
            return
        case Syscall.read:
            switch fd {
            case Syscall.stdinFD: result = 0
            case Syscall.hintReadFD: result = count
            case Syscall.preimageReadFD:
                guard let part = oracle.part(key: preimageKey, offset: preimageOffset) else {
                    guard oracle.isUnservable(preimageKey) else { throw .missingPreimage(key: preimageKey) }
                    oracleUse.consulted = true
                    oracleUse.unavailable = true
                    halt(fault: .preimageUnavailable)
                    return
                }
                let n = min(count, UInt32(part.length), 32 - (buffer & 31))
                for i in 0..<n { access.store8(buffer &+ i, UInt32(part.data[Int(i)])) }
                preimageOffset &+= n
                oracleUse.part = part
                oracleUse.consulted = true
                result = n
            default: result = Syscall.badFileDescriptor
            }
        case Syscall.write:
            switch fd {
            case Syscall.stdoutFD, Syscall.stderrFD, Syscall.hintWriteFD:
                copyOut(fd: fd, buffer: buffer, count: count)
                result = count
            case Syscall.preimageKeyFD:
                let n = min(count, 32 - (buffer & 31))
                for i in 0..<n { shiftIntoKey(UInt8(truncatingIfNeeded: access.load8(buffer &+ i))) }
                if n > 0 { preimageOffset = 0 }
                result = n
            default: result = Syscall.badFileDescriptor
            }
        default:
            halt(fault: .unknownSyscall)
            return
        }
        x[10] = result
        pc &+= 4
    }

    /// key = (key << 8) | byte, as a 256-bit big-endian number.
    func shiftIntoKey(_ byte: UInt8) {
        var key = preimageKey
        for i in 0..<31 { key[i] = key[i + 1] }
        key[31] = byte
        preimageKey = key
    }

    /// Host side of an output or hint write: copies the bytes out, never touching the state.
    func copyOut(fd: UInt32, buffer: UInt32, count: UInt32) {
        let wanted = fd == Syscall.hintWriteFD ? hintHandler != nil : capturesOutput
        guard wanted else { return }
        let bytes = memory.read(buffer, count: min(Int(count), FPVM.hostCopyLimit))
        switch fd {
        case Syscall.stdoutFD: standardOutput += bytes
        case Syscall.stderrFD: standardError += bytes
        default: hintHandler?(self, bytes)
        }
    }
}
