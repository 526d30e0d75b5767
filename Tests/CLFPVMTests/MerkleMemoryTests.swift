import CLFPVM
import CLPrimitives
import Testing

/// A naive reference tree: hashes the nonzero leaves level by level, with its own zero-subtree table.
func referenceRoot(_ leaves: [UInt32: Bytes32]) -> Bytes32 {
    var zero = Bytes32.zero
    var level: [UInt32: Bytes32] = leaves.filter { !$0.value.isZero }
    for _ in 0..<27 {
        var parents: [UInt32: Bytes32] = [:]
        for index in Set(level.keys.map { $0 >> 1 }) {
            let left = level[index << 1] ?? zero
            let right = level[index << 1 | 1] ?? zero
            parents[index] = Keccak256.hash(left, right)
        }
        zero = Keccak256.hash(zero, zero)
        level = parents
    }
    return level[0] ?? zero
}

/// Deterministic pseudo-random numbers for tests (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

@Suite("Merkle memory")
struct MerkleMemoryTests {
    @Test func emptyMemoryRootIsTheZeroSubtreeOfHeight27() {
        var zero = Bytes32.zero
        for _ in 0..<27 { zero = Keccak256.hash(zero, zero) }
        #expect(Memory().root() == zero)
        #expect(zeroHashes[27] == zero)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func incrementalRootMatchesReferenceAfterRandomWrites(seed: UInt64) {
        var rng = SplitMix(state: seed)
        let memory = Memory()
        var shadow: [UInt32: UInt8] = [:]
        // A few clustered regions and scattered addresses, rehashing in between.
        for round in 0..<6 {
            for _ in 0..<200 {
                let base: UInt32 = [0x0, 0x1_0000, 0x7fff_f000, 0xffff_ffe0, UInt32.random(in: 0...UInt32.max, using: &rng)][Int.random(in: 0..<5, using: &rng)]
                let address = base &+ UInt32.random(in: 0..<8192, using: &rng)
                let value = UInt8.random(in: 0...255, using: &rng)
                memory.store8(address, UInt32(value))
                shadow[address] = value
            }
            if round % 2 == 1 { continue }
            var leaves: [UInt32: Bytes32] = [:]
            for (address, value) in shadow {
                var leaf = leaves[address >> 5] ?? .zero
                leaf[Int(address & 31)] = value
                leaves[address >> 5] = leaf
            }
            let root = memory.root()
            #expect(root == referenceRoot(leaves))
            // Proofs of written and untouched leaves lead to the root.
            for address in Array(shadow.keys.prefix(20)) + [0x3000_0000, 0x1_0040] {
                let proof = memory.proof(address)
                #expect(proof.root(leafIndex: address >> 5) == root)
                #expect(proof.leaf == memory.leaf(containing: address))
                #expect(proof.siblings.count == 27 && proof.encoded.count == 896)
            }
        }
    }

    @Test func writingZerosBackRestoresTheEmptyRoot() {
        let memory = Memory()
        memory.store32(0x1234_5678 & ~3, 0xdead_beef)
        #expect(memory.root() != zeroHashes[27])
        memory.store32(0x1234_5678 & ~3, 0)
        #expect(memory.root() == zeroHashes[27])
    }

    @Test func copiesShareUntilWrittenAndStayIndependent() {
        var rng = SplitMix(state: 8)
        var original: Memory? = Memory()
        var shadowA: [UInt32: UInt8] = [:]
        for _ in 0..<3000 {
            let address = UInt32.random(in: 0..<0x40000, using: &rng)
            let value = UInt8.random(in: 1...255, using: &rng)
            original!.store8(address, UInt32(value))
            shadowA[address] = value
        }
        var shadowB = shadowA
        let copy = original!.copy()
        let third = copy.copy()
        let shadowC = shadowA
        for _ in 0..<2000 {
            let address = UInt32.random(in: 0..<0x48000, using: &rng)
            let a = UInt8.random(in: 0...255, using: &rng), b = UInt8.random(in: 0...255, using: &rng)
            original!.store8(address, UInt32(a))
            shadowA[address] = a
            copy.store8(address, UInt32(b))
            shadowB[address] = b
        }
        func root(_ shadow: [UInt32: UInt8]) -> Bytes32 {
            var leaves: [UInt32: Bytes32] = [:]
            for (address, value) in shadow {
                var leaf = leaves[address >> 5] ?? .zero
                leaf[Int(address & 31)] = value
                leaves[address >> 5] = leaf
            }
            return referenceRoot(leaves)
        }
        #expect(original!.root() == root(shadowA))
        #expect(copy.root() == root(shadowB))
        #expect(third.root() == root(shadowC))
        // Releasing the original leaves the copies intact.
        original = nil
        for (address, value) in shadowB.prefix(200) { #expect(copy.load8(address) == UInt32(value)) }
        #expect(third.root() == root(shadowC))
    }

    @Test func snapshotsExecuteSelfModifyingCodeCorrectly() throws {
        // sw x6, 8(x5) overwrites the next-but-one instruction (in the same page) with addi x7, x0, 42.
        let vm = StepHarness.makeVM([RV.s(8, 6, 5, 2), RV.addi(0, 0, 0), RV.addi(7, 0, 1), RV.addi(17, 0, 93), RV.ecall],
                                    registers: [5: StepHarness.codeBase, 6: RV.addi(7, 0, 42)])
        let snapshot = vm.snapshot()
        try vm.run()
        try snapshot.run()
        #expect(vm.register(7) == 42 && snapshot.register(7) == 42)
        #expect(vm.stateHash == snapshot.stateHash)
        let proving = StepHarness.makeVM([RV.s(8, 6, 5, 2), RV.addi(0, 0, 0), RV.addi(7, 0, 1), RV.addi(17, 0, 93), RV.ecall],
                                         registers: [5: StepHarness.codeBase, 6: RV.addi(7, 0, 42)]).snapshot()
        while !proving.exited {
            let pre = proving.stateHash
            let witness = try proving.stepWithWitness()
            #expect(try OneStepVerifier.step(witness: witness.encoded, preStateHash: pre, oracle: PreimageStore()) == proving.stateHash)
        }
        #expect(proving.stateHash == vm.stateHash)
    }

    @Test func copyIsIndependent() {
        let memory = Memory()
        memory.store32(0x100, 7)
        let copy = memory.copy()
        memory.store32(0x100, 8)
        #expect(copy.load32(0x100) == 7)
        #expect(copy.root() != memory.root())
    }
}
