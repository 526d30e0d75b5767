import CLPrimitives

/// Parameters of the incentive simulation (`chainlearn sim incentives`, docs/PROTOCOL.md "Attention challenge").
/// All amounts are in one unit (the CLI uses US dollars).
public struct IncentiveParameters: Sendable, Equatable {
    /// C: a validator's cost of computing one task.
    public var computeCost: Double
    /// G: the bond a valid accusation takes.
    public var bond: Double
    /// p_t: the selection probability.
    public var selection: Double
    /// R: what the validator that defeats a wrong result gains (the market's S − ⌊S/2⌋).
    public var reward: Double
    /// L: what a submitter whose wrong result is defeated loses (its stake, ⌊S/2⌋ burned and the rest to the winner).
    public var loss: Double
    /// The task's fee, paid to a final result.
    public var fee: Double
    /// t: the cost of one response transaction.
    public var responseCost: Double
    /// p_c: the probability that the submitter cheats (posts a result it did not compute).
    public var cheating: Double
    /// Validators of the class.
    public var validators: Int
    /// Of those, how many check (the others are lazy).
    public var checkers: Int
    /// Tasks simulated.
    public var tasks: Int
    /// Seed of the deterministic generator.
    public var seed: UInt64

    /// Parameters.
    public init(computeCost: Double, bond: Double, selection: Double, reward: Double, loss: Double, fee: Double,
                responseCost: Double, cheating: Double, validators: Int, checkers: Int, tasks: Int, seed: UInt64) {
        self.computeCost = computeCost
        self.bond = bond
        self.selection = selection
        self.reward = reward
        self.loss = loss
        self.fee = fee
        self.responseCost = responseCost
        self.cheating = cheating
        self.validators = validators
        self.checkers = checkers
        self.tasks = tasks
        self.seed = seed
    }
}

/// Average utilities per task measured by one simulation run.
public struct IncentiveOutcome: Sendable, Equatable {
    /// A checking validator's average utility per task.
    public var checker: Double
    /// A lazy validator's average utility per task.
    public var lazy: Double
    /// The submitter's average utility per task when honest (computes, is paid the fee).
    public var honestSubmitter: Double
    /// The submitter's average utility per task when it cheats on every task.
    public var cheatingSubmitter: Double
    /// Fraction of cheating tasks whose wrong result was defeated.
    public var caught: Double
    /// Selections of lazy validators (each an accusation) per task.
    public var accusationsPerTask: Double
}

/// The agent-based simulation: `tasks` tasks, each with a fresh final state; every validator's selection is
/// decided by the protocol's own rule (`AttentionRules.attentionHash` below the threshold), checkers pay C
/// and respond when selected, lazy validators pay nothing and are accused when selected (against the final
/// result, whichever it is); a cheating result is defeated when at least one checker exists, and the checker
/// that plays the game (drawn among them) gains R.
public enum IncentiveSimulation {
    /// A SplitMix64 generator (deterministic for a seed).
    public struct Generator: Sendable {
        var state: UInt64
        /// A generator at `seed`.
        public init(seed: UInt64) { state = seed }
        /// The next 64 random bits.
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// A uniform double in [0, 1).
        public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        /// 32 random bytes.
        public mutating func word() -> Bytes32 {
            Bytes32(bytes: (0..<4).flatMap { _ in withUnsafeBytes(of: next()) { Array($0) } }) ?? .zero
        }
    }

    /// The threshold for probability `p` (0 < p ≤ 1): p · 2^256, to 53 bits.
    public static func threshold(probability p: Double) -> UInt256 {
        guard p < 1 else { return .max }
        let scaled = UInt64(max(0, p) * 18_446_744_073_709_551_616.0)  // p · 2^64
        return UInt256(w0: .max, w1: .max, w2: .max, w3: scaled)
    }

