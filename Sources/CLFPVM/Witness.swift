import CLPrimitives

/// Byte layout of the version-2 step witness (docs/PROTOCOL.md §Step witness, v2).
///
/// Only the header is at fixed offsets: the sections after it are present when the step uses them
/// (fetch proof, preimage part, data proof), and a compact proof's length depends on its mask.
public enum WitnessLayout {
    /// The version byte (offset 0).
    public static let version = 0
    /// The value of the version byte.
    public static let currentVersion: UInt8 = 2
    /// The encoded pre-state (`StateLayout.size` bytes) follows the version byte.
    public static let state = 1
    /// Version byte and pre-state: the whole witness of a halted or misaligned step.
    public static let headerSize = 1 + StateLayout.size
    /// Where the fetch proof starts (when present).
    public static let fetchProof = headerSize
    /// Offset of the mask inside a compact proof (after its 32-byte leaf).
    public static let proofMask = 32
    /// Leaf and mask: the fixed head of a compact proof, before its siblings.
    public static let proofHead = 36
    /// A preimage part section: 32 bytes of part, then its length byte.
    public static let partSize = 33
    /// Heights of the memory tree (`MemoryLayout32.treeDepth`).
    public static let treeDepth = 27
    /// The largest possible v2 witness: a full fetch proof, a part and a data proof joining at the top.
    public static let maximumSize = headerSize + proofHead + 32 * treeDepth + partSize + proofHead + 32 * (treeDepth - 1)
    /// The size of every version-1 witness (no v2 witness has it): rejected as an unsupported version.
    public static let version1Size = 2036
}

/// Where the sections of one encoded witness lie (`StepWitness.sections`); nil fields are absent.
public struct WitnessSections: Equatable, Sendable {
    /// Start of the fetch proof (its leaf).
    public var fetchProof: Int?
    /// How many fetch siblings the witness carries (27 minus the omitted zero-subtree ones).
    public var fetchSiblings = 0
    /// Start of the preimage part (32 bytes, then the length byte).
    public var preimagePart: Int?
    /// Start of the data proof (its leaf).
    public var dataProof: Int?
    /// How many data siblings it carries.
    public var dataSiblings = 0
    /// Total size.
    public var size = WitnessLayout.headerSize
}

/// Everything the one-step verifier needs to compute `S_{i+1}` from `S_i`.
public struct StepWitness: Equatable, Sendable {
    /// The pre-state `S_i`.
    public var state: VMState
    /// Proof of the instruction leaf (zero when the VM is halted or `pc` is misaligned).
    public var fetchProof: MemoryProof
    /// Proof of the data leaf (`unusedProof` when the step touches no data memory).
    public var dataProof: MemoryProof
    /// The address of the data access `dataProof` proves (not part of the encoding: the verifier
    /// computes it from the state and the instruction).
    public var dataAddress: UInt32
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

    /// An all-zero proof: the marker of an unused proof (no real proof is all zero: `zeroHashes[1] ≠ 0`).
    public static let unusedProof = MemoryProof(leaf: .zero, siblings: Array(repeating: .zero, count: MemoryLayout32.treeDepth))

    /// Creates a witness from its parts.
    public init(state: VMState, fetchProof: MemoryProof, dataProof: MemoryProof, dataAddress: UInt32 = 0,
                preimagePart: PreimagePart, consultsOracle: Bool = false, partUnavailable: Bool = false) {
        self.state = state
        self.fetchProof = fetchProof
        self.dataProof = dataProof
        self.dataAddress = dataAddress
        self.preimagePart = preimagePart
        self.consultsOracle = consultsOracle
        self.partUnavailable = partUnavailable
    }

    /// Whether the encoding carries a fetch proof (the VM runs and `pc` is aligned).
    var fetches: Bool { !state.exited && state.pc & 3 == 0 }

    /// Whether the step is `ECALL` with `a7 = read`, `a0 = 5`: the encoding then carries a part section.
    var readsPreimage: Bool {
        guard fetches else { return false }
        let base = Int(state.pc & 31)
        var insn: UInt32 = 0
        for i in stride(from: 3, through: 0, by: -1) { insn = insn << 8 | UInt32(fetchProof.leaf[base + i]) }
        return insn == 0x73 && state.registers[17] == Syscall.read && state.registers[10] == Syscall.preimageReadFD
    }

    /// Whether the encoding carries a data proof: the step accessed a leaf other than the instruction's.
    var carriesDataProof: Bool {
        fetches && dataProof != StepWitness.unusedProof && dataAddress >> 5 != state.pc >> 5
    }

    /// The height at which the data path joins the fetch path (the highest bit where the two leaf
    /// indices differ): the data proof carries siblings below it only.
    var joinHeight: Int {
        let diff = (dataAddress >> 5) ^ (state.pc >> 5)
        return 31 - diff.leadingZeroBitCount
    }

    /// Where the sections of `encoded` lie.
    public var sections: WitnessSections {
        var s = WitnessSections()
        guard fetches else { return s }
        s.fetchProof = s.size
        s.fetchSiblings = Self.carried(fetchProof, heights: WitnessLayout.treeDepth)
        s.size += WitnessLayout.proofHead + 32 * s.fetchSiblings
        if readsPreimage {
            s.preimagePart = s.size
            s.size += WitnessLayout.partSize
        }
        if carriesDataProof {
            s.dataProof = s.size
            s.dataSiblings = Self.carried(dataProof, heights: joinHeight)
            s.size += WitnessLayout.proofHead + 32 * s.dataSiblings
        }
        return s
    }

    static func carried(_ proof: MemoryProof, heights: Int) -> Int {
        (0..<heights).filter { proof.siblings[$0] != zeroHashes[$0] }.count
    }

    /// A compact proof over heights `0..<heights`: leaf, mask (bit h set: sibling h is the zero-subtree
    /// root `zeroHashes[h]` and omitted), then the other siblings, bottom first.
    static func compact(_ proof: MemoryProof, heights: Int) -> [UInt8] {
        var mask: UInt32 = 0
        var siblings: [UInt8] = []
        for h in 0..<heights {
            if proof.siblings[h] == zeroHashes[h] { mask |= 1 << h } else { siblings += proof.siblings[h].bytes }
        }
        return proof.leaf.bytes + [UInt8(mask >> 24), UInt8(truncatingIfNeeded: mask >> 16),
                                   UInt8(truncatingIfNeeded: mask >> 8), UInt8(truncatingIfNeeded: mask)] + siblings
    }

    /// The v2 encoding: version byte, pre-state, then the sections the step uses.
    public var encoded: [UInt8] {
        var out = [WitnessLayout.currentVersion] + state.encoded
        guard fetches else { return out }
        out += Self.compact(fetchProof, heights: WitnessLayout.treeDepth)
        if readsPreimage {
            out += preimagePart.data.bytes
            out.append(preimagePart.length)
        }
        if carriesDataProof { out += Self.compact(dataProof, heights: joinHeight) }
        return out
    }
}

/// Proving-mode memory access: forwards to the pages and captures the proof of the first accessed
/// leaf before the access (a step touches at most one data leaf, the tree is current at step start).
struct ProvingAccess: GuestAccess {
    var fast: FastAccess
    var proof: MemoryProof?
    var address: UInt32 = 0

    init(memory: Memory) { fast = FastAccess(memory: memory) }

    @inline(__always) mutating func capture(_ address: UInt32) {
        if proof == nil {
            proof = fast.memory.proof(address)
            self.address = address
        }
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
        if let proof = access.proof {
            witness.dataProof = proof
            witness.dataAddress = access.address
        }
        return witness
    }
}
