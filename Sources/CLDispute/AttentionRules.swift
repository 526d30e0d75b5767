import CLPrimitives

// The rules of the attention challenge (docs/PROTOCOL.md, "Attention challenge"), function by function as
// `Contracts/AttentionChallenge.vy` states them: `attentionHash` ↔ `_attentionHash`, `isSelected` ↔ the
// threshold comparison of `respond` / `accuse`, `owes` ↔ `_owes`, `judge` ↔ the checks of `accuse` in order.

/// A validator's bond for one task class, as `AttentionChallenge.bonds(classId, validator)` stores it.
public struct AttentionBond: Sendable, Equatable {
    /// Wei bonded (0: not registered).
    public var amount: UInt256
    /// The enrollment count when it registered: it owes the tasks enrolled after.
    public var joinedSeq: UInt256
    /// The enrollment count when it asked to leave: it still owes the tasks enrolled up to it.
    public var leftSeq: UInt256
    /// When it asked to leave (0: bonded).
    public var leftAt: UInt256

    /// A bond record.
    public init(amount: UInt256, joinedSeq: UInt256, leftSeq: UInt256, leftAt: UInt256) {
        self.amount = amount
        self.joinedSeq = joinedSeq
        self.leftSeq = leftSeq
        self.leftAt = leftAt
    }
}

/// A task's enrollment under the challenge, as `AttentionChallenge.enrollments(taskId)` stores it.
public struct AttentionEnrollment: Sendable, Equatable {
    /// The task class.
    public var classId: Bytes32
    /// Its place in the enrollment order (0: not enrolled).
    public var seq: UInt256
    /// When it was enrolled; accusations close `accusationWindow` seconds later.
    public var enrolledAt: UInt256
    /// The task's commit deadline: responses are accepted before it.
    public var responseDeadline: UInt256

    /// An enrollment record.
    public init(classId: Bytes32, seq: UInt256, enrolledAt: UInt256, responseDeadline: UInt256 = .zero) {
        self.classId = classId
        self.seq = seq
        self.enrolledAt = enrolledAt
        self.responseDeadline = responseDeadline
    }
}

/// Why an accusation is refused, in the order `accuse` checks (each is the contract's revert reason).
public enum AttentionVerdict: Sendable, Equatable, CustomStringConvertible {
    /// The bond can be taken.
    case accusable
    /// "task not enrolled"
    case notEnrolled
    /// "no final result": the task is not final, or it closed without an accepted result.
    case noFinalResult
    /// "accusation window closed"
    case windowClosed
    /// "already accused"
    case alreadyAccused
    /// "not a validator of this task"
    case notAValidator
    /// "validator not selected"
    case notSelected
    /// "validator responded correctly"
    case respondedCorrectly

    /// The contract's revert reason (or "accusable").
    public var description: String {
        switch self {
        case .accusable: "accusable"
        case .notEnrolled: "task not enrolled"
        case .noFinalResult: "no final result"
        case .windowClosed: "accusation window closed"
        case .alreadyAccused: "already accused"
        case .notAValidator: "not a validator of this task"
        case .notSelected: "validator not selected"
        case .respondedCorrectly: "validator responded correctly"
        }
    }
}

/// The attention challenge's rules, mirrored from `AttentionChallenge.vy`.
public enum AttentionRules {
    /// keccak256(abi.encode(uint256 taskId, bytes32 finalStateHash, address validator)): the value a selected
    /// validator posts. Only a party that computed the final state can compute it.
    public static func attentionHash(taskId: UInt64, finalStateHash: Bytes32, validator: Address) -> Bytes32 {
        var words: [UInt8] = []
        words += UInt256(taskId).bytes32.bytes
        words += finalStateHash.bytes
        words += validator.word.bytes
        return Keccak256.hash(words)
    }

    /// Whether `hash`, read as a big-endian `uint256`, is below `threshold` (selection, probability T / 2^256).
    public static func isSelected(_ hash: Bytes32, threshold: UInt256) -> Bool {
        UInt256(hash) < threshold
    }

    /// The threshold for selection probability `numerator / denominator` (≤ 1): ⌊(2^256 − 1) / denominator⌋ ·
    /// numerator, within `numerator` of p_t · 2^256; nil for a denominator of 0 or a probability above 1.
    public static func threshold(numerator: UInt64, denominator: UInt64) -> UInt256? {
        guard denominator > 0, numerator <= denominator, numerator > 0 else { return nil }
        return (UInt256.max / UInt256(denominator)) &* UInt256(numerator)
    }

    /// Whether a validator with `bond` owes an answer for the task of `enrollment`: bonded before it was
    /// enrolled and not left before.
    public static func owes(_ bond: AttentionBond, _ enrollment: AttentionEnrollment) -> Bool {
        if bond.amount == .zero || bond.joinedSeq >= enrollment.seq { return false }
        return bond.leftAt == .zero || enrollment.seq <= bond.leftSeq
    }

    /// The outcome of `accuse(taskId, validator)` at time `now`, given what the chain holds: the enrollment,
    /// whether the task has a final accepted result and that result's final state hash, the accusation window,
    /// whether the validator was accused already, its bond, its response (zero: none) and the threshold.
    public static func judge(taskId: UInt64, enrollment: AttentionEnrollment, finalResult: Bytes32?, now: UInt64,
                             accusationWindow: UInt256, alreadyAccused: Bool, bond: AttentionBond, response: Bytes32,
                             validator: Address, threshold: UInt256) -> AttentionVerdict {
        guard enrollment.seq != .zero else { return .notEnrolled }
        guard let finalState = finalResult else { return .noFinalResult }
        guard UInt256(now) < enrollment.enrolledAt &+ accusationWindow else { return .windowClosed }
        guard !alreadyAccused else { return .alreadyAccused }
        guard owes(bond, enrollment) else { return .notAValidator }
        let expected = attentionHash(taskId: taskId, finalStateHash: finalState, validator: validator)
        guard isSelected(expected, threshold: threshold) else { return .notSelected }
        guard response != expected else { return .respondedCorrectly }
        return .accusable
    }
}
