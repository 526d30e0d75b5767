import CLDispute
import CLFPVM
import CLPrimitives
import Foundation
import Testing

/// Shared state of the cross-verification suites: one dev chain with the contracts deployed.
enum ContractFixture {
    /// Random steps the suite checks; `CHAINLEARN_RANDOM_STEPS` raises it for the large recorded run.
    static let randomSteps = Int(ProcessInfo.processInfo.environment["CHAINLEARN_RANDOM_STEPS"] ?? "") ?? 12_000

    /// A fresh chain with `PreimageOracle` and `RV32Step` deployed.
    static func verifier() throws -> OnChainStepVerifier { try OnChainStepVerifier() }

    /// Steps `vm` `steps` times in proving mode; each witness goes through the Swift verifier and the
    /// contract, and the Swift verifier's hash must also be the interpreter's post-state hash.
    /// Returns the mismatches (with step number and calldata).
    static func crossVerify(_ vm: FPVM, steps: Int, on verifier: OnChainStepVerifier, label: String,
                            sourceLocation: SourceLocation = #_sourceLocation) throws -> [StepMismatch] {
        var mismatches: [StepMismatch] = []
        for _ in 0..<steps {
            let preHash = vm.stateHash
            let witness = try vm.stepWithWitness()
            #expect(witness.state.hash == preHash, "\(label): witness pre-state", sourceLocation: sourceLocation)
            let (outcome, mismatch) = try verifier.crossVerify(witness, store: vm.oracle)
            if witness.consultsOracle {
                // A read: stepWithStatus flags it exactly when the interpreter found the part unservable
                // (crossVerify proved every provable part first).
                let status = try verifier.stepWithStatus(witness: witness.encoded, preStateHash: preHash)
                #expect(status == StepOutcome(postStateHash: vm.stateHash, partUnavailable: witness.partUnavailable),
                        "\(label): stepWithStatus at step \(witness.state.step)", sourceLocation: sourceLocation)
            }
            if let mismatch {
                mismatches.append(mismatch)
                print("MISMATCH \(label) \(mismatch)")
            } else if outcome.postStateHash != vm.stateHash {
                let swift = try? OneStepVerifier.step(witness: witness.encoded, oracle: vm.oracle)
                print("INTERPRETER DIFFERS \(label) step \(witness.state.step): verifiers \(swift?.hex ?? "rejected"), interpreter \(vm.stateHash.hex)\n  calldata \(Hex.encode(outcome.calldata, prefix: true))")
                mismatches.append(StepMismatch(step: witness.state.step, swift: swift?.hex ?? "rejected",
                                               onChain: outcome.postStateHash?.hex ?? "rejected",
                                               calldataHex: Hex.encode(outcome.calldata, prefix: true)))
            }
        }
        return mismatches
    }
}

@Suite("RV32Step contract vs Swift verifier: seeded random pre-states", .serialized)
struct RandomStepCrossVerificationTests {
    /// Runs `count` cases, cycling through every template, in batches that share one memory.
    static func run(seed: UInt64, cases count: Int, verifier: OnChainStepVerifier) throws
        -> (steps: Int, mismatches: [StepMismatch], perTemplate: [String: Int]) {
        var generator = RandomPreStates(seed: seed)
        var store = PreimageStore()
        for preimage in generator.allPreimages { store.add(preimage) }
        var steps = 0
        var mismatches: [StepMismatch] = []
        var perTemplate: [String: Int] = [:]
        let batchSize = 400
        var done = 0
        while done < count {
            let memory = Memory()
            for _ in 0..<min(batchSize, count - done) {
                let c = generator.make(template: done % RandomPreStates.templateCount)
                done += 1
                for address in c.dataAddresses { memory.write(address & ~31, generator.bytes(32)) }
                for (i, word) in c.code.enumerated() { memory.store32((c.pc & ~3) &+ UInt32(4 * i), word) }
                let vm = FPVM(memory: memory, pc: c.pc, registers: c.registers, preimageKey: c.preimageKey, oracle: store)
                mismatches += try ContractFixture.crossVerify(vm, steps: c.steps, on: verifier, label: "seed \(seed) \(c.name)")
                steps += c.steps
                perTemplate[c.name, default: 0] += c.steps
            }
        }
        return (steps, mismatches, perTemplate)
    }

