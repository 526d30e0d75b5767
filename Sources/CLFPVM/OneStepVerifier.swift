import CLPrimitives

/// Why a witness was rejected.
public enum VerifierError: Error, Equatable, Sendable {
    /// The first byte is not `WitnessLayout.currentVersion` (2), or the witness has the size of every
    /// version-1 witness (2036 bytes, which no v2 witness has): an old or foreign encoding, not misread.
    case unsupportedWitnessVersion(UInt8)
    /// The witness is not exactly as long as the sections its step uses (`WitnessSections`).
    case wrongWitnessSize(Int)
    /// The pre-state bytes are not a valid encoding (the `exited` byte is not 0 or 1).
    case malformedState
    /// The pre-state does not hash to the agreed pre-state hash.
    case preStateMismatch(expected: Bytes32, actual: Bytes32)
    /// The instruction proof does not lead to the state's memory root (or its mask is not canonical).
    case invalidFetchProof
    /// The data proof does not lead to the node the fetch path proves (or its mask is not canonical).
    case invalidDataProof
    /// The preimage part in the witness differs from the oracle's proven part for (key, offset).
    case preimagePartMismatch
}

/// What one verified step produced: the post-state hash, and whether the step was a preimage read whose
/// part the oracle had not proven (it then halted the VM with `FaultCode.preimageUnavailable`).
///
/// Mirrors `RV32Step.stepWithStatus(bytes, bytes32) → (bytes32 postStateHash, bool partUnavailable)`:
/// the dispute game uses the flag to open a data window in which the part may still be proven before
/// the step is judged.
public struct StepOutcome: Equatable, Sendable {
    /// The hash of `S_{i+1}`.
    public var postStateHash: Bytes32
    /// True exactly when the step was a `read(5, …)` and the oracle had no part for
    /// `(preimageKey, preimageOffset)` of the pre-state.
    public var partUnavailable: Bool

    /// An outcome.
    public init(postStateHash: Bytes32, partUnavailable: Bool) {
        self.postStateHash = postStateHash
        self.partUnavailable = partUnavailable
    }
}

/// The one-step verifier: a pure function from a witness to the post-state hash.
///
/// It shares no code or data structure with the interpreter: it decodes the packed witness, checks
/// memory proofs against the root in the pre-state, executes the one instruction on those leaves and
/// re-encodes the state. Its sections and functions are the ones the on-chain contract mirrors
/// (docs/PROTOCOL.md §One-step verifier): `step` and `stepWithStatus` (wrappers of `verifyStep`),
/// `decodeState`, `encodeState`, `hashState`, the witness readers and memory paths of
/// OneStepVerifier+Memory.swift (`readFetchProof`, `dataLeaf`, `joinHeight`, `dataProofEnd`,
/// `fetchSibling`, `hashOrdered`, `walkFetchPath`, `walkDataSubtree`, `walkDataSubtreeUpdate`, `walkSharedPath`,
/// `verifyMemoryPaths`), `decodeInstruction`, `executeALU`, `executeMExtension`, `executeBranch`,
/// `executeLoad`, `executeStore`, `executeSyscall`.
public enum OneStepVerifier {
    /// Verifies `witness` and returns the post-state hash (`stepWithStatus` without the flag; the
    /// contract's `step(bytes, bytes32)`).
    /// - Parameters:
    ///   - preStateHash: the agreed hash of `S_i`; nil skips that check (the caller compares instead).
    ///   - oracle: the proven preimage parts (on-chain: the `PreimageOracle` contract).
    public static func step(witness: [UInt8], preStateHash: Bytes32? = nil,
                            oracle: some PreimagePartSource) throws(VerifierError) -> Bytes32 {
        try stepWithStatus(witness: witness, preStateHash: preStateHash, oracle: oracle).postStateHash
    }

    /// Verifies `witness` and returns the post-state hash and whether the step read a preimage part the
    /// oracle had not proven (the contract's `stepWithStatus(bytes, bytes32)`).
    /// - Parameters:
    ///   - preStateHash: the agreed hash of `S_i`; nil skips that check (the caller compares instead).
    ///   - oracle: the proven preimage parts (on-chain: the `PreimageOracle` contract).
    public static func stepWithStatus(witness: [UInt8], preStateHash: Bytes32? = nil,
                                      oracle: some PreimagePartSource) throws(VerifierError) -> StepOutcome {
        try verifyStep(witness: witness, preStateHash: preStateHash, oracle: oracle)
    }

