#pragma version 0.4.3
#pragma optimize gas
#pragma experimental-codegen
"""
@title RV32Step
@notice The on-chain one-step verifier of the FPVM: one RV32IM instruction over the state and step
        witness layouts of docs/PROTOCOL.md. It mirrors Sources/CLFPVM/OneStepVerifier.swift
        function by function, with the same names and sections, so the two read side by side:
        decodeState, encodeState, hashState, verifyMemoryProof, updateMemoryRoot, computeRoot,
        leafWord, leafBytes, leafWithBytes, signExtended, decodeInstruction, executeALU,
        executeMExtension, executeBranch, executeLoad, executeStore, executeSyscall; the external
        step and stepWithStatus are, as in Swift, thin wrappers of verifyStep.
@dev All values are 32-bit quantities held in uint256 and masked. A rejected witness reverts with
     the reason the Swift verifier throws (VerifierError case name). A read of fd 5 whose part the
     oracle has not proven is no rejection: it halts the VM with fault 7 (preimageUnavailable).
"""

interface PreimageOracle:
    def readPartIfProven(key: bytes32, offset: uint256) -> (bytes32, uint256, bool): view

# Witness layout (WitnessLayout).
WITNESS_SIZE: constant(uint256) = 2036
STATE_SIZE: constant(uint256) = 211
FETCH_PROOF: constant(uint256) = 211
DATA_PROOF: constant(uint256) = 1107
PROOF_SIZE: constant(uint256) = 896
PREIMAGE_PART: constant(uint256) = 2003
# The word ending with the preimage part's length byte (offset 2035).
PREIMAGE_PART_LENGTH_WORD: constant(uint256) = 2004
# Where the witness bytes start in the calldata of step(bytes,bytes32) when ABI-encoded canonically:
# selector (4), head (offset of the witness = 64, preStateHash), witness length word.
WITNESS_CALLDATA: constant(uint256) = 100

# State layout (StateLayout): the word at 64 holds preimageOffset, pc, exitCode, exited, fault, step.
STATE_HEADER: constant(uint256) = 64
STATE_REGISTERS: constant(uint256) = 83

# Fault codes (FaultCode).
FAULT_ILLEGAL_INSTRUCTION: constant(uint256) = 1
FAULT_MISALIGNED_FETCH: constant(uint256) = 2
FAULT_MISALIGNED_LOAD: constant(uint256) = 3
FAULT_MISALIGNED_STORE: constant(uint256) = 4
FAULT_BREAKPOINT: constant(uint256) = 5
FAULT_UNKNOWN_SYSCALL: constant(uint256) = 6
FAULT_PREIMAGE_UNAVAILABLE: constant(uint256) = 7

# Status byte of a state hash (VMStatus).
STATUS_VALID: constant(uint256) = 0
STATUS_INVALID: constant(uint256) = 1
STATUS_PANIC: constant(uint256) = 2
STATUS_UNFINISHED: constant(uint256) = 3

# Syscalls and descriptors (Syscall).
SYS_READ: constant(uint256) = 63
SYS_WRITE: constant(uint256) = 64
SYS_EXIT: constant(uint256) = 93
SYS_EXIT_GROUP: constant(uint256) = 94
FD_STDIN: constant(uint256) = 0
FD_STDOUT: constant(uint256) = 1
FD_STDERR: constant(uint256) = 2
FD_HINT_WRITE: constant(uint256) = 3
FD_HINT_READ: constant(uint256) = 4
FD_PREIMAGE_READ: constant(uint256) = 5
FD_PREIMAGE_KEY: constant(uint256) = 6
BAD_FILE_DESCRIPTOR: constant(uint256) = 4294967287  # -9 as 32 bits

MASK32: constant(uint256) = 4294967295
SIGN32: constant(uint256) = 2147483648
MASK64: constant(uint256) = 18446744073709551615


# MARK: - State

struct StepState:
    memRoot: bytes32
    preimageKey: bytes32
    preimageOffset: uint256
    pc: uint256
    exitCode: uint256
    exited: bool
    fault: uint256
    step: uint256
    # x0 ... x31 as encoded: 128 bytes = 4 big-endian words of 8 registers each.
    registers: uint256[4]


