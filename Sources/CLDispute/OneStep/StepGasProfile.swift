import CLFPVM
import CLPrimitives

/// The instruction classes gas is reported by (`chainlearn gas step`).
public enum InstructionClass: String, CaseIterable, Sendable, Comparable {
    /// OP, OP-IMM (without M), LUI, AUIPC, FENCE.
    case alu
    /// Conditional branches, JAL, JALR.
    case branch
    /// LB, LH, LW, LBU, LHU.
    case load
    /// SB, SH, SW.
    case store
    /// MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU.
    case mExtension = "m-extension"
    /// ECALL other than a preimage read (exit, write, key write, hint, stdin).
    case syscall
    /// ECALL `read(5, …)`: a part from the preimage oracle.
    case preimageRead = "preimage-read"
    /// A halted VM, a misaligned fetch or an illegal instruction (no memory access beyond the fetch).
    case other

    /// Order of the table rows.
    public static func < (lhs: InstructionClass, rhs: InstructionClass) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The class of the step a witness proves, from its pre-state and instruction leaf.
    public init(witness: StepWitness) {
        let state = witness.state
        guard !state.exited, state.pc & 3 == 0 else {
            self = .other
            return
        }
        let base = Int(state.pc & 31)
        var insn: UInt32 = 0
        for i in stride(from: 3, through: 0, by: -1) { insn = insn << 8 | UInt32(witness.fetchProof.leaf[base + i]) }
        switch insn & 127 {
        case 0x13, 0x37, 0x17, 0x0f: self = .alu
        case 0x33: self = insn >> 25 == 1 ? .mExtension : .alu
        case 0x63, 0x6f, 0x67: self = .branch
        case 0x03: self = .load
        case 0x23: self = .store
        case 0x73:
            guard insn == 0x73 else {
                self = .other
                return
            }
            let isRead = state.registers[17] == Syscall.read && state.registers[10] == Syscall.preimageReadFD
            self = isRead ? .preimageRead : .syscall
        default: self = .other
        }
    }
}

/// Minimum, median and maximum of a set of gas figures.
public struct GasSummary: Equatable, Sendable {
    /// Smallest value.
    public var min: UInt64
    /// Median (the lower middle value for an even count).
    public var median: UInt64
    /// Largest value.
    public var max: UInt64

    /// The summary of `values`; nil when empty.
    public init?(_ values: [UInt64]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        min = sorted[0]
        median = sorted[(sorted.count - 1) / 2]
        max = sorted[sorted.count - 1]
    }
}

/// Gas of the sampled steps of one instruction class.
public struct ClassGas: Equatable, Sendable {
    /// The class.
    public var instructionClass: InstructionClass
    /// How many steps of the class the run executed.
    public var executed: Int
    /// How many of them were proven on chain.
    public var sampled: Int
    /// Execution gas (the contract's code alone).
    public var execution: GasSummary
    /// Whole-transaction gas (intrinsic and calldata included) on the profiling chain's fork.
    public var transaction: GasSummary
    /// Whole-transaction gas with Prague's EIP-7623 calldata floor applied:
    /// `max(gas before the floor, 21,000 + 10 × tokens)` (`StepCallOutcome.pragueTransactionGas`).
    public var prague: GasSummary
    /// The step number (pre-state) of the sampled step with the highest whole-transaction gas, to
    /// re-examine it with `chainlearn fpvm witness --at N`.
    public var costliestStep: UInt64
}

/// Uniform sampling of at most `capacity` items from a stream (reservoir sampling with a seeded generator).
public struct Reservoir<Element> {
    /// The items kept.
    public private(set) var items: [Element] = []
    /// How many items were offered.
    public private(set) var seen = 0
    let capacity: Int
    var random: SplitMix64

    /// An empty reservoir keeping at most `capacity` items, drawing with `seed`.
    public init(capacity: Int, seed: UInt64) {
        self.capacity = capacity
        random = SplitMix64(seed: seed)
    }

    /// Offers one item.
    public mutating func offer(_ item: Element) {
        seen += 1
        if items.count < capacity {
            items.append(item)
        } else if capacity > 0 {
            let slot = Int(random.next() % UInt64(seen))
            if slot < capacity { items[slot] = item }
        }
    }
}

/// A step whose Swift and on-chain verdicts differ.
public struct StepMismatch: Equatable, Sendable, CustomStringConvertible {
    /// The step number of the pre-state.
    public var step: UInt64
    /// What the Swift verifier said (hash hex or error).
    public var swift: String
    /// What the contract said.
    public var onChain: String
    /// The exact calldata of the `step` call, hex (replay: `chainlearn call <step address> <calldata>`).
    public var calldataHex: String

    /// A mismatch record.
    public init(step: UInt64, swift: String, onChain: String, calldataHex: String) {
        self.step = step
        self.swift = swift
        self.onChain = onChain
        self.calldataHex = calldataHex
    }

    /// A `chainlearn call` command line that replays the call against `RV32Step` deployed on a node
    /// (`chainlearn deploy Contracts/artifacts/PreimageOracle.json`, then `RV32Step.json <oracle>`).
    public var replayCommand: String {
        guard let calldata = try? Hex.decode(calldataHex), calldata.count >= 100 else {
            return "(calldata too short to replay)"
        }
        // The witness's length is the ABI length word before its bytes (canonical encoding: offset 0x40).
        let length = calldata[96..<100].reduce(0) { $0 << 8 | Int($1) }
        guard calldata[68..<96].allSatisfy({ $0 == 0 }), calldata.count >= 100 + length else {
            return "(calldata too short to replay)"
        }
        let hash = Hex.encode(Array(calldata[36..<68]), prefix: true)
        let witness = Hex.encode(Array(calldata[100..<100 + length]), prefix: true)
        return "chainlearn call <RV32Step address> 'step(bytes,bytes32)(bytes32)' \(witness) \(hash)"
    }

