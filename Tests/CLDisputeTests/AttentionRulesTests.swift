import CLDispute
import CLPrimitives
import Testing

/// The attention challenge's Swift mirror against vectors computed with eth_abi and web3's keccak (Python), and
/// the contract's order of checks (docs/PROTOCOL.md, "Attention challenge").
@Suite("Attention challenge rules")
struct AttentionRulesTests {
    static let vectors: [(UInt64, String, String, String)] = [
        (1, String(repeating: "11", count: 32), "0x" + String(repeating: "22", count: 20),
         "e1e5f2e3539db6425dea2a2fcc8c880119794f081eeb35680133147aa5e3fbba"),
        (7, String(repeating: "00", count: 31) + "01", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
         "819cae00c513de19120a43cc84b353666f02529b2f027d01fe303ff0fce5103a"),
        (UInt64.max, String(repeating: "ff", count: 32), "0x" + String(repeating: "00", count: 19) + "01",
         "12e01d4a789165c8ef4dabc53a3b3a108864ad0c30fd50a3a905c7c4b6210a9c"),
    ]

    @Test("attentionHash is keccak256(abi.encode(taskId, finalStateHash, validator))")
    func attentionHashVectors() throws {
        for (task, state, address, expected) in Self.vectors {
            let hash = AttentionRules.attentionHash(taskId: task, finalStateHash: try Bytes32(hex: state), validator: try Address(hex: address))
            #expect(hash == (try Bytes32(hex: expected)))
        }
    }

    @Test("a class id is keccak256(abi.encode(program, model, maxSteps, responseTime, minFee))")
    func classId() throws {
        let taskClass = AttentionClass(programHash: try Bytes32(hex: String(repeating: "01", count: 32)),
                                       modelHash: try Bytes32(hex: String(repeating: "02", count: 32)), maxSteps: 1 << 32,
                                       responseTime: 30, minFee: UInt256(100_000_000_000_000_000 as UInt64))
        #expect(taskClass.id == (try Bytes32(hex: "7598c2a3b44fbe78e6fc46b6efe0616fbdbfd641369d1ca7563aa93bff1d0208")))
    }

    @Test("thresholds: ⌊(2^256 − 1)/D⌋ · N, refused outside (0, 1]")
    func thresholds() throws {
        #expect(AttentionRules.threshold(numerator: 1, denominator: 10) == UInt256(hex: "0x1999999999999999999999999999999999999999999999999999999999999999"))
        #expect(AttentionRules.threshold(numerator: 3, denominator: 1000) == UInt256(hex: "0xc49ba5e353f7ced916872b020c49ba5e353f7ced916872b020c49ba5e353f5"))
        #expect(AttentionRules.threshold(numerator: 1, denominator: 1) == .max)
        #expect(AttentionRules.threshold(numerator: 0, denominator: 1) == nil)
        #expect(AttentionRules.threshold(numerator: 2, denominator: 1) == nil)
        #expect(AttentionRules.threshold(numerator: 1, denominator: 0) == nil)
        let word = try Bytes32(hex: "0x1999999999999999999999999999999999999999999999999999999999999998")
        #expect(AttentionRules.isSelected(word, threshold: AttentionRules.threshold(numerator: 1, denominator: 10)!))
        let above = try Bytes32(hex: "0x1999999999999999999999999999999999999999999999999999999999999999")
        #expect(!AttentionRules.isSelected(above, threshold: AttentionRules.threshold(numerator: 1, denominator: 10)!))
    }

    @Test("owes: bonded before the enrollment, not left before it")
    func owes() {
        let enrollment = AttentionEnrollment(classId: .zero, seq: UInt256(5), enrolledAt: UInt256(100))
        func bond(_ amount: UInt64, joined: UInt64, left: UInt64 = 0, at: UInt64 = 0) -> AttentionBond {
            AttentionBond(amount: UInt256(amount), joinedSeq: UInt256(joined), leftSeq: UInt256(left), leftAt: UInt256(at))
        }
        #expect(AttentionRules.owes(bond(2, joined: 4), enrollment))
        #expect(!AttentionRules.owes(bond(2, joined: 5), enrollment))
        #expect(!AttentionRules.owes(bond(0, joined: 0), enrollment))
        #expect(AttentionRules.owes(bond(2, joined: 0, left: 5, at: 90), enrollment))
        #expect(!AttentionRules.owes(bond(2, joined: 0, left: 4, at: 90), enrollment))
    }

    @Test("judge follows accuse's order of checks")
    func judgeOrder() throws {
        let validator = try Address(hex: "0x" + String(repeating: "22", count: 20))
        let state = try Bytes32(hex: String(repeating: "11", count: 32))
        let enrolled = AttentionEnrollment(classId: .zero, seq: UInt256(1), enrolledAt: UInt256(100))
        let bonded = AttentionBond(amount: UInt256(2), joinedSeq: .zero, leftSeq: .zero, leftAt: .zero)
        let own = AttentionRules.attentionHash(taskId: 1, finalStateHash: state, validator: validator)
        func verdict(enrollment: AttentionEnrollment = enrolled, result: Bytes32? = state, now: UInt64 = 150, accused: Bool = false,
                     bond: AttentionBond = bonded, response: Bytes32 = .zero, threshold: UInt256 = .max) -> AttentionVerdict {
            AttentionRules.judge(taskId: 1, enrollment: enrollment, finalResult: result, now: now, accusationWindow: UInt256(100),
                                 alreadyAccused: accused, bond: bond, response: response, validator: validator, threshold: threshold)
        }
        #expect(verdict() == .accusable)
        #expect(verdict(response: state) == .accusable)  // a wrong response is no response
        #expect(verdict(response: own) == .respondedCorrectly)
        #expect(verdict(threshold: UInt256(own)) == .notSelected)
        #expect(verdict(threshold: UInt256(own) &+ UInt256(1)) == .accusable)
        #expect(verdict(bond: AttentionBond(amount: .zero, joinedSeq: .zero, leftSeq: .zero, leftAt: .zero)) == .notAValidator)
        #expect(verdict(accused: true) == .alreadyAccused)
        #expect(verdict(now: 200) == .windowClosed)
        #expect(verdict(result: nil) == .noFinalResult)
        #expect(verdict(enrollment: AttentionEnrollment(classId: .zero, seq: .zero, enrolledAt: .zero)) == .notEnrolled)
    }

    @Test("the simulation's measured utilities cross where p_t · G = C")
    func simulationCrossing() {
        func difference(_ ratio: Double) -> Double {
            let p = IncentiveParameters(computeCost: 1, bond: ratio / 0.05, selection: 0.05, reward: 100, loss: 100, fee: 2,
                                        responseCost: 0, cheating: 0, validators: 10, checkers: 5, tasks: 4000, seed: 3)
            let outcome = IncentiveSimulation.run(p)
            return outcome.checker - outcome.lazy
        }
        #expect(difference(0.5) < 0)
        #expect(difference(2) > 0)
        let p = IncentiveParameters(computeCost: 1, bond: 40, selection: 0.05, reward: 100, loss: 100, fee: 2, responseCost: 0,
                                    cheating: 0, validators: 10, checkers: 10, tasks: 1000, seed: 3)
        let outcome = IncentiveSimulation.run(p)
        #expect(outcome.cheatingSubmitter == -100 && outcome.honestSubmitter == 1)  // every cheat is defeated by a checker
    }
}
