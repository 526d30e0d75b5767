import CLDispute
import CLFPVM
import CLPrimitives
import Testing

/// The v2 witness's shared path (docs/PROTOCOL.md, "Step witness"): a data leaf whose path joins the fetch
/// path at every height, and the data leaf being the instruction's own leaf, through the interpreter, the
/// Swift verifier and the contract; the encoding's size is recomputed here from the proofs.
@Suite("RV32Step contract vs Swift verifier: data paths joining the fetch path at every height", .serialized)
struct SharedPathTests {
    static let pc: UInt32 = 0x0001_2340

    /// A VM at `pc` running `code`, with `x6 = address` and `x7` a value to store, over a memory whose
    /// neighbourhood of both leaves is filled, so that the proofs carry siblings and omit others.
    static func vm(code: UInt32, address: UInt32, next: UInt32? = nil) -> FPVM {
        let memory = Memory()
        var random = SplitMix64(seed: UInt64(address) &* 31 &+ UInt64(code))
        for base in [pc & ~0xff, address & ~0xff] {
            memory.write(base, (0..<256).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        }
        memory.store32(pc, code)
        if let next { memory.store32(pc + 4, next) }
        var registers = [UInt32](repeating: 0, count: 32)
        registers[6] = address
        registers[7] = 0xa5c3_9681
        return FPVM(memory: memory, pc: pc, registers: registers, preimageKey: .zero, oracle: PreimageStore())
    }

    /// The v2 size of a witness, from its full proofs: header, fetch proof, data proof below the join height.
    static func expectedSize(_ witness: StepWitness, dataAddress: UInt32) -> Int {
        func carried(_ proof: MemoryProof, _ heights: Int) -> Int {
            (0..<heights).filter { proof.siblings[$0] != zeroHashes[$0] }.count
        }
        var size = 212 + 36 + 32 * carried(witness.fetchProof, 27)
        let diff = (dataAddress >> 5) ^ (pc >> 5)
        if diff != 0 {
            let k = 31 - diff.leadingZeroBitCount
            size += 36 + 32 * carried(witness.dataProof, k)
        }
        return size
    }

    @Test("a load and a store joining at each height 0…26, and on the instruction's leaf")
    func everyJoinHeight() throws {
        let verifier = try OnChainStepVerifier()
        let load = RV32Encoder.i(0x03, rd: 5, funct3: 2, rs1: 6, imm: 0)
        let store = RV32Encoder.s(0x23, funct3: 2, rs1: 6, rs2: 7, imm: 0)
        // Same leaf as the instruction: 8 bytes after it (pc & 31 = 0), then one leaf index bit flipped per height.
        var addresses: [UInt32] = [Self.pc + 8]
        for height in 0..<27 { addresses.append((Self.pc ^ (UInt32(1) << (height + 5))) & ~3) }
        var mismatches: [StepMismatch] = []
        for address in addresses {
            for code in [load, store] {
                let vm = Self.vm(code: code, address: address)
                let witness = try vm.stepWithWitness()
                #expect(witness.dataAddress == address)
                #expect(witness.encoded.count == Self.expectedSize(witness, dataAddress: address),
                        "size at \(String(address, radix: 16))")
                #expect((witness.sections.dataProof == nil) == (address >> 5 == Self.pc >> 5))
                let (outcome, mismatch) = try verifier.crossVerify(witness, store: vm.oracle)
                if let mismatch { mismatches.append(mismatch) }
                #expect(outcome.postStateHash == vm.stateHash, "post-state at \(String(address, radix: 16))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test("a store into the instruction's own leaf changes the code the next step fetches")
    func selfModifyingStore() throws {
        let verifier = try OnChainStepVerifier()
        let vm = Self.vm(code: RV32Encoder.s(0x23, funct3: 2, rs1: 6, rs2: 7, imm: 0), address: Self.pc + 4,
                         next: RV32Encoder.addi(1, 1, 1))
        let mismatches = try ContractFixture.crossVerify(vm, steps: 2, on: verifier, label: "self-modifying")
        #expect(mismatches.isEmpty)
        #expect(vm.exited && vm.fault == FaultCode.illegalInstruction.rawValue) // 0xa5c39681 is no RV32IM word
    }
}
