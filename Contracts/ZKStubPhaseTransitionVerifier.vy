#pragma version 0.4.3
#pragma optimize gas
"""
@title ZKStubPhaseTransitionVerifier
@notice A STUB of the phase-transition verifier (DESIGN.md §4, docs/PROTOCOL.md "Phase-transition check"). The
        interface is the one a zero-knowledge verifier implements: `verify(phase1Root, nodeIndex,
        phase2StartStateHash, proof) -> bool`, true when phase 2's initial FPVM state was built correctly from
        (S_{k-1}, k). This stub proves nothing in zero knowledge: it checks the same relation transparently
        on-chain. `proof` is the 32-byte program hash of the node-mode program registered in the TaskMarket; the
        stub recomputes the start state as that program's registered base state with the input leaf
        (0x7100_0000) set to keccak256("CLMN" ‖ S_{k-1} ‖ uint32_be(k)) — one Merkle update — and compares.
        Every call logs `ZKStubTransitionChecked`, so the chain's history says a stub decided.
        `verifyClaim` is the other half of a transition and is no stub: it checks a phase-2 claim exactly, by the
        final FPVM state's bytes and a memory proof of its output field (the guest writes S_k there).
"""

from .lib import fpvm_state

interface ProgramRegistry:
    def initialStateOf(programHash: bytes32, inputHash: bytes32) -> bytes32: view

# "CLMN", the node-task magic.
NODE_TASK_MAGIC: constant(bytes4) = 0x434c4d4e
CLAIM_PROOF_SIZE: constant(uint256) = 1107
STUB_NOTICE: constant(String[64]) = "ZK stub: transparent on-chain check, no zero-knowledge proof"

event ZKStubTransitionChecked:
    phase1Root: indexed(bytes32)
    nodeIndex: indexed(uint256)
    phase2StartStateHash: bytes32
    accepted: bool
    notice: String[64]

registry: public(immutable(address))


@deploy
def __init__(programRegistry: address):
    assert programRegistry != empty(address), "no program registry"
    registry = programRegistry


@external
@pure
def isStub() -> bool:
    """
    @notice Always true: this verifier is the transparent stub, not a zero-knowledge verifier.
    """
    return True


@external
@view
def expectedStartState(phase1Root: bytes32, nodeIndex: uint256, programHash: bytes32) -> bytes32:
    """
    @notice The phase-2 start state hash for position `nodeIndex` (1 … N) after `phase1Root`.
    """
    return self._expected(phase1Root, nodeIndex, programHash)


@external
def verify(phase1Root: bytes32, nodeIndex: uint256, phase2StartStateHash: bytes32, proof: Bytes[256]) -> bool:
    """
    @notice Whether `phase2StartStateHash` is phase 2's initial state for (phase1Root, nodeIndex); `proof` is the
            node-mode program hash (32 bytes). A wrong start state, an index outside 1 … 2^32 − 1 or a proof that is
            not 32 bytes returns false (a game treats a refusal as a loss); an unregistered program reverts
            (`unknown program`, from the registry).
    """
    accepted: bool = False
    if len(proof) == 32 and nodeIndex > 0 and nodeIndex < 2**32:
        accepted = self._expected(phase1Root, nodeIndex, extract32(proof, 0)) == phase2StartStateHash
    log ZKStubTransitionChecked(phase1Root=phase1Root, nodeIndex=nodeIndex, phase2StartStateHash=phase2StartStateHash,
                                accepted=accepted, notice=STUB_NOTICE)
    return accepted


@internal
@view
def _expected(phase1Root: bytes32, nodeIndex: uint256, programHash: bytes32) -> bytes32:
    assert nodeIndex > 0 and nodeIndex < 2**32, "node index out of range"
    leaf: bytes32 = keccak256(concat(NODE_TASK_MAGIC, phase1Root, convert(convert(nodeIndex, uint32), bytes4)))
    return staticcall ProgramRegistry(registry).initialStateOf(programHash, leaf)


@external
@view
def verifyClaim(assertedRoot: bytes32, finalStateHash: bytes32, steps: uint256, claimProof: Bytes[CLAIM_PROOF_SIZE]) -> bool:
    """
    @notice Whether `claimProof` (the 211-byte final FPVM state, then the 896-byte memory proof of its output leaf
            at 0x7000_0000) shows a phase-2 claim that backs `assertedRoot`: the state hashes to `finalStateHash`,
            it halted with exit code 0 and no fault at a step no later than `steps`, and its output field holds
            `assertedRoot`. An exact check (not a stub); false on any mismatch or a malformed proof.
    """
    if len(claimProof) != CLAIM_PROOF_SIZE:
        return False
    state: Bytes[fpvm_state.STATE_SIZE] = slice(claimProof, 0, fpvm_state.STATE_SIZE)
    proof: Bytes[fpvm_state.PROOF_SIZE] = slice(claimProof, fpvm_state.STATE_SIZE, fpvm_state.PROOF_SIZE)
    if fpvm_state.hash_state(state) != finalStateHash:
        return False
    if len(fpvm_state.result_error(state, steps)) != 0:
        return False
    if extract32(proof, 0) != assertedRoot:
        return False
    return fpvm_state.memory_root(proof, fpvm_state.OUTPUT_ADDRESS >> 5) == extract32(state, 0)
