import CLPrimitives

/// Byte offsets of the encoded step witness (docs/PROTOCOL.md §Step witness).
public enum WitnessLayout {
    /// The encoded pre-state (`StateLayout.size` bytes).
    public static let state = 0
    /// Proof of the leaf holding the instruction at `pc` (leaf ‖ 27 siblings).
    public static let fetchProof = 211
    /// Proof of the one data leaf the step loads or stores (all zero when unused).
    public static let dataProof = 1107
    /// The 32-byte preimage part a read of fd 5 consumed (zero when unused).
    public static let preimagePart = 2003
    /// Its length byte (0...32).
    public static let preimagePartLength = 2035
    /// Total size.
    public static let size = 2036
}

/// Everything the one-step verifier needs to compute `S_{i+1}` from `S_i`.
public struct StepWitness: Equatable, Sendable {
    /// The pre-state `S_i`.
    public var state: VMState
    /// Proof of the instruction leaf (zero when the VM is halted or `pc` is misaligned).
    public var fetchProof: MemoryProof
    /// Proof of the data leaf (zero when the step touches no data memory).
    public var dataProof: MemoryProof
    /// The preimage part a read of fd 5 consumed (`.none` otherwise).
    public var preimagePart: PreimagePart
    /// Whether the step is a `read(5, …)`: it consults the oracle for the part at
    /// `(state.preimageKey, state.preimageOffset)` whatever its `count`, so that part must be proven in the
    /// on-chain `PreimageOracle` before the step is judged, also when its length is 0 (a read at or past the
    /// end of the stream). Not part of the encoding.
    public var consultsOracle: Bool
    /// Whether the oracle could not serve that part: the preimage is longer than
    /// `PreimageStore.maxPreimageSize`, no part of it can ever be proven on-chain, and the step halts the VM
    /// with `FaultCode.preimageUnavailable` (`preimagePart` is then `.none`). Not part of the encoding.
    public var partUnavailable: Bool
    /// Whether the part `(state.preimageKey, state.preimageOffset)` must be proven on-chain for the contract
    /// to compute this step's post-state (`consultsOracle` and not `partUnavailable`).
    public var needsProvenPart: Bool { consultsOracle && !partUnavailable }

    /// An all-zero proof: the filler of an unused proof slot.
    public static let unusedProof = MemoryProof(leaf: .zero, siblings: Array(repeating: .zero, count: MemoryLayout32.treeDepth))

    /// Creates a witness from its parts.
    public init(state: VMState, fetchProof: MemoryProof, dataProof: MemoryProof, preimagePart: PreimagePart,
                consultsOracle: Bool = false, partUnavailable: Bool = false) {
        self.state = state
        self.fetchProof = fetchProof
        self.dataProof = dataProof
        self.preimagePart = preimagePart
        self.consultsOracle = consultsOracle
        self.partUnavailable = partUnavailable
    }

    /// The fixed 2036-byte encoding.
    public var encoded: [UInt8] {
        var out = state.encoded
        out.reserveCapacity(WitnessLayout.size)
        out += fetchProof.encoded
        out += dataProof.encoded
        out += preimagePart.data.bytes
        out.append(preimagePart.length)
        return out
    }
}

/// Proving-mode memory access: forwards to the pages and captures the proof of the first accessed
/// leaf before the access (a step touches at most one data leaf, the tree is current at step start).
struct ProvingAccess: GuestAccess {
    var fast: FastAccess
    var proof: MemoryProof?

    init(memory: Memory) { fast = FastAccess(memory: memory) }

    @inline(__always) mutating func capture(_ address: UInt32) {
        if proof == nil { proof = fast.memory.proof(address) }
    }

    mutating func load8(_ address: UInt32) -> UInt32 { capture(address); return fast.load8(address) }
    mutating func load16(_ address: UInt32) -> UInt32 { capture(address); return fast.load16(address) }
    mutating func load32(_ address: UInt32) -> UInt32 { capture(address); return fast.load32(address) }
    mutating func store8(_ address: UInt32, _ value: UInt32) { capture(address); fast.store8(address, value) }
    mutating func store16(_ address: UInt32, _ value: UInt32) { capture(address); fast.store16(address, value) }
    mutating func store32(_ address: UInt32, _ value: UInt32) { capture(address); fast.store32(address, value) }
}

extension FPVM {
    /// Proving mode: executes one step and returns its witness (pre-state and the proofs captured while
    /// executing). A halted VM stays as it is (its witness carries no proofs).
    public func stepWithWitness() throws(FPVMError) -> StepWitness {
        let pre = state
        var witness = StepWitness(state: pre, fetchProof: StepWitness.unusedProof,
                                  dataProof: StepWitness.unusedProof, preimagePart: .none)
        if exited { return witness }
        guard pc & 3 == 0 else {
            halt(fault: .misalignedFetch)
            step += 1
            return witness
        }
        witness.fetchProof = memory.proof(pc)
        var access = ProvingAccess(memory: memory)
        let insn = memory.load32(pc)
        switch execute(insn, pc: pc, registers: x, memory: &access) {
        case .next(let next):
            x[0] = 0
            pc = next
        case .ecall:
            var use = OracleUse()
            try performSyscall(memory: &access, oracleUse: &use)
            witness.preimagePart = use.part
            witness.consultsOracle = use.consulted
            witness.partUnavailable = use.unavailable
        case .fault(let code):
            halt(fault: code)
        }
        step += 1
        if let proof = access.proof { witness.dataProof = proof }
        return witness
    }
}
