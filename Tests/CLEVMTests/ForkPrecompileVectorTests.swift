import CLEVM
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// The Prague and Osaka precompiles on the vectors of `Fixtures/forks/precompiles.json`, whose verdicts,
/// outputs and gas come from the execution specs (`Scripts/gen-fork-precompile-vectors.py`): EIP-2537's
/// 0x0b...0x11 under Prague, P256VERIFY (0x100) and the EIP-7823/7883 modexp under Osaka.
@Suite struct ForkPrecompileVectorTests {
    static let gas = 100_000_000

    /// Calls `address` with `input` under `rules` and 100,000,000 gas.
    static func call(_ address: Address, _ input: [UInt8], rules: ForkRules) -> FrameResult {
        let caller = Address(low: 0xCA11E5)
        let world = WorldState(backend: InMemoryBackend(accounts: [caller: AccountInfo(balance: .one)]))
        let evm = EVM(state: world, block: BlockEnvironment(coinbase: Address(low: 0xC0FFEE), number: 1, timestamp: 1,
                                                             gasLimit: 30_000_000),
                      context: TransactionContext(origin: caller, gasPrice: .zero), rules: rules)
        return evm.call(Message(kind: .call, caller: caller, target: address, codeAddress: address, value: .zero,
                                input: input, gas: gas, depth: 0, isStatic: false, transfersValue: false))
    }

    static func hex(_ s: String) -> [UInt8] {
        let c = Array(s.utf8)
        func n(_ x: UInt8) -> UInt8 { x <= 57 ? x - 48 : (x | 0x20) - 87 }
        return stride(from: 0, to: c.count, by: 2).map { n(c[$0]) << 4 | n(c[$0 + 1]) }
    }

    /// The fixture document (read per test: `[String: Any]` is not Sendable).
    static func document() -> [String: Any] {
        ((try? Fixtures.json("forks/precompiles.json")) as? [String: Any]) ?? [:]
    }

    /// Checks every vector of `list` against `precompile` under `rules`; returns how many ran.
    @discardableResult
    static func check(_ list: [[String: Any]], _ precompile: Precompile, rules: ForkRules, label: String) -> Int {
        for (i, v) in list.enumerated() {
            let result = call(precompile.address, hex(v["input"] as! String), rules: rules)
            if v["success"] as! Bool {
                #expect(result.status == .success, "\(label)[\(i)]")
                #expect(result.output == hex(v["output"] as! String), "\(label)[\(i)] output")
                #expect(gas - result.gasLeft == v["gas"] as! Int, "\(label)[\(i)] gas")
            } else {
                #expect(!result.status.isSuccess && result.status != .revert, "\(label)[\(i)] must fail")
                #expect(result.gasLeft == 0, "\(label)[\(i)] consumes all gas")
            }
        }
        return list.count
    }

    @Test(arguments: [("g1add", Precompile.blsG1Add), ("g2add", .blsG2Add), ("g1msm", .blsG1MSM),
                      ("g2msm", .blsG2MSM), ("pairing", .blsPairingCheck), ("mapfp", .blsMapFpToG1),
                      ("mapfp2", .blsMapFp2ToG2)])
    func blsVectorsMatchTheSpec(name: String, precompile: Precompile) {
        let bls = Self.document()["bls"] as? [String: Any] ?? [:]
        let list = bls[name] as? [[String: Any]] ?? []
        #expect(list.count >= 9)
        Self.check(list, precompile, rules: .prague, label: name)
        // Osaka keeps them unchanged.
        Self.check(Array(list.prefix(2)), precompile, rules: .osaka, label: name + " (osaka)")
    }

    @Test func p256VerifyVectorsMatchTheSpec() {
        let list = Self.document()["p256verify"] as? [[String: Any]] ?? []
        #expect(list.count >= 15)
        Self.check(list, .p256Verify, rules: .osaka, label: "p256verify")
    }

    @Test func osakaModexpVectorsMatchTheSpec() {
        let list = Self.document()["modexp_osaka"] as? [[String: Any]] ?? []
        #expect(list.count >= 10)
        Self.check(list, .modexp, rules: .osaka, label: "modexp")
    }

    @Test func precompilesExistOnlyFromTheirFork() {
        let bls = Self.document()["bls"] as? [String: Any] ?? [:]
        let add = (bls["g1add"] as? [[String: Any]] ?? [])[0]
        let input = Self.hex(add["input"] as! String)
        // Under Cancun 0x0b is an empty account: the call succeeds, returns nothing and costs nothing.
        let cancun = Self.call(Precompile.blsG1Add.address, input, rules: .cancun)
        #expect(cancun.status == .success && cancun.output.isEmpty && cancun.gasLeft == Self.gas)
        let p256 = Self.call(Precompile.p256Verify.address, [UInt8](repeating: 1, count: 160), rules: .prague)
        #expect(p256.status == .success && p256.output.isEmpty && p256.gasLeft == Self.gas)
        #expect(ForkRules.cancun.precompiles.count == 10)
        #expect(ForkRules.prague.precompiles.count == 17)
        #expect(ForkRules.osaka.precompiles.count == 18)
    }

    @Test func msmGasUsesTheDiscountTables() {
        // k = 2: 2 × 12,000 × 949 / 1000; k > 128 uses the last entries (519, 524).
        let twoG1 = 2 * 12_000 * 949 / 1000
        let input = [UInt8](repeating: 0, count: 320)
        let result = Self.call(Precompile.blsG1MSM.address, input, rules: .prague)
        #expect(result.status == .success)
        #expect(Self.gas - result.gasLeft == twoG1)
        let big = Self.call(Precompile.blsG2MSM.address, [UInt8](repeating: 0, count: 288 * 200), rules: .prague)
        #expect(Self.gas - big.gasLeft == 200 * 22_500 * 524 / 1000)
    }
}