struct Decoded:
    opcode: uint256
    rd: uint256
    funct3: uint256
    rs1: uint256
    rs2: uint256
    funct7: uint256
    immI: uint256
    immS: uint256
    immB: uint256
    immJ: uint256


# The PreimageOracle contract whose proven parts fd-5 reads must match.
oracle: public(immutable(address))


@deploy
def __init__(preimageOracle: address):
    oracle = preimageOracle


@external
@view
def step(witness: Bytes[WITNESS_SIZE], preStateHash: bytes32) -> bytes32:
    """
    @notice Verifies a 2036-byte step witness and returns the post-state hash.
    @param preStateHash The agreed hash of the pre-state; zero skips the check (no state hashes to zero).
    """
    postStateHash: bytes32 = empty(bytes32)
    partUnavailable: bool = False
    postStateHash, partUnavailable = self.verifyStep(preStateHash)
    return postStateHash


@external
@view
def stepWithStatus(witness: Bytes[WITNESS_SIZE], preStateHash: bytes32) -> (bytes32, bool):
    """
    @notice Verifies a 2036-byte step witness; returns the post-state hash and whether the step was a
            read of fd 5 whose part (preimageKey, preimageOffset) the oracle has not proven (the step
            then halts the VM with fault 7; the part may still be proven, changing the result).
    @param preStateHash The agreed hash of the pre-state; zero skips the check (no state hashes to zero).
    """
    return self.verifyStep(preStateHash)


@internal
@view
def verifyStep(preStateHash: bytes32) -> (bytes32, bool):
    # The witness is read straight from calldata (never copied whole into memory), at the place the
    # canonical encoding of step and stepWithStatus (same arguments) puts it; its length is the word
    # before it.
    assert convert(slice(msg.data, 4, 32), uint256) == 64, "nonCanonicalCalldata"
    assert convert(slice(msg.data, WITNESS_CALLDATA - 32, 32), uint256) == WITNESS_SIZE, "wrongWitnessSize"
    stateBytes: Bytes[STATE_SIZE] = slice(msg.data, WITNESS_CALLDATA, STATE_SIZE)
    s: StepState = self.decodeState(stateBytes)
    preHash: bytes32 = self.hashState(stateBytes)
    if preStateHash != empty(bytes32):
        assert preStateHash == preHash, "preStateMismatch"
    # A halted VM does not move.
    if s.exited:
        return preHash, False
    s.step = (s.step + 1) & MASK64
    # Instruction fetch.
    if s.pc & 3 != 0:
        s.exited = True
        s.fault = FAULT_MISALIGNED_FETCH
        return self.hashState(self.encodeState(s)), False
    partUnavailable: bool = False
    fetchLeaf: bytes32 = self.verifyMemoryProof(WITNESS_CALLDATA + FETCH_PROOF, s.memRoot, s.pc, "invalidFetchProof")
    insn: uint256 = self.leafWord(fetchLeaf, s.pc)
    d: Decoded = self.decodeInstruction(insn)
    value: uint256 = 0
    legal: bool = True
    a: uint256 = self.reg(s.registers[d.rs1 >> 3], d.rs1)
    b: uint256 = self.reg(s.registers[d.rs2 >> 3], d.rs2)
    if d.opcode == 19 or d.opcode == 51:
        if d.opcode == 51 and d.funct7 == 1:
            value, legal = self.executeMExtension(d, a, b)
        elif d.opcode == 51:
            value, legal = self.executeALU(d, a, b)
        else:
            value, legal = self.executeALU(d, a, d.immI)
        if legal:
            s.registers[d.rd >> 3] = self.setReg(s.registers[d.rd >> 3], d.rd, value)
            s.pc = (s.pc + 4) & MASK32
        else:
            s.exited = True
            s.fault = FAULT_ILLEGAL_INSTRUCTION
    elif d.opcode == 3:
        s = self.executeLoad(d, s)
    elif d.opcode == 35:
        s = self.executeStore(d, s)
    elif d.opcode == 99:
        taken: bool = False
        taken, legal = self.executeBranch(d, a, b)
        if not legal:
            s.exited = True
            s.fault = FAULT_ILLEGAL_INSTRUCTION
        elif taken:
            s.pc = (s.pc + d.immB) & MASK32
        else:
            s.pc = (s.pc + 4) & MASK32
    elif d.opcode == 55:
        s.registers[d.rd >> 3] = self.setReg(s.registers[d.rd >> 3], d.rd, insn & 4294963200)
        s.pc = (s.pc + 4) & MASK32
    elif d.opcode == 23:
        s.registers[d.rd >> 3] = self.setReg(s.registers[d.rd >> 3], d.rd, (s.pc + (insn & 4294963200)) & MASK32)
        s.pc = (s.pc + 4) & MASK32
    elif d.opcode == 111:
        s.registers[d.rd >> 3] = self.setReg(s.registers[d.rd >> 3], d.rd, (s.pc + 4) & MASK32)
        s.pc = (s.pc + d.immJ) & MASK32
    elif d.opcode == 103:
        if d.funct3 != 0:
            s.exited = True
            s.fault = FAULT_ILLEGAL_INSTRUCTION
        else:
            target: uint256 = (a + d.immI) & 4294967294
            s.registers[d.rd >> 3] = self.setReg(s.registers[d.rd >> 3], d.rd, (s.pc + 4) & MASK32)
            s.pc = target
    elif d.opcode == 15:
        if d.funct3 <= 1:
            s.pc = (s.pc + 4) & MASK32
        else:
            s.exited = True
            s.fault = FAULT_ILLEGAL_INSTRUCTION
    elif d.opcode == 115:
        if insn == 115:
            s, partUnavailable = self.executeSyscall(s)
        elif insn == 1048691:
            s.exited = True
            s.fault = FAULT_BREAKPOINT
        else:
            s.exited = True
            s.fault = FAULT_ILLEGAL_INSTRUCTION
    else:
        s.exited = True
        s.fault = FAULT_ILLEGAL_INSTRUCTION
    return self.hashState(self.encodeState(s)), partUnavailable


