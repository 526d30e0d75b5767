import CLFPVM
import CLPrimitives

/// The phase-transition check of the multi-phase game (docs/PROTOCOL.md, "Phase-transition check"): whether
/// phase 2's initial FPVM state was built correctly from the phase-1 state `S_{k-1}` and the position `k`.
/// The interface is the one a zero-knowledge verifier implements; the Vyper interface is the same
/// (`verify(bytes32, uint256, bytes32, bytes) -> bool`).
public protocol PhaseTransitionVerifier {
    /// Whether `phase2StartStateHash` is phase 2's initial state for position `nodeIndex` after `phase1Root`.
    func verify(phase1Root: Bytes32, nodeIndex: UInt64, phase2StartStateHash: Bytes32, proof: [UInt8]) -> Bool
    /// Whether `claimProof` shows a phase-2 claim (final state `finalStateHash`, `steps` long) that backs
    /// `assertedRoot`: a validly exited final state with `assertedRoot` in its output field.
    func verifyClaim(assertedRoot: Bytes32, finalStateHash: Bytes32, steps: UInt64, claimProof: [UInt8]) -> Bool
}

/// A phase-2 claim as a transition posts it: `claimProof` is the final FPVM state's encoding followed by
/// the memory proof of its output leaf (211 + 896 bytes).
public enum PhaseClaimProof {
    /// Its size.
    public static let size = 211 + MemoryProof.encodedSize

    /// The claim proof of `state` with `outputProof`.
    public static func encode(state: VMState, outputProof: MemoryProof) -> [UInt8] { state.encoded + outputProof.encoded }

    /// Mirrors `ZKStubPhaseTransitionVerifier.verifyClaim`: the state hashes to `finalStateHash`, halted with
    /// exit code 0 and no fault no later than `steps`, and the output leaf is `assertedRoot` under its memory root.
    public static func check(assertedRoot: Bytes32, finalStateHash: Bytes32, steps: UInt64, claimProof: [UInt8]) -> Bool {
        guard claimProof.count == size, let state = VMState(encoded: claimProof[0..<211]) else { return false }
        var siblings: [Bytes32] = []
        var at = 211 + 32
        while at < claimProof.count {
            siblings.append(Bytes32(bytes: Array(claimProof[at..<at + 32]))!)
            at += 32
        }
        let proof = MemoryProof(leaf: Bytes32(bytes: Array(claimProof[211..<243]))!, siblings: siblings)
        guard state.hash == finalStateHash, state.exited, state.fault == 0, state.exitCode == 0, state.step <= steps else { return false }
        return proof.leaf == assertedRoot && proof.root(leafIndex: MemoryMap.outputBase >> 5) == state.memRoot
    }
}

/// A program's registered base state as the TaskMarket stores it: the FPVM initial state of its ELF with a
/// zeroed 32-byte input, and the siblings of the input leaf. Mirrors `TaskMarket._initialState`.
public struct ProgramBase: Sendable, Equatable {
    /// The base state (input leaf zero).
    public let state: VMState
    /// The memory proof of the input leaf against the base memory root.
    public let inputProof: MemoryProof

    /// The base of `spec`'s program.
    public init(_ spec: TaskSpec) throws(DisputeError) {
        (state, inputProof) = try spec.baseState()
    }

    /// The program hash (the base state's FPVM hash).
    public var programHash: Bytes32 { state.hash }

    /// The hash of the initial state whose input leaf is `inputLeaf`: one Merkle walk of the stored siblings.
    public func initialStateHash(inputLeaf: Bytes32) -> Bytes32 {
        var proof = inputProof
        proof.leaf = inputLeaf
        var start = state
        start.memRoot = proof.root(leafIndex: MemoryMap.inputBase >> 5)
        return start.hash
    }
}

/// A STUB of the phase-transition verifier, named as one: it proves nothing in zero knowledge but checks the
/// same relation transparently, as `Contracts/ZKStubPhaseTransitionVerifier.vy` does on-chain, function by
/// function. `proof` is the node-mode program's hash; the expected start state is that program's base state
/// with the input leaf set to keccak256("CLMN" ‖ S_{k-1} ‖ uint32_be(k)).
public struct ZKStubPhaseTransitionChecker: PhaseTransitionVerifier, Sendable {
    /// The node-mode program's registered base.
    public let program: ProgramBase

    /// A stub for the program of `spec`.
    public init(program: ProgramBase) { self.program = program }

    /// Always true: this is the transparent stub.
    public var isStub: Bool { true }

    /// The input leaf of phase 2 for position `nodeIndex` after `phase1Root` (the node task's key).
    public static func inputLeaf(phase1Root: Bytes32, nodeIndex: UInt32) -> Bytes32 {
        var task: [UInt8] = [0x43, 0x4C, 0x4D, 0x4E]
        task += phase1Root.bytes
        task += [UInt8(nodeIndex >> 24), UInt8(truncatingIfNeeded: nodeIndex >> 16),
                 UInt8(truncatingIfNeeded: nodeIndex >> 8), UInt8(truncatingIfNeeded: nodeIndex)]
        return Keccak256.hash(task)
    }

    /// The phase-2 start state hash for position `nodeIndex` (1 … 2^32 − 1) after `phase1Root`.
    public func expectedStartState(phase1Root: Bytes32, nodeIndex: UInt32) -> Bytes32 {
        program.initialStateHash(inputLeaf: Self.inputLeaf(phase1Root: phase1Root, nodeIndex: nodeIndex))
    }

    /// Whether `phase2StartStateHash` is the start state; false for a wrong state, an index outside
    /// 1 … 2^32 − 1, or a proof that is not this program's hash.
    public func verify(phase1Root: Bytes32, nodeIndex: UInt64, phase2StartStateHash: Bytes32, proof: [UInt8]) -> Bool {
        guard proof.count == 32, nodeIndex > 0, nodeIndex < 1 << 32, proof == program.programHash.bytes else { return false }
        return expectedStartState(phase1Root: phase1Root, nodeIndex: UInt32(nodeIndex)) == phase2StartStateHash
    }

    /// The exact claim check (not a stub): `PhaseClaimProof.check`.
    public func verifyClaim(assertedRoot: Bytes32, finalStateHash: Bytes32, steps: UInt64, claimProof: [UInt8]) -> Bool {
        PhaseClaimProof.check(assertedRoot: assertedRoot, finalStateHash: finalStateHash, steps: steps, claimProof: claimProof)
    }
}