    /// Runs the simulation.
    public static func run(_ p: IncentiveParameters) -> IncentiveOutcome {
        var random = Generator(seed: p.seed)
        let threshold = threshold(probability: p.selection)
        let addresses: [Address] = (0..<p.validators).map { index in
            var bytes = [UInt8](repeating: 0, count: 20)
            withUnsafeBytes(of: (UInt64(index) &+ 1).bigEndian) { bytes.replaceSubrange(12..<20, with: $0) }
            return Address(bytes: bytes) ?? .zero
        }
        var checkerTotal = 0.0, lazyTotal = 0.0, honestTotal = 0.0, cheatTotal = 0.0
        var cheats = 0, caught = 0, accusations = 0
        let checkers = max(0, min(p.checkers, p.validators))
        for taskIndex in 0..<p.tasks {
            let taskId = UInt64(taskIndex + 1)
            let finalState = random.word()
            let cheating = random.unit() < p.cheating
            // The submitter's side, for both of its strategies on this task (the same validators).
            honestTotal += p.fee - p.computeCost
            let defeated = checkers > 0
            cheatTotal += defeated ? -p.loss : p.fee
            if cheating { cheats += 1; if defeated { caught += 1 } }
            let winner = checkers > 0 ? Int(random.next() % UInt64(checkers)) : -1
            for (index, address) in addresses.enumerated() {
                let selected = AttentionRules.isSelected(
                    AttentionRules.attentionHash(taskId: taskId, finalStateHash: finalState, validator: address), threshold: threshold)
                if index < checkers {
                    var utility = -p.computeCost - (selected ? p.responseCost : 0)
                    if cheating && index == winner { utility += p.reward }
                    checkerTotal += utility
                } else {
                    // Accused whenever selected and the task has a final result: always when honest; when the
                    // submitter cheated only if nobody defeated the wrong result (which then is final).
                    let finalExists = !cheating || !defeated
                    if selected && finalExists {
                        lazyTotal -= p.bond
                        accusations += 1
                    }
                }
            }
        }
        let tasks = Double(max(p.tasks, 1))
        let lazyCount = Double(max(p.validators - checkers, 1)), checkerCount = Double(max(checkers, 1))
        return IncentiveOutcome(checker: checkerTotal / tasks / checkerCount, lazy: lazyTotal / tasks / lazyCount,
                                honestSubmitter: honestTotal / tasks, cheatingSubmitter: cheatTotal / tasks,
                                caught: cheats == 0 ? 0 : Double(caught) / Double(cheats),
                                accusationsPerTask: Double(accusations) / tasks)
    }
}

/// The mechanism's extra cost per request (the paper's formula): a bond G held at interest r per request and a
/// response transaction of cost t sent with probability p_t cost r·G + t·p_t; with p_t·G = C (checking just
/// pays) it is least, 2√(r·t·C), at G = √(t·C/r) and p_t = √(r·C/t).
public struct AttentionCost: Sendable, Equatable {
    /// The optimal bond.
    public var bond: Double
    /// The optimal selection probability.
    public var selection: Double
    /// The least extra cost per request.
    public var cost: Double

    /// The optimum for interest `r`, response cost `t` and computation cost `c`.
    public static func optimum(rate r: Double, responseCost t: Double, computeCost c: Double) -> AttentionCost {
        AttentionCost(bond: (t * c / r).squareRoot(), selection: (r * c / t).squareRoot(), cost: 2 * (r * t * c).squareRoot())
    }

    /// The optimum when the bond must be at least `minimumBond` (a credible accusation: G/2 above the gas of one
    /// `accuse`): G = max(√(t·C/r), minimumBond), p_t = C/G.
    public static func optimum(rate r: Double, responseCost t: Double, computeCost c: Double, minimumBond: Double) -> AttentionCost {
        let free = optimum(rate: r, responseCost: t, computeCost: c)
        guard minimumBond > free.bond else { return free }
        return AttentionCost(bond: minimumBond, selection: c / minimumBond,
                             cost: cost(rate: r, responseCost: t, bond: minimumBond, selection: c / minimumBond))
    }

    /// r·G + t·p_t for given G and p_t.
    public static func cost(rate r: Double, responseCost t: Double, bond g: Double, selection p: Double) -> Double {
        r * g + t * p
    }
}