    /// The body of `step` and `stepWithStatus` (the contract's internal `verifyStep`).
    static func verifyStep(witness w: [UInt8], preStateHash: Bytes32?,
                           oracle: some PreimagePartSource) throws(VerifierError) -> StepOutcome {
        guard w.count >= WitnessLayout.headerSize else { throw .wrongWitnessSize(w.count) }
        let version = w[WitnessLayout.version]
        guard version == WitnessLayout.currentVersion, w.count != WitnessLayout.version1Size else {
            throw .unsupportedWitnessVersion(version)
        }
        let stateBytes = Array(w[WitnessLayout.state..<WitnessLayout.headerSize])
        guard var s = decodeState(stateBytes) else { throw .malformedState }
        let preHash = hashState(stateBytes)
        if let expected = preStateHash, expected != preHash {
            throw .preStateMismatch(expected: expected, actual: preHash)
        }
        // A halted VM does not move.
        if s.exited {
            guard w.count == WitnessLayout.headerSize else { throw .wrongWitnessSize(w.count) }
            return StepOutcome(postStateHash: preHash, partUnavailable: false)
        }
        s.step &+= 1
        // Instruction fetch.
        if s.pc & 3 != 0 {
            guard w.count == WitnessLayout.headerSize else { throw .wrongWitnessSize(w.count) }
            s.halt(.misalignedFetch)
            return StepOutcome(postStateHash: hashState(encodeState(s)), partUnavailable: false)
        }
        let pc = s.pc
        let fetch = try readFetchProof(w)
        var end = fetch.end
        var access: DataAccess?
        var partUnavailable = false
        let insn = leafWord(fetch.leaf, at: s.pc)
        let d = decodeInstruction(insn)
        switch d.opcode {
        case 0x13, 0x33:
            guard let value = d.opcode == 0x33 && d.funct7 == 0x01
                ? executeMExtension(d, s.reg(d.rs1), s.reg(d.rs2))
                : executeALU(d, s.reg(d.rs1), d.opcode == 0x33 ? s.reg(d.rs2) : d.immI) else {
                s.halt(.illegalInstruction)
                break
            }
            s.setReg(d.rd, value)
            s.pc &+= 4
        case 0x63:
            guard let taken = executeBranch(d, s.reg(d.rs1), s.reg(d.rs2)) else {
                s.halt(.illegalInstruction)
                break
            }
            s.pc = taken ? s.pc &+ d.immB : s.pc &+ 4
        case 0x03:
            access = try executeLoad(d, &s, w, dataStart: end, fetchLeaf: fetch.leaf)
        case 0x23:
            access = try executeStore(d, &s, w, dataStart: end, fetchLeaf: fetch.leaf)
        case 0x37:
            s.setReg(d.rd, insn & 0xffff_f000)
            s.pc &+= 4
        case 0x17:
            s.setReg(d.rd, s.pc &+ (insn & 0xffff_f000))
            s.pc &+= 4
        case 0x6f:
            s.setReg(d.rd, s.pc &+ 4)
            s.pc &+= d.immJ
        case 0x67:
            guard d.funct3 == 0 else {
                s.halt(.illegalInstruction)
                break
            }
            let target = (s.reg(d.rs1) &+ d.immI) & ~1
            s.setReg(d.rd, s.pc &+ 4)
            s.pc = target
        case 0x0f:
            if d.funct3 <= 1 { s.pc &+= 4 } else { s.halt(.illegalInstruction) }
        case 0x73:
            if insn == 0x0000_0073 {
                (access, partUnavailable) = try executeSyscall(&s, w, end: &end, fetchLeaf: fetch.leaf, oracle: oracle)
            } else if insn == 0x0010_0073 {
                s.halt(.breakpoint)
            } else {
                s.halt(.illegalInstruction)
            }
        default:
            s.halt(.illegalInstruction)
        }
        // The data proof, when the step accessed a leaf other than the instruction's, ends the witness.
        let dataStart = end
        if let access, let height = joinHeight(pc: pc, address: access.address) {
            end = try dataProofEnd(w, start: dataStart, joinHeight: height)
        }
        // After an unproven part (fault 7) nothing past the part is read: the witness may go on.
        guard partUnavailable ? w.count >= end : w.count == end else { throw .wrongWitnessSize(w.count) }
        s.memRoot = try verifyMemoryPaths(w, fetch: fetch, root: s.memRoot, pc: pc, access: access, dataStart: dataStart)
        return StepOutcome(postStateHash: hashState(encodeState(s)), partUnavailable: partUnavailable)
    }