    @Test("every instruction, syscall and fault agrees on random pre-states")
    func randomPreStates() throws {
        let verifier = try ContractFixture.verifier()
        // About 1.25 steps per case on average.
        let result = try Self.run(seed: 0xC1A1_2026, cases: ContractFixture.randomSteps * 4 / 5, verifier: verifier)
        #expect(result.mismatches.isEmpty, "\(result.mismatches.count) mismatches")
        #expect(result.steps >= ContractFixture.randomSteps * 9 / 10)
        // Every template ran.
        #expect(result.perTemplate.count >= 60, "\(result.perTemplate.keys.sorted())")
        // Reads the oracle cannot serve (fault 7) and zero-length reads at the end of a stream.
        #expect(result.perTemplate["read-preimage-unavailable", default: 0] > 0)
        #expect(result.perTemplate["read-preimage-end", default: 0] > 0)
        print("random cross-verification: \(result.steps) steps, \(result.mismatches.count) mismatches, \(result.perTemplate.count) kinds")
    }
}

@Suite("RV32Step contract vs Swift verifier: tampered witnesses", .serialized)
struct TamperedWitnessTests {
    /// The Swift verdict and the contract's for one witness, as "rejected <reason>" or a hash.
    static func verdicts(_ witness: [UInt8], preHash: Bytes32?, store: PreimageStore,
                         verifier: OnChainStepVerifier) throws -> (swift: String, chain: String) {
        let swift: String
        do {
            swift = try OneStepVerifier.step(witness: witness, preStateHash: preHash, oracle: store).hex
        } catch {
            swift = "rejected " + String("\(error)".prefix { $0 != "(" })
        }
        let outcome = try verifier.call(calldata: OnChainStepVerifier.stepCalldata(witness: witness, preStateHash: preHash))
        switch outcome.result {
        case .postState(let hash): return (swift, hash.hex)
        case .reverted(let reason): return (swift, "rejected \(reason)")
        }
    }