@internal
@pure
def reg(packed: uint256, index: uint256) -> uint256:
    # Register `index` out of its packed word (`registers[index >> 3]`); x0 reads 0 whatever the
    # encoding holds.
    if index == 0:
        return 0
    return (packed >> (224 - ((index & 7) << 5))) & MASK32


@internal
@pure
def setReg(packed: uint256, index: uint256, word: uint256) -> uint256:
    # The packed word `registers[index >> 3]` with register `index` set to `word`; writes to x0 are
    # discarded.
    if index == 0:
        return packed
    bitShift: uint256 = 224 - ((index & 7) << 5)
    return (packed & ~(MASK32 << bitShift)) | (word << bitShift)


@internal
@pure
def halt(s: StepState, code: uint256) -> StepState:
    out: StepState = s
    out.exited = True
    out.fault = code
    return out


@internal
@pure
def decodeState(b: Bytes[STATE_SIZE]) -> StepState:
    """
    @dev Unpacks the 211-byte state (field order of StateLayout).
    """
    header: uint256 = convert(extract32(b, STATE_HEADER), uint256)
    exited: uint256 = (header >> 176) & 255
    assert exited <= 1, "malformedState"
    return StepState(
        memRoot=extract32(b, 0),
        preimageKey=extract32(b, 32),
        preimageOffset=header >> 224,
        pc=(header >> 192) & MASK32,
        exitCode=(header >> 184) & 255,
        exited=exited == 1,
        fault=(header >> 168) & 255,
        step=(header >> 104) & MASK64,
        registers=[
            convert(extract32(b, STATE_REGISTERS), uint256),
            convert(extract32(b, STATE_REGISTERS + 32), uint256),
            convert(extract32(b, STATE_REGISTERS + 64), uint256),
            convert(extract32(b, STATE_REGISTERS + 96), uint256),
        ],
    )


@internal
@pure
def encodeState(s: StepState) -> Bytes[STATE_SIZE]:
    """
    @dev Packs the state back (inverse of decodeState); x0 is encoded as 0.
    """
    exited: uint256 = 0
    if s.exited:
        exited = 1
    header: uint256 = (s.preimageOffset << 120) | (s.pc << 88) | (s.exitCode << 80) | (exited << 72) \
        | (s.fault << 64) | s.step
    return concat(
        s.memRoot,
        s.preimageKey,
        convert(convert(header, uint152), bytes19),
        convert(s.registers[0] & (max_value(uint256) >> 32), bytes32),
        convert(s.registers[1], bytes32),
        convert(s.registers[2], bytes32),
        convert(s.registers[3], bytes32),
    )