    /// A readable report.
    public var description: String {
        "step \(step): Swift \(swift), EVM \(onChain)\n  calldata \(calldataHex)\n  replay: \(replayCommand)"
    }
}

extension OnChainStepVerifier {
    /// Proves the preimage part a witness consumes (for a `read(5, …)` step), from `store`; nothing for a
    /// preimage longer than `PreimageStore.maxPreimageSize`, which the oracle cannot hold (the step faults
    /// with `preimageUnavailable` on both sides).
    public func provePart(for witness: StepWitness, store: PreimageStore) throws(OnChainVerifierError) {
        guard InstructionClass(witness: witness) == .preimageRead,
              let data = store.preimage(witness.state.preimageKey), data.count <= PreimageStore.maxPreimageSize
        else { return }
        try provePreimagePart(data, offset: witness.state.preimageOffset)
    }

    /// Runs one witness through both verifiers; returns the on-chain outcome and the mismatch, if any.
    public func crossVerify(_ witness: StepWitness, store: PreimageStore)
        throws(OnChainVerifierError) -> (outcome: StepCallOutcome, mismatch: StepMismatch?) {
        try provePart(for: witness, store: store)
        let encoded = witness.encoded
        let preHash = witness.state.hash
        let swift: String
        do {
            swift = try OneStepVerifier.step(witness: encoded, preStateHash: preHash, oracle: store).hex
        } catch {
            // The error's case name: what the contract reverts with.
            swift = "rejected " + String("\(error)".prefix { $0 != "(" })
        }
        let outcome = try step(witness: encoded, preStateHash: preHash)
        let onChain: String
        switch outcome.result {
        case .postState(let hash): onChain = hash.hex
        case .reverted(let reason): onChain = "rejected \(reason)"
        }
        // Both rejecting is agreement (a too-long witness fails the contract's ABI decoding, which
        // has no reason string); the reasons are compared by the tests that tamper on purpose.
        let agree = swift == onChain || (swift.hasPrefix("rejected") && onChain.hasPrefix("rejected"))
        let mismatch = agree ? nil
            : StepMismatch(step: witness.state.step, swift: swift, onChain: onChain,
                           calldataHex: Hex.encode(outcome.calldata, prefix: true))
        return (outcome, mismatch)
    }
}

/// Executes a guest, proves sampled steps of every class on chain and reports their gas.
public struct StepGasProfiler {
    /// Samples per class.
    public var samplesPerClass: Int
    /// Seed of the sampling.
    public var seed: UInt64
    /// Step limit of the run.
    public var stepLimit: UInt64

    /// A profiler.
    public init(samplesPerClass: Int = 20, seed: UInt64 = 1, stepLimit: UInt64 = 50_000_000) {
        self.samplesPerClass = samplesPerClass
        self.seed = seed
        self.stepLimit = stepLimit
    }

    /// The result of a profile.
    public struct Report: Sendable {
        /// Steps executed.
        public var steps: UInt64
        /// Per-class gas, in class order.
        public var classes: [ClassGas]
        /// Steps whose Swift and on-chain results differ (must be empty).
        public var mismatches: [StepMismatch]
    }

    /// Runs `vm` to the end (or the step limit) in proving mode, sampling witnesses per class, then
    /// proves the samples on `verifier`'s chain.
    public func profile(_ vm: FPVM, on verifier: OnChainStepVerifier) throws -> Report {
        var reservoirs: [InstructionClass: Reservoir<StepWitness>] = [:]
        var classSeed = seed
        for kind in InstructionClass.allCases {
            reservoirs[kind] = Reservoir(capacity: samplesPerClass, seed: classSeed)
            classSeed &+= 1
        }
        var steps: UInt64 = 0
        while !vm.exited, steps < stepLimit {
            let witness = try vm.stepWithWitness()
            reservoirs[InstructionClass(witness: witness)]!.offer(witness)
            steps += 1
        }
        var classes: [ClassGas] = []
        var mismatches: [StepMismatch] = []
        for kind in InstructionClass.allCases {
            let reservoir = reservoirs[kind]!
            var execution: [UInt64] = []
            var transaction: [UInt64] = []
            var prague: [UInt64] = []
            var costliest: (gas: UInt64, step: UInt64) = (0, 0)
            for witness in reservoir.items {
                let (outcome, mismatch) = try verifier.crossVerify(witness, store: vm.oracle)
                if let mismatch { mismatches.append(mismatch) }
                execution.append(outcome.executionGas)
                transaction.append(outcome.transactionGas)
                prague.append(outcome.pragueTransactionGas)
                if outcome.transactionGas > costliest.gas { costliest = (outcome.transactionGas, witness.state.step) }
            }
            guard let executionSummary = GasSummary(execution), let transactionSummary = GasSummary(transaction),
                  let pragueSummary = GasSummary(prague) else {
                continue
            }
            classes.append(ClassGas(instructionClass: kind, executed: reservoir.seen, sampled: reservoir.items.count,
                                    execution: executionSummary, transaction: transactionSummary, prague: pragueSummary,
                                    costliestStep: costliest.step))
        }
        return Report(steps: steps, classes: classes, mismatches: mismatches)
    }
}