    /// A witness of each kind that uses the data proof or the oracle, with its VM's store.
    static func witnesses() throws -> [(String, StepWitness, PreimageStore)] {
        var store = PreimageStore()
        let preimage = Array("tampering test preimage, longer than one part of 32 bytes".utf8)
        let key = store.add(preimage)
        func vm(_ code: [UInt32], _ registers: [Int: UInt32], key: Bytes32 = .zero) -> FPVM {
            let memory = Memory()
            memory.write(0x2000, (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 1) })
            for (i, word) in code.enumerated() { memory.store32(0x1000 + UInt32(4 * i), word) }
            var regs = [UInt32](repeating: 0, count: 32)
            for (index, value) in registers { regs[index] = value }
            return FPVM(memory: memory, pc: 0x1000, registers: regs, preimageKey: key, oracle: store)
        }
        return [
            ("alu", try vm([RV32Encoder.addi(5, 6, 7)], [6: 9]).stepWithWitness(), store),
            ("load", try vm([RV32Encoder.i(0x03, rd: 5, funct3: 2, rs1: 6, imm: 4)], [6: 0x2000]).stepWithWitness(), store),
            ("store", try vm([RV32Encoder.s(0x23, funct3: 2, rs1: 6, rs2: 7, imm: 8)], [6: 0x2000, 7: 0xdead_beef])
                .stepWithWitness(), store),
            ("key-write", try vm([RV32Encoder.ecall], [17: 64, 10: 6, 11: 0x2000, 12: 32]).stepWithWitness(), store),
            ("preimage-read", try vm([RV32Encoder.ecall], [17: 63, 10: 5, 11: 0x2004, 12: 20], key: key)
                .stepWithWitness(), store),
        ]
    }

    @Test("both verifiers reject the same tampered witnesses for the same reason")
    func tampered() throws {
        let verifier = try ContractFixture.verifier()
        for (name, witness, store) in try Self.witnesses() {
            try verifier.provePart(for: witness, store: store)
            let good = witness.encoded
            let preHash = witness.state.hash
            let honest = try Self.verdicts(good, preHash: preHash, store: store, verifier: verifier)
            #expect(honest.swift == honest.chain && !honest.swift.hasPrefix("rejected"), "\(name): \(honest)")

            var cases: [(String, [UInt8], Bytes32?, String)] = []
            func flipped(_ offset: Int) -> [UInt8] {
                var w = good
                w[offset] ^= 0x01
                return w
            }
            let sections = witness.sections
            let fetch = try #require(sections.fetchProof)
            #expect(sections.size == good.count, "\(name): sections")
            if sections.fetchSiblings > 0 {
                cases.append(("fetch sibling", flipped(fetch + WitnessLayout.proofHead + 3), preHash, "invalidFetchProof"))
            }
            // A leaf byte outside the instruction word (flipping the instruction changes what the step needs).
            cases.append(("fetch leaf", flipped(fetch + (witness.state.pc & 31 < 16 ? 31 : 0)), preHash, "invalidFetchProof"))
            var badMask = good
            badMask[fetch + WitnessLayout.proofMask] ^= 0x80
            cases.append(("fetch mask", badMask, preHash, "invalidFetchProof"))
            var oldVersion = good
            oldVersion[0] = 1
            cases.append(("version byte", oldVersion, preHash, "unsupportedWitnessVersion"))
            cases.append(("v1 size", good + [UInt8](repeating: 0, count: WitnessLayout.version1Size - good.count), preHash,
                          "unsupportedWitnessVersion"))
            cases.append(("pre-state hash", good, Keccak256.hash([1, 2, 3]), "preStateMismatch"))
            var badExited = good
            badExited[WitnessLayout.state + StateLayout.exited] = 2
            cases.append(("exited byte", badExited, nil, "malformedState"))
            cases.append(("short witness", Array(good.dropLast()), nil, "wrongWitnessSize"))
            if name == "load" || name == "store" || name == "key-write" || name == "preimage-read" {
                let data = try #require(sections.dataProof, "\(name): data proof")
                if sections.dataSiblings > 0 {
                    cases.append(("data sibling", flipped(data + WitnessLayout.proofHead + 7), preHash, "invalidDataProof"))
                }
                cases.append(("data leaf", flipped(data + 7), preHash, "invalidDataProof"))
                var badDataMask = good
                badDataMask[data + WitnessLayout.proofMask] ^= 0x80
                cases.append(("data mask", badDataMask, preHash, "invalidDataProof"))
            }
            if name == "preimage-read" {
                let part = try #require(sections.preimagePart)
                cases.append(("part byte", flipped(part + 2), preHash, "preimagePartMismatch"))
                cases.append(("part length", flipped(part + 32), preHash, "preimagePartMismatch"))
            }
            for (what, bytes, hash, reason) in cases {
                let (swift, chain) = try Self.verdicts(bytes, preHash: hash, store: store, verifier: verifier)
                #expect(swift == "rejected \(reason)", "\(name)/\(what): Swift \(swift)")
                #expect(chain == "rejected \(reason)", "\(name)/\(what): EVM \(chain)")
            }
            // A longer witness: both reject it by size.
            let (swift, chain) = try Self.verdicts(good + [0], preHash: preHash, store: store, verifier: verifier)
            #expect(swift == "rejected wrongWitnessSize")
            #expect(chain == "rejected wrongWitnessSize", "\(name)/long witness: EVM \(chain)")
            // Past the bound of the witness argument (2036 bytes): the contract's ABI decoding rejects it.
            let (_, tooLong) = try Self.verdicts(good + [UInt8](repeating: 0, count: 2037 - good.count), preHash: preHash,
                                                 store: store, verifier: verifier)
            #expect(tooLong.hasPrefix("rejected"), "\(name)/too long witness: EVM \(tooLong)")
        }
    }

    @Test("a preimage part never proven halts both with fault 7 (preimageUnavailable)")
    func unprovenPart() throws {
        let verifier = try ContractFixture.verifier()
        let (_, witness, _) = try Self.witnesses().first { $0.0 == "preimage-read" }!
        var faulted = witness.state
        faulted.step += 1
        faulted.exited = true
        faulted.fault = FaultCode.preimageUnavailable.rawValue
        let (swift, chain) = try Self.verdicts(witness.encoded, preHash: witness.state.hash, store: PreimageStore(),
                                               verifier: verifier)
        #expect(swift == faulted.hash.hex)
        #expect(chain == faulted.hash.hex)
    }
}