@internal
@pure
def hashState(encoded: Bytes[STATE_SIZE]) -> bytes32:
    """
    @dev keccak256(encoding) with byte 0 replaced by the VM status.
    """
    hash: uint256 = convert(keccak256(encoded), uint256)
    header: uint256 = convert(extract32(encoded, STATE_HEADER), uint256)
    status: uint256 = STATUS_UNFINISHED
    if (header >> 176) & 255 != 0:
        if (header >> 168) & 255 != 0:
            status = STATUS_PANIC
        elif (header >> 184) & 255 == 0:
            status = STATUS_VALID
        else:
            status = STATUS_INVALID
    return convert((hash & (max_value(uint256) >> 8)) | (status << 248), bytes32)


# MARK: - Memory proofs

@internal
@view
def verifyMemoryProof(proofOffset: uint256, root: bytes32, addr: uint256, error: String[20]) -> bytes32:
    """
    @dev Checks the proof (leaf ++ 27 siblings) at calldata offset `proofOffset` of the leaf holding
         `addr` against `root`; returns the leaf.
    """
    leaf: bytes32 = convert(slice(msg.data, proofOffset, 32), bytes32)
    assert self.computeRoot(proofOffset, leaf, addr) == root, error
    return leaf


@internal
@view
def updateMemoryRoot(proofOffset: uint256, newLeaf: bytes32, addr: uint256) -> bytes32:
    """
    @dev The root after replacing the leaf holding `addr` by `newLeaf`, using the proof's siblings.
    """
    return self.computeRoot(proofOffset, newLeaf, addr)


@internal
@view
def computeRoot(proofOffset: uint256, leaf: bytes32, addr: uint256) -> bytes32:
    """
    @dev The root over `leaf` and the proof's 27 siblings along the path of `addr`'s leaf index
         (`addr >> 5`): at height h the node is the left child when bit h of the index (bit h + 5 of
         `addr`) is 0. Unrolled with constant offsets: a loop costs about twice the gas per level.
    """
    proof: Bytes[PROOF_SIZE] = slice(msg.data, proofOffset, PROOF_SIZE)
    node: uint256 = convert(leaf, uint256)
    sibling: uint256 = 0
    swap: uint256 = 0
    # height 0: swap node and sibling when bit 5 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 32), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 5) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 1: swap node and sibling when bit 6 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 64), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 6) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 2: swap node and sibling when bit 7 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 96), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 7) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 3: swap node and sibling when bit 8 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 128), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 8) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 4: swap node and sibling when bit 9 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 160), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 9) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 5: swap node and sibling when bit 10 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 192), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 10) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 6: swap node and sibling when bit 11 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 224), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 11) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 7: swap node and sibling when bit 12 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 256), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 12) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 8: swap node and sibling when bit 13 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 288), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 13) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 9: swap node and sibling when bit 14 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 320), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 14) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 10: swap node and sibling when bit 15 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 352), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 15) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 11: swap node and sibling when bit 16 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 384), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 16) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 12: swap node and sibling when bit 17 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 416), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 17) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 13: swap node and sibling when bit 18 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 448), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 18) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 14: swap node and sibling when bit 19 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 480), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 19) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 15: swap node and sibling when bit 20 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 512), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 20) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 16: swap node and sibling when bit 21 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 544), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 21) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 17: swap node and sibling when bit 22 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 576), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 22) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 18: swap node and sibling when bit 23 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 608), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 23) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 19: swap node and sibling when bit 24 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 640), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 24) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 20: swap node and sibling when bit 25 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 672), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 25) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 21: swap node and sibling when bit 26 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 704), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 26) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 22: swap node and sibling when bit 27 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 736), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 27) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 23: swap node and sibling when bit 28 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 768), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 28) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 24: swap node and sibling when bit 29 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 800), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 29) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 25: swap node and sibling when bit 30 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 832), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 30) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    # height 26: swap node and sibling when bit 31 of addr is set, then hash left ++ right.
    sibling = convert(extract32(proof, 864), uint256)
    swap = (node ^ sibling) & unsafe_sub(0, (addr >> 31) & 1)
    node = convert(keccak256(concat(convert(node ^ swap, bytes32), convert(sibling ^ swap, bytes32))), uint256)
    return convert(node, bytes32)