    // MARK: - State

    /// The unpacked state the verifier works on.
    struct StepState {
        var memRoot: Bytes32
        var preimageKey: Bytes32
        var preimageOffset: UInt32
        var pc: UInt32
        var exitCode: UInt8
        var exited: Bool
        var fault: UInt8
        var step: UInt64
        var registers: [UInt32]

        func reg(_ index: Int) -> UInt32 { index == 0 ? 0 : registers[index] }
        mutating func setReg(_ index: Int, _ value: UInt32) { if index != 0 { registers[index] = value } }
        mutating func halt(_ code: FaultCode) {
            exited = true
            fault = code.rawValue
        }
    }

    static func readBE(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<count { value = value << 8 | UInt64(bytes[offset + i]) }
        return value
    }

    static func word32(_ bytes: [UInt8], _ offset: Int) -> Bytes32 {
        Bytes32(bytes: bytes[offset..<offset + 32])!
    }

    /// Unpacks the 211-byte state (field order of `StateLayout`).
    static func decodeState(_ b: [UInt8]) -> StepState? {
        guard b[StateLayout.exited] <= 1 else { return nil }
        return StepState(
            memRoot: word32(b, StateLayout.memRoot), preimageKey: word32(b, StateLayout.preimageKey),
            preimageOffset: UInt32(readBE(b, StateLayout.preimageOffset, 4)), pc: UInt32(readBE(b, StateLayout.pc, 4)),
            exitCode: b[StateLayout.exitCode], exited: b[StateLayout.exited] == 1, fault: b[StateLayout.fault],
            step: readBE(b, StateLayout.step, 8),
            registers: (0..<32).map { UInt32(readBE(b, StateLayout.registers + 4 * $0, 4)) })
    }

    /// Packs the state back (inverse of `decodeState`).
    static func encodeState(_ s: StepState) -> [UInt8] {
        var out = s.memRoot.bytes + s.preimageKey.bytes
        func append(_ value: UInt64, _ count: Int) {
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
        }
        append(UInt64(s.preimageOffset), 4)
        append(UInt64(s.pc), 4)
        out.append(s.exitCode)
        out.append(s.exited ? 1 : 0)
        out.append(s.fault)
        append(s.step, 8)
        for r in 0..<32 { append(UInt64(s.reg(r)), 4) }
        return out
    }

    /// keccak256(encoding) with byte 0 replaced by the VM status.
    static func hashState(_ encoded: [UInt8]) -> Bytes32 {
        var hash = Keccak256.hash(encoded)
        let exited = encoded[StateLayout.exited] != 0
        let status: VMStatus = !exited ? .unfinished
            : encoded[StateLayout.fault] != 0 ? .panic
            : encoded[StateLayout.exitCode] == 0 ? .valid : .invalid
        hash[0] = status.rawValue
        return hash
    }

    // MARK: - Leaves

    /// The little-endian 32-bit word at `address` (4-aligned) inside its leaf.
    static func leafWord(_ leaf: Bytes32, at address: UInt32) -> UInt32 {
        leafBytes(leaf, at: address, count: 4)
    }

    /// `count` little-endian bytes at `address` inside its leaf.
    static func leafBytes(_ leaf: Bytes32, at address: UInt32, count: Int) -> UInt32 {
        let base = Int(address & 31)
        var value: UInt32 = 0
        for i in stride(from: count - 1, through: 0, by: -1) { value = value << 8 | UInt32(leaf[base + i]) }
        return value
    }

