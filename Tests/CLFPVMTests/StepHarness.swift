import CLFPVM
import CLPrimitives
import Testing

/// Runs guest code twice, in fast mode and step by step in proving mode, and checks at every step that
/// the one-step verifier computes the interpreter's post-state hash from the witness alone.
enum StepHarness {
    static let codeBase: UInt32 = 0x1000

    /// A VM with `words` at `codeBase`, the given registers and extra memory set up.
    static func makeVM(_ words: [UInt32], registers: [Int: UInt32] = [:], data: [(UInt32, [UInt8])] = [],
                       oracle: PreimageStore = PreimageStore()) -> FPVM {
        let memory = Memory()
        for (i, word) in words.enumerated() {
            memory.store32(codeBase + UInt32(4 * i), word)
        }
        for (address, bytes) in data { memory.write(address, bytes) }
        var regs = [UInt32](repeating: 0, count: 32)
        for (index, value) in registers { regs[index] = value }
        return FPVM(memory: memory, pc: codeBase, registers: regs, oracle: oracle)
    }

    /// Executes `steps` steps both ways; returns the fast-mode VM after checking both modes agree.
    @discardableResult
    static func run(_ words: [UInt32], registers: [Int: UInt32] = [:], data: [(UInt32, [UInt8])] = [],
                    oracle: PreimageStore = PreimageStore(), steps: Int,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> FPVM {
        let fast = makeVM(words, registers: registers, data: data, oracle: oracle)
        try fast.run(until: UInt64(steps))
        let proving = makeVM(words, registers: registers, data: data, oracle: oracle)
        for _ in 0..<steps {
            let preHash = proving.stateHash
            let witness = try proving.stepWithWitness()
            #expect(witness.state.hash == preHash, sourceLocation: sourceLocation)
            let verified = try OneStepVerifier.step(witness: witness.encoded, preStateHash: preHash, oracle: oracle)
            #expect(verified == proving.stateHash, "step \(proving.step)", sourceLocation: sourceLocation)
        }
        #expect(fast.stateHash == proving.stateHash, sourceLocation: sourceLocation)
        #expect(fast.registers == proving.registers, sourceLocation: sourceLocation)
        return fast
    }
}