@internal
@pure
def leafWord(leaf: bytes32, addr: uint256) -> uint256:
    """
    @dev The little-endian 32-bit word at `addr` (4-aligned) inside its leaf.
    """
    return self.leafBytes(leaf, addr, 4)


@internal
@pure
def leafBytes(leaf: bytes32, addr: uint256, count: uint256) -> uint256:
    """
    @dev `count` little-endian bytes at `addr` inside its leaf.
    """
    base: uint256 = addr & 31
    # The `count` leaf bytes from `base` as a big-endian number, then byte-reversed.
    raw: uint256 = convert(leaf, uint256) >> ((32 - base - count) << 3)
    value: uint256 = 0
    for i: uint256 in range(count, bound=4):
        value = (value << 8) | (raw & 255)
        raw = raw >> 8
    return value


@internal
@pure
def leafWithBytes(leaf: bytes32, addr: uint256, count: uint256, word: uint256) -> bytes32:
    """
    @dev `leaf` with `count` little-endian bytes of `word` written at `addr`.
    """
    bitShift: uint256 = (32 - (addr & 31) - count) << 3
    # The bytes of `value` low-first, as a big-endian `count`-byte number.
    swapped: uint256 = 0
    v: uint256 = word
    for i: uint256 in range(count, bound=4):
        swapped = (swapped << 8) | (v & 255)
        v = v >> 8
    mask: uint256 = (max_value(uint256) >> (256 - (count << 3))) << bitShift
    return convert((convert(leaf, uint256) & ~mask) | (swapped << bitShift), bytes32)


# MARK: - Instruction decoding

@internal
@pure
def signExtended(field: uint256, bits: uint256) -> uint256:
    sign: uint256 = 1 << (bits - 1)
    if field & sign == 0:
        return field & (sign - 1)
    return (field | ~(sign - 1)) & MASK32


@internal
@pure
def decodeInstruction(insn: uint256) -> Decoded:
    """
    @dev Splits an instruction word into its fields (RISC-V unprivileged spec, chapter 2).
    """
    return Decoded(
        opcode=insn & 127,
        rd=(insn >> 7) & 31,
        funct3=(insn >> 12) & 7,
        rs1=(insn >> 15) & 31,
        rs2=(insn >> 20) & 31,
        funct7=insn >> 25,
        immI=self.signExtended(insn >> 20, 12),
        immS=self.signExtended(((insn >> 25) << 5) | ((insn >> 7) & 31), 12),
        immB=self.signExtended(((insn >> 31) << 12) | (((insn >> 7) & 1) << 11) | (((insn >> 25) & 63) << 5)
                               | (((insn >> 8) & 15) << 1), 13),
        immJ=self.signExtended(((insn >> 31) << 20) | (((insn >> 12) & 255) << 12) | (((insn >> 20) & 1) << 11)
                               | (((insn >> 21) & 1023) << 1), 21),
    )


# MARK: - Execution

@internal
@pure
def executeALU(d: Decoded, a: uint256, b: uint256) -> (uint256, bool):
    """
    @dev OP and OP-IMM without the M extension; (value, legal).
    """
    isImmediate: bool = d.opcode == 19
    plain: bool = isImmediate or d.funct7 == 0
    bitShift: uint256 = b & 31
    f: uint256 = d.funct3
    if f == 0:
        if plain:
            return (a + b) & MASK32, True
        return unsafe_sub(a, b) & MASK32, d.funct7 == 32
    if f == 1:
        return (a << bitShift) & MASK32, d.funct7 == 0
    if f == 2:
        # Signed comparison: flip the sign bits, compare unsigned.
        return convert((a ^ SIGN32) < (b ^ SIGN32), uint256), plain
    if f == 3:
        return convert(a < b, uint256), plain
    if f == 4:
        return a ^ b, plain
    if f == 5:
        if d.funct7 == 0:
            return a >> bitShift, True
        if a & SIGN32 != 0:
            # Arithmetic bitShift of a negative value: bitShift the complement, complement back.
            return ((a ^ MASK32) >> bitShift) ^ MASK32, d.funct7 == 32
        return a >> bitShift, d.funct7 == 32
    if f == 6:
        return a | b, plain
    return a & b, plain


