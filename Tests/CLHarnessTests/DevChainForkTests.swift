import CLEVM
import CLHarness
import CLPrimitives
import Testing

/// The dev chain under each fork: Osaka by default, the EIP-7825 cap and the EIP-7623 floor at pool
/// admission, in receipts and in eth_estimateGas.
@Suite("Dev chain forks")
struct DevChainForkTests {
    static let recipient = Address(bytes: [UInt8](repeating: 0x33, count: 20))!

    static func node(_ fork: Hardfork) throws -> TestNode {
        var config = DevChainConfig()
        config.hardfork = fork
        return try TestNode(config: config)
    }

    @Test func defaultsToTheNewestFork() {
        #expect(DevChainConfig().hardfork == .osaka)
        #expect(DevChainConfig().defaultCallGas == 16_777_216)
    }

    @Test func osakaRejectsGasAboveTheCap() throws {
        let node = try Self.node(.osaka)
        let tx = try signedTransaction(key: DevKeys.all[0], nonce: 0, to: Self.recipient, gas: 16_777_217)
        let answer = try node.call("eth_sendRawTransaction", [hex(tx.encoded)])
        #expect(answer["error"]?["message"] == .string("transaction gas limit too high (cap: 16777216, tx: 16777217)"))
        let prague = try Self.node(.prague)
        #expect(try prague.call("eth_sendRawTransaction", [hex(tx.encoded)])["error"] == nil)
    }

    @Test func pragueChargesTheCalldataFloor() throws {
        let data = [UInt8](repeating: 0xFF, count: 200)
        // Cancun: 21,000 + 200 × 16 = 24,200. Floor: 21,000 + 10 × 800 = 29,000.
        for (fork, gas) in [(Hardfork.cancun, "0x5e88"), (.prague, "0x7148"), (.osaka, "0x7148")] {
            let node = try Self.node(fork)
            let tx = try signedTransaction(key: DevKeys.all[0], nonce: 0, to: Self.recipient, data: data, gas: 40_000)
            let hash = try node.result("eth_sendRawTransaction", [hex(tx.encoded)])
            #expect(try node.result("eth_getTransactionReceipt", [hash])["gasUsed"] == .string(gas), "\(fork)")
            let estimate = try node.result("eth_estimateGas", [.object([("from", .string(DevKeys.address(0).hex)),
                                                                          ("to", .string(Self.recipient.hex)),
                                                                          ("data", hex(data))])])
            #expect(estimate == .string(gas), "\(fork)")
        }
        let node = try Self.node(.prague)
        let short = try signedTransaction(key: DevKeys.all[0], nonce: 0, to: Self.recipient, data: data, gas: 28_999)
        #expect(try node.call("eth_sendRawTransaction", [hex(short.encoded)])["error"]?["message"]
                == .string("insufficient gas for floor data gas cost: have 28999, want 29000"))
    }
}
