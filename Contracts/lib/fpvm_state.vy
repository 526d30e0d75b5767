#pragma version 0.4.3
"""
@title fpvm_state
@notice Pure helpers over the FPVM's 211-byte state encoding and its depth-27 memory tree (docs/PROTOCOL.md,
        "FPVM state", "Memory tree"), shared by the TaskMarket and the phase-transition verifier.
"""

STATE_SIZE: constant(uint256) = 211
PROOF_SIZE: constant(uint256) = 896
TREE_DEPTH: constant(uint256) = 27
OUTPUT_ADDRESS: constant(uint256) = 1879048192  # 0x7000_0000
LOW_248_BITS: constant(uint256) = 452312848583266388373324160190187140051835877600158453279131187530910662655


@internal
@pure
def hash_state(state: Bytes[STATE_SIZE]) -> bytes32:
    # keccak256 of the encoding with its first byte replaced by the VM status (docs/PROTOCOL.md).
    exited: uint256 = convert(slice(state, 73, 1), uint256)
    fault: uint256 = convert(slice(state, 74, 1), uint256)
    exitCode: uint256 = convert(slice(state, 72, 1), uint256)
    status: uint256 = 3
    if exited == 1:
        if fault != 0:
            status = 2
        elif exitCode == 0:
            status = 0
        else:
            status = 1
    digest: uint256 = convert(keccak256(state), uint256)
    return convert((digest & LOW_248_BITS) | (status << 248), bytes32)


@internal
@pure
def memory_root(proof: Bytes[PROOF_SIZE], leafIndex: uint256) -> bytes32:
    # The root of the depth-27 memory tree from a leaf (the proof's first word) and its siblings, bottom first.
    node: bytes32 = extract32(proof, 0)
    for height: uint256 in range(TREE_DEPTH):
        sibling: bytes32 = extract32(proof, 32 + 32 * height)
        if (leafIndex >> height) & 1 == 0:
            node = keccak256(concat(node, sibling))
        else:
            node = keccak256(concat(sibling, node))
    return node


@internal
@pure
def result_error(state: Bytes[STATE_SIZE], steps: uint256) -> String[32]:
    # Why `state` is not a valid final result of a `steps`-step trace (empty when it is one): halted with exit
    # code 0, no fault, at a step no later than `steps`.
    if convert(slice(state, 73, 1), uint256) != 1:
        return "not halted"
    if convert(slice(state, 74, 1), uint256) != 0:
        return "faulted"
    if convert(slice(state, 72, 1), uint256) != 0:
        return "nonzero exit"
    if convert(slice(state, 75, 8), uint256) > steps:
        return "steps below halting step"
    return ""