@internal
@pure
def signExtend32(word: uint256) -> uint256:
    # The 256-bit two's complement of a signed 32-bit value.
    if word & SIGN32 != 0:
        return word | ~MASK32
    return word


@internal
@pure
def executeMExtension(d: Decoded, a: uint256, b: uint256) -> (uint256, bool):
    """
    @dev MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU; always legal.
    """
    f: uint256 = d.funct3
    if f == 0:
        return unsafe_mul(a, b) & MASK32, True
    if f == 1:
        return (unsafe_mul(self.signExtend32(a), self.signExtend32(b)) >> 32) & MASK32, True
    if f == 2:
        return (unsafe_mul(self.signExtend32(a), b) >> 32) & MASK32, True
    if f == 3:
        return unsafe_mul(a, b) >> 32, True
    if b == 0:
        if f == 4 or f == 5:
            return MASK32, True
        return a, True
    if f == 5:
        return a // b, True
    if f == 7:
        return a % b, True
    negativeA: bool = a & SIGN32 != 0
    negativeB: bool = b & SIGN32 != 0
    magnitudeA: uint256 = a
    magnitudeB: uint256 = b
    if negativeA:
        magnitudeA = unsafe_sub(0, self.signExtend32(a))
    if negativeB:
        magnitudeB = unsafe_sub(0, self.signExtend32(b))
    if f == 4:
        quotient: uint256 = magnitudeA // magnitudeB
        if negativeA != negativeB:
            return unsafe_sub(0, quotient) & MASK32, True
        return quotient & MASK32, True
    remainder: uint256 = magnitudeA % magnitudeB
    if negativeA:
        return unsafe_sub(0, remainder) & MASK32, True
    return remainder, True


@internal
@pure
def executeBranch(d: Decoded, a: uint256, b: uint256) -> (bool, bool):
    """
    @dev BEQ, BNE, BLT, BGE, BLTU, BGEU; (taken, legal), illegal for funct3 2 or 3.
    """
    f: uint256 = d.funct3
    if f == 0:
        return a == b, True
    if f == 1:
        return a != b, True
    if f == 4:
        return (a ^ SIGN32) < (b ^ SIGN32), True
    if f == 5:
        return (a ^ SIGN32) >= (b ^ SIGN32), True
    if f == 6:
        return a < b, True
    if f == 7:
        return a >= b, True
    return False, False


@internal
@view
def executeLoad(d: Decoded, s: StepState) -> StepState:
    """
    @dev LB, LH, LW, LBU, LHU through the data proof.
    """
    addr: uint256 = (self.reg(s.registers[d.rs1 >> 3], d.rs1) + d.immI) & MASK32
    size: uint256 = 0
    f: uint256 = d.funct3
    if f == 0 or f == 4:
        size = 1
    elif f == 1 or f == 5:
        size = 2
    elif f == 2:
        size = 4
    else:
        return self.halt(s, FAULT_ILLEGAL_INSTRUCTION)
    if addr & (size - 1) != 0:
        return self.halt(s, FAULT_MISALIGNED_LOAD)
    leaf: bytes32 = self.verifyMemoryProof(WITNESS_CALLDATA + DATA_PROOF, s.memRoot, addr, "invalidDataProof")
    raw: uint256 = self.leafBytes(leaf, addr, size)
    value: uint256 = raw
    if f == 0 or f == 1:
        value = self.signExtended(raw, size << 3)
    out: StepState = s
    out.registers[d.rd >> 3] = self.setReg(s.registers[d.rd >> 3], d.rd, value)
    out.pc = (out.pc + 4) & MASK32
    return out


@internal
@view
def executeStore(d: Decoded, s: StepState) -> StepState:
    """
    @dev SB, SH, SW through the data proof; the new root comes from the same siblings.
    """
    addr: uint256 = (self.reg(s.registers[d.rs1 >> 3], d.rs1) + d.immS) & MASK32
    if d.funct3 > 2:
        return self.halt(s, FAULT_ILLEGAL_INSTRUCTION)
    size: uint256 = 1 << d.funct3
    if addr & (size - 1) != 0:
        return self.halt(s, FAULT_MISALIGNED_STORE)
    leaf: bytes32 = self.verifyMemoryProof(WITNESS_CALLDATA + DATA_PROOF, s.memRoot, addr, "invalidDataProof")
    updated: bytes32 = self.leafWithBytes(leaf, addr, size, self.reg(s.registers[d.rs2 >> 3], d.rs2))
    out: StepState = s
    out.memRoot = self.updateMemoryRoot(WITNESS_CALLDATA + DATA_PROOF, updated, addr)
    out.pc = (out.pc + 4) & MASK32
    return out