    /// `leaf` with `count` little-endian bytes of `value` written at `address`.
    static func leafWithBytes(_ leaf: Bytes32, at address: UInt32, count: Int, value: UInt32) -> Bytes32 {
        var out = leaf
        let base = Int(address & 31)
        for i in 0..<count { out[base + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
        return out
    }

    // MARK: - Instruction decoding

    /// The fields of an instruction word, with every immediate format pre-computed.
    struct Decoded {
        var opcode: UInt32, rd: Int, funct3: UInt32, rs1: Int, rs2: Int, funct7: UInt32
        var immI: UInt32, immS: UInt32, immB: UInt32, immJ: UInt32
    }

    static func signExtended(_ value: UInt32, bits: UInt32) -> UInt32 {
        let sign: UInt32 = 1 << (bits - 1)
        return (value & (sign &- 1)) | (value & sign == 0 ? 0 : ~(sign &- 1))
    }

    /// Splits an instruction word into its fields (RISC-V unprivileged spec, chapter 2).
    static func decodeInstruction(_ insn: UInt32) -> Decoded {
        let immI = signExtended(insn >> 20, bits: 12)
        let immS = signExtended(((insn >> 25) << 5) | ((insn >> 7) & 31), bits: 12)
        let immB = signExtended(((insn >> 31) << 12) | (((insn >> 7) & 1) << 11) | (((insn >> 25) & 63) << 5)
                                | (((insn >> 8) & 15) << 1), bits: 13)
        let immJ = signExtended(((insn >> 31) << 20) | (((insn >> 12) & 255) << 12) | (((insn >> 20) & 1) << 11)
                                | (((insn >> 21) & 1023) << 1), bits: 21)
        return Decoded(opcode: insn & 127, rd: Int((insn >> 7) & 31), funct3: (insn >> 12) & 7,
                       rs1: Int((insn >> 15) & 31), rs2: Int((insn >> 20) & 31), funct7: insn >> 25,
                       immI: immI, immS: immS, immB: immB, immJ: immJ)
    }

    // MARK: - Execution

    /// OP and OP-IMM without the M extension; nil for an illegal encoding.
    static func executeALU(_ d: Decoded, _ a: UInt32, _ b: UInt32) -> UInt32? {
        let isImmediate = d.opcode == 0x13
        let shift = b & 31
        let signedA = Int32(bitPattern: a), signedB = Int32(bitPattern: b)
        switch d.funct3 {
        case 0:
            if isImmediate || d.funct7 == 0 { return a &+ b }
            return d.funct7 == 0x20 ? a &- b : nil
        case 1: return d.funct7 == 0 ? a << shift : nil
        case 2: return (isImmediate || d.funct7 == 0) ? (signedA < signedB ? 1 : 0) : nil
        case 3: return (isImmediate || d.funct7 == 0) ? (a < b ? 1 : 0) : nil
        case 4: return (isImmediate || d.funct7 == 0) ? a ^ b : nil
        case 5:
            if d.funct7 == 0 { return a >> shift }
            return d.funct7 == 0x20 ? UInt32(bitPattern: signedA >> Int32(shift)) : nil
        case 6: return (isImmediate || d.funct7 == 0) ? a | b : nil
        default: return (isImmediate || d.funct7 == 0) ? a & b : nil
        }
    }

    /// MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU.
    static func executeMExtension(_ d: Decoded, _ a: UInt32, _ b: UInt32) -> UInt32? {
        let signedA = Int64(Int32(bitPattern: a)), signedB = Int64(Int32(bitPattern: b))
        switch d.funct3 {
        case 0: return UInt32(truncatingIfNeeded: signedA &* signedB)
        case 1: return UInt32(truncatingIfNeeded: (signedA &* signedB) >> 32)
        case 2: return UInt32(truncatingIfNeeded: (signedA &* Int64(b)) >> 32)
        case 3: return UInt32(truncatingIfNeeded: (UInt64(a) &* UInt64(b)) >> 32)
        case 4: return b == 0 ? 0xffff_ffff : UInt32(truncatingIfNeeded: signedA / signedB)
        case 5: return b == 0 ? 0xffff_ffff : a / b
        case 6: return b == 0 ? a : UInt32(truncatingIfNeeded: signedA % signedB)
        default: return b == 0 ? a : a % b
        }
    }

    /// BEQ, BNE, BLT, BGE, BLTU, BGEU; nil for funct3 2 or 3.
    static func executeBranch(_ d: Decoded, _ a: UInt32, _ b: UInt32) -> Bool? {
        switch d.funct3 {
        case 0: return a == b
        case 1: return a != b
        case 4: return Int32(bitPattern: a) < Int32(bitPattern: b)
        case 5: return Int32(bitPattern: a) >= Int32(bitPattern: b)
        case 6: return a < b
        case 7: return a >= b
        default: return nil
        }
    }
}
