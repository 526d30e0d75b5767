import CLCrypto
import CLHarness
import CLPrimitives
import Foundation
import Testing

/// Mining, persistence, snapshots and time control through the public API.
@Suite("Dev chain")
struct DevChainTests {
    static let recipient = Address(bytes: [UInt8](repeating: 0x22, count: 20))!

    static func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("chainlearn-test-\(UUID().uuidString).db").path
    }

    @Test func transferMinesABlockWithReceiptAndFees() throws {
        let node = try TestNode()
        let tx = try signedTransaction(key: DevKeys.all[0], nonce: 0, to: DevChainTests.recipient, value: UInt256(12345 as UInt64))
        let hash = try node.result("eth_sendRawTransaction", [hex(tx.encoded)])
        #expect(hash == .string(tx.hash.hex))
        let receipt = try node.result("eth_getTransactionReceipt", [hash])
        #expect(receipt["status"] == .string("0x1"))
        #expect(receipt["gasUsed"] == .string("0x5208"))
        #expect(try node.result("eth_getBalance", [.string(DevChainTests.recipient.hex)]) == .string("0x3039"))
        // Block 1's base fee follows from genesis (1 gwei, no gas used): 1 gwei − 1 gwei × 15M / 15M / 8.
        let gwei = UInt256(1_000_000_000 as UInt64)
        let baseFee1 = gwei &- gwei / UInt256(8 as UInt64)
        let block1 = try #require(node.chain.block(number: 1))
        #expect(block1.header.baseFeePerGas == baseFee1)
        // The sender paid value + 21000 × (base fee + 1 gwei tip).
        let expected = UInt256Ether.wei(ether: 10_000) &- UInt256(12345 as UInt64) &- (baseFee1 &+ gwei) &* UInt256(21_000 as UInt64)
        #expect(try node.result("eth_getBalance", [.string(DevKeys.address(0).hex)]) == .string(expected.hexQuantity))
        let block = try node.result("eth_getBlockByNumber", [.string("0x1"), .bool(true)])
        #expect(block["transactions"]?.arrayValue?.first?["hash"] == hash)
        #expect(block["parentHash"] == (try node.result("eth_getBlockByNumber", [.string("0x0"), .bool(false)]))["hash"])
        // Block 1 used 21000 of a 15M target: the next base fee drops by 1/8 of (15M − 21000)/15M.
        let delta = baseFee1 &* UInt256(15_000_000 - 21_000 as UInt64) / UInt256(15_000_000 as UInt64) / UInt256(8 as UInt64)
        #expect(node.chain.nextBaseFee == baseFee1 &- delta)
        // Historical state: before the transfer the recipient had nothing.
        #expect(try node.result("eth_getBalance", [.string(DevChainTests.recipient.hex), .string("0x0")]) == .string("0x0"))
    }

    @Test func restartResumesAtTheSameHeadAndState() throws {
        let path = DevChainTests.temporaryDatabase()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var config = DevChainConfig()
        config.databasePath = path
        var head: Bytes32 = .zero
        var root: Bytes32 = .zero
        do {
            let node = try TestNode(config: config)
            for nonce in 0..<5 as Range<UInt64> {
                let tx = try signedTransaction(key: DevKeys.all[2], nonce: nonce, to: DevChainTests.recipient, value: UInt256(nonce + 1))
                _ = try node.result("eth_sendRawTransaction", [hex(tx.encoded)])
            }
            _ = try node.result("anvil_setBalance", [.string(DevKeys.address(5).hex), .string("0x1234")])
            _ = try node.result("evm_increaseTime", [.int(86_400)])
            head = node.chain.headBlock.hash
            root = node.chain.headBlock.header.stateRoot
        }
        let reopened = try TestNode(config: config)
        #expect(reopened.chain.blockNumber == 5)
        #expect(reopened.chain.headBlock.hash == head)
        #expect(reopened.chain.headBlock.header.stateRoot == root)
        #expect(try reopened.result("eth_getBalance", [.string(DevChainTests.recipient.hex)]) == .string("0xf"))
        #expect(try reopened.result("eth_getBalance", [.string(DevKeys.address(5).hex)]) == .string("0x1234"))
        #expect(try reopened.result("eth_getTransactionCount", [.string(DevKeys.address(2).hex)]) == .string("0x5"))
        // It keeps going from there.
        let tx = try signedTransaction(key: DevKeys.all[2], nonce: 5, to: DevChainTests.recipient)
        _ = try reopened.result("eth_sendRawTransaction", [hex(tx.encoded)])
        #expect(reopened.chain.blockNumber == 6)
        // The clock offset survived the restart: the new block is a day ahead of the wall clock.
        #expect(reopened.chain.headBlock.header.timestamp >= UInt64(Date().timeIntervalSince1970) + 86_000)
    }

    @Test func snapshotAndRevertRestoreStateAndHead() throws {
        let node = try TestNode()
        let snapshot = try node.result("evm_snapshot")
        let headBefore = node.chain.headBlock.hash
        let tx = try signedTransaction(key: DevKeys.all[0], nonce: 0, to: DevChainTests.recipient, value: UInt256(7 as UInt64))
        _ = try node.result("eth_sendRawTransaction", [hex(tx.encoded)])
        _ = try node.result("anvil_setStorageAt", [.string(DevChainTests.recipient.hex), .string("0x1"), .string(UInt256(9 as UInt64).bytes32.hex)])
        _ = try node.result("evm_mine")
        #expect(node.chain.blockNumber == 2)
        #expect(try node.result("evm_revert", [snapshot]) == .bool(true))
        #expect(node.chain.blockNumber == 0)
        #expect(node.chain.headBlock.hash == headBefore)
        #expect(try node.result("eth_getBalance", [.string(DevChainTests.recipient.hex)]) == .string("0x0"))
        #expect(try node.result("eth_getStorageAt", [.string(DevChainTests.recipient.hex), .string("0x1")]) == .string(Bytes32.zero.hex))
        #expect(try node.result("eth_getTransactionReceipt", [.string(tx.hash.hex)]) == .null)
        // A used snapshot cannot be reverted to again; the same transaction can be replayed.
        #expect(try node.result("evm_revert", [snapshot]) == .bool(false))
        _ = try node.result("eth_sendRawTransaction", [hex(tx.encoded)])
        #expect(node.chain.blockNumber == 1)
    }

    @Test func timeControl() throws {
        let node = try TestNode()
        let genesisTime = node.chain.headBlock.header.timestamp
        _ = try node.result("evm_increaseTime", [.int(3600)])
        _ = try node.result("evm_mine")
        #expect(node.chain.headBlock.header.timestamp >= genesisTime + 3600)
        let target = node.chain.headBlock.header.timestamp + 1000
        _ = try node.result("evm_setNextBlockTimestamp", [.int(Int(target))])
        _ = try node.result("evm_mine")
        #expect(node.chain.headBlock.header.timestamp == target)
        // A timestamp before the head is refused.
        #expect(try node.call("evm_setNextBlockTimestamp", [.int(5)])["error"]?["code"]?.intValue == -32000)
        // evm_mine with a timestamp.
        _ = try node.result("evm_mine", [.int(Int(target + 50))])
        #expect(node.chain.headBlock.header.timestamp == target + 50)
    }

    @Test func intervalModeQueuesUntilMined() throws {
        let node = try TestNode()
        _ = try node.result("evm_setAutomine", [.bool(false)])
        for nonce in 0..<3 as Range<UInt64> {
            _ = try node.result("eth_sendRawTransaction", [hex(try signedTransaction(key: DevKeys.all[0], nonce: nonce, to: DevChainTests.recipient).encoded)])
        }
        #expect(node.chain.blockNumber == 0)
        #expect(try node.result("eth_getTransactionCount", [.string(DevKeys.address(0).hex), .string("pending")]) == .string("0x3"))
        _ = try node.result("evm_mine")
        let block = try node.result("eth_getBlockByNumber", [.string("latest"), .bool(false)])
        #expect(block["transactions"]?.arrayValue?.count == 3)
        #expect(block["gasUsed"] == .string("0xf618"))
    }

    @Test func feeHistoryAndGasPrice() throws {
        let node = try TestNode()
        _ = try node.result("eth_sendRawTransaction", [hex(try signedTransaction(key: DevKeys.all[0], nonce: 0, to: DevChainTests.recipient).encoded)])
        let history = try node.result("eth_feeHistory", [.string("0x2"), .string("latest"), .array([.number("50")])])
        #expect(history["oldestBlock"] == .string("0x0"))
        #expect(history["baseFeePerGas"]?.arrayValue?.count == 3)
        #expect(history["reward"]?.arrayValue?[1] == .array([.string("0x3b9aca00")]))
        #expect(try node.result("eth_maxPriorityFeePerGas") == .string("0x3b9aca00"))
    }
}