@internal
@view
def executeSyscall(s: StepState) -> (StepState, bool):
    """
    @dev ECALL: exit, exit_group, read, write with the descriptors of docs/PROTOCOL.md. The flag is
         true when the call was a preimage read whose part the oracle has not proven: the VM halts
         with fault 7 and the witness's part field is ignored (whatever it holds).
    """
    out: StepState = s
    number: uint256 = self.reg(s.registers[17 >> 3], 17)
    fd: uint256 = self.reg(s.registers[10 >> 3], 10)
    buffer: uint256 = self.reg(s.registers[11 >> 3], 11)
    count: uint256 = self.reg(s.registers[12 >> 3], 12)
    result: uint256 = BAD_FILE_DESCRIPTOR
    if number == SYS_EXIT or number == SYS_EXIT_GROUP:
        out.exited = True
        out.exitCode = fd & 255
        return out, False
    elif number == SYS_READ:
        if fd == FD_STDIN:
            result = 0
        if fd == FD_HINT_READ:
            result = count
        if fd == FD_PREIMAGE_READ:
            # Consulted whatever count is: a zero-length part (end of stream) must be proven too.
            expectedData: bytes32 = empty(bytes32)
            expectedLength: uint256 = 0
            proven: bool = False
            expectedData, expectedLength, proven = staticcall PreimageOracle(oracle).readPartIfProven(
                s.preimageKey, s.preimageOffset)
            if not proven:
                return self.halt(s, FAULT_PREIMAGE_UNAVAILABLE), True
            partData: bytes32 = convert(slice(msg.data, WITNESS_CALLDATA + PREIMAGE_PART, 32), bytes32)
            partLength: uint256 = convert(slice(msg.data, WITNESS_CALLDATA + PREIMAGE_PART_LENGTH_WORD, 32),
                                          uint256) & 255
            assert expectedData == partData and expectedLength == partLength and partLength <= 32, \
                "preimagePartMismatch"
            n: uint256 = min(min(count, partLength), 32 - (buffer & 31))
            if n > 0:
                leaf: bytes32 = self.verifyMemoryProof(WITNESS_CALLDATA + DATA_PROOF, s.memRoot, buffer,
                                                       "invalidDataProof")
                # The first n part bytes replace the n leaf bytes at buffer.
                bitShift: uint256 = (32 - (buffer & 31) - n) << 3
                mask: uint256 = (max_value(uint256) >> (256 - (n << 3))) << bitShift
                bytesIn: uint256 = (convert(partData, uint256) >> (256 - (n << 3))) << bitShift
                leaf = convert((convert(leaf, uint256) & ~mask) | bytesIn, bytes32)
                out.memRoot = self.updateMemoryRoot(WITNESS_CALLDATA + DATA_PROOF, leaf, buffer)
            out.preimageOffset = (s.preimageOffset + n) & MASK32
            result = n
    elif number == SYS_WRITE:
        if fd == FD_STDOUT or fd == FD_STDERR or fd == FD_HINT_WRITE:
            result = count
        if fd == FD_PREIMAGE_KEY:
            n: uint256 = min(count, 32 - (buffer & 31))
            if n > 0:
                leaf: bytes32 = self.verifyMemoryProof(WITNESS_CALLDATA + DATA_PROOF, s.memRoot, buffer,
                                                       "invalidDataProof")
                # The n leaf bytes at buffer, shifted into the key from the right.
                bytesIn: uint256 = (convert(leaf, uint256) >> ((32 - (buffer & 31) - n) << 3)) \
                    & (max_value(uint256) >> (256 - (n << 3)))
                out.preimageKey = convert((convert(s.preimageKey, uint256) << (n << 3)) | bytesIn, bytes32)
                out.preimageOffset = 0
            result = n
    else:
        return self.halt(s, FAULT_UNKNOWN_SYSCALL), False
    out.registers[10 >> 3] = self.setReg(out.registers[10 >> 3], 10, result)
    out.pc = (out.pc + 4) & MASK32
    return out, False
