import CLEVM
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// The KZG point-evaluation precompile (0x0a) on the generated vectors (`Fixtures/bls12381/kzg.json`,
/// verdicts from the execution specs): accept with FIELD_ELEMENTS_PER_BLOB ‖ BLS_MODULUS and 50,000 gas,
/// reject by consuming all gas.
@Suite struct PointEvaluationTests {
    static let expectedOutput = hex("0000000000000000000000000000000000000000000000000000000000001000"
                                    + "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001")

    static func hex(_ s: String) -> [UInt8] {
        let c = Array(s.utf8)
        func n(_ x: UInt8) -> UInt8 { x <= 57 ? x - 48 : (x | 0x20) - 87 }
        return stride(from: 0, to: c.count, by: 2).map { n(c[$0]) << 4 | n(c[$0 + 1]) }
    }

    /// Calls 0x0a with `input` and `gas`.
    func call(_ input: [UInt8], gas: Int = 60_000) -> FrameResult {
        let caller = Address(low: 0xCA11E5)
        let world = WorldState(backend: InMemoryBackend(accounts: [caller: AccountInfo(balance: UInt256(1 as UInt64))]))
        let evm = EVM(state: world, block: BlockEnvironment(coinbase: Address(low: 0xC0FFEE), number: 1, timestamp: 1,
                                                             gasLimit: 30_000_000),
                      context: TransactionContext(origin: caller, gasPrice: .zero))
        let target = Precompile.pointEvaluation.address
        return evm.call(Message(kind: .call, caller: caller, target: target, codeAddress: target, value: .zero,
                                input: input, gas: gas, depth: 0, isStatic: false, transfersValue: false))
    }

    /// The vectors (read per test: `[String: Any]` is not Sendable, so no shared static).
    var cases: [[String: Any]] {
        let top = (try? Fixtures.json("bls12381/kzg.json")) as? [String: Any]
        return (top?["vectors"] as? [[String: Any]]) ?? []
    }

    @Test func verdictsMatchTheSpec() {
        #expect(cases.count > 20)
        for c in cases {
            let result = call(Self.hex(c["input"] as! String))
            let name = c["name"] as! String
            if c["valid"] as! Bool {
                #expect(result.status == .success, "\(name)")
                #expect(result.gasLeft == 10_000, "\(name)")
                #expect(result.output == Self.expectedOutput, "\(name)")
            } else {
                #expect(result.status == .precompileFailure, "\(name)")
                #expect(result.gasLeft == 0, "\(name)")
            }
        }
    }

    @Test func versionedHashLengthAndGasAreChecked() {
        let valid = cases.first { $0["valid"] as! Bool }!
        let input = Self.hex(valid["input"] as! String)
        var wrongVersion = input
        wrongVersion[0] = 0x02
        #expect(call(wrongVersion).status == .precompileFailure)
        var wrongHash = input
        wrongHash[31] ^= 1
        #expect(call(wrongHash).status == .precompileFailure)
        #expect(call(Array(input.dropLast())).status == .precompileFailure)
        #expect(call(input + [0]).status == .precompileFailure)
        #expect(call([]).status == .precompileFailure)
        #expect(call(input, gas: 49_999).status == .outOfGas)
        #expect(call(input, gas: 50_000).gasLeft == 0)
    }
}
