import CLCrypto
import CLEVM
import CLHarness
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// Headers and blocks of Prague and later on the dev chain: the 21-field header with `requestsHash` against the
/// execution specs' RLP and hash (`Fixtures/forks/requests.json`, `Scripts/gen-request-vectors.py`), requests
/// mined into blocks, and the blob gas fields of mined headers.
@Suite("Prague blocks")
struct PragueBlockTests {
    static func node(_ fork: Hardfork, automine: Bool = true) throws -> TestNode {
        var config = DevChainConfig()
        config.hardfork = fork
        let node = try TestNode(config: config)
        node.chain.setAutomine(automine)
        return node
    }

    static func bytes(_ text: Any?) -> [UInt8] { (try? Hex.decode(text as? String ?? "")) ?? [] }
    static func word(_ text: Any?) -> Bytes32 { Bytes32(bytes: bytes(text)) ?? .zero }

    @Test func headersMatchTheSpecEncoding() throws {
        let doc = (try Fixtures.json("forks/requests.json")) as? [String: Any] ?? [:]
        let list = doc["headers"] as? [[String: Any]] ?? []
        #expect(list.count == 12)
        for v in list {
            let header = BlockHeader(
                parentHash: Self.word(v["parentHash"]), coinbase: Address(bytes: Self.bytes(v["coinbase"]))!,
                stateRoot: Self.word(v["stateRoot"]), transactionsRoot: Self.word(v["transactionsRoot"]),
                receiptsRoot: Self.word(v["receiptsRoot"]), logsBloom: Bloom(bytes: Self.bytes(v["logsBloom"]))!,
                number: UInt64(v["number"] as! Int), gasLimit: UInt64(v["gasLimit"] as! Int),
                gasUsed: UInt64(v["gasUsed"] as! Int), timestamp: UInt64(v["timestamp"] as! Int),
                extraData: Self.bytes(v["extraData"]), mixHash: Self.word(v["mixHash"]),
                baseFeePerGas: UInt256(decimal: v["baseFeePerGas"] as! String)!,
                blobGasUsed: UInt64(v["blobGasUsed"] as! Int), excessBlobGas: UInt64(v["excessBlobGas"] as! Int),
                parentBeaconBlockRoot: Self.word(v["parentBeaconBlockRoot"]),
                requestsHash: v["requestsHash"].map { Self.word($0) })
            let fork = v["fork"] as? String ?? "?"
            #expect(header.encoded == Self.bytes(v["rlp"]), "\(fork)")
            #expect(header.hash.bytes == Self.bytes(v["hash"]), "\(fork)")
            #expect(try BlockHeader.decode(header.encoded) == header, "\(fork)")
        }
    }

    @Test func emptyBlocksCommitTheEmptyRequestsHash() throws {
        let empty = Digests.sha256([])
        for fork in [Hardfork.prague, .osaka] {
            let node = try Self.node(fork)
            _ = try node.result("evm_mine")
            for number in ["0x0", "0x1"] {
                let block = try node.result("eth_getBlockByNumber", [.string(number), .bool(false)])
                #expect(block["requestsHash"] == .string(empty.hex), "\(fork) \(number)")
            }
            #expect(node.chain.headBlock.header.requestsHash == empty)
            #expect(node.chain.headBlock.header.encoded.count > 0)
        }
        let cancun = try Self.node(.cancun)
        _ = try cancun.result("evm_mine")
        #expect(try cancun.result("eth_getBlockByNumber", [.string("0x1"), .bool(false)])["requestsHash"] == nil)
        #expect(cancun.chain.headBlock.header.requestsHash == nil)
    }

    @Test func aWithdrawalRequestIsMinedIntoTheRequestsHash() throws {
        let node = try Self.node(.prague)
        let pubkey = (0..<48).map { UInt8($0 + 1) }
        let amount: UInt64 = 32_000_000_000
        let data = pubkey + (0..<8).map { UInt8(truncatingIfNeeded: amount >> (8 * (7 - $0))) }
        let tx = try signedTransaction(key: DevKeys.all[0], nonce: 0, to: SystemContracts.withdrawalRequestAddress,
                                       value: .one, data: data, gas: 200_000)
        let hash = try node.result("eth_sendRawTransaction", [hex(tx.encoded)])
        #expect(try node.result("eth_getTransactionReceipt", [hash])["status"] == .string("0x1"))
        // EIP-7002's record: source ‖ pubkey ‖ amount (little-endian); EIP-7685: sha256(sha256(0x01 ‖ records)).
        let record = DevKeys.address(0).bytes + pubkey + (0..<8).map { UInt8(truncatingIfNeeded: amount >> (8 * $0)) }
        let expected = Digests.sha256(Digests.sha256([0x01] + record).bytes)
        #expect(node.chain.headBlock.header.requestsHash == expected)
        // Dequeued in the same block: the next one has none.
        _ = try node.result("evm_mine")
        #expect(node.chain.headBlock.header.requestsHash == ExecutionRequests.emptyHash)
    }

    @Test func aRemovedRequestContractStopsMining() throws {
        let node = try Self.node(.osaka)
        _ = try node.result("anvil_setCode", [.string(SystemContracts.consolidationRequestAddress.hex), .string("0x")])
        let answer = try node.call("evm_mine")
        #expect(answer["error"]?["message"]?.stringValue?.contains("has no code") == true, "\(answer.text)")
        #expect(node.chain.blockNumber == 0)
        // Restored, the chain mines again.
        _ = try node.result("anvil_setCode", [.string(SystemContracts.consolidationRequestAddress.hex),
                                              hex(SystemContracts.consolidationRequestCode)])
        _ = try node.result("evm_mine")
        #expect(node.chain.blockNumber == 1)
    }

    @Test func aCancunDatabaseReopenedUnderPragueGetsTheRequestContracts() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prague-reopen-\(UInt32.random(in: 0...UInt32.max)).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var config = DevChainConfig()
        config.hardfork = .cancun
        config.databasePath = path
        do {
            let cancun = try DevChain(config: config)
            try cancun.mineBlocks()
            #expect(cancun.headBlock.header.requestsHash == nil)
        }
        config.hardfork = .prague
        let prague = try DevChain(config: config)
        #expect(prague.blockNumber == 1)
        try prague.mineBlocks()
        #expect(prague.headBlock.header.requestsHash == ExecutionRequests.emptyHash)
        // The stored 20-field header still reads back.
        #expect(prague.block(number: 1)?.header.requestsHash == nil)
        #expect(prague.block(number: 2)?.hash == prague.headBlock.hash)
    }

    /// A signed type-3 transaction carrying `count` blobs (versioned hashes only, as blocks hold them).
    static func blobTransaction(key: Int, count: Int) throws -> CLHarness.Transaction {
        var tx = CLHarness.Transaction(type: .blob, chainID: 31337, nonce: 0, maxPriorityFeePerGas: UInt256(1_000_000_000 as UInt64),
                             maxFeePerGas: UInt256(3_000_000_000 as UInt64), gasLimit: 21_000,
                             to: Address(bytes: [UInt8](repeating: 0x44, count: 20))!, value: .zero, data: [])
        tx.maxFeePerBlobGas = UInt256(1_000 as UInt64)
        tx.blobVersionedHashes = (0..<count).map { Bytes32(bytes: [0x01] + [UInt8](repeating: UInt8(key * 16 + $0), count: 31))! }
        try tx.sign(with: DevKeys.all[key])
        return tx
    }

    @Test(arguments: [Hardfork.cancun, .prague, .osaka])
    func blobGasIsCountedAndTheExcessFollows(fork: Hardfork) throws {
        let node = try Self.node(fork, automine: false)
        let rules = ForkRules.of(fork)
        let perTransaction = Int(rules.maxBlobsPerTransaction)
        // Enough transactions to pass the block's limit; the last ones wait out of the block.
        for key in 0..<3 {
            _ = try node.result("eth_sendRawTransaction", [hex(try Self.blobTransaction(key: key, count: perTransaction).encoded)])
        }
        _ = try node.result("evm_mine")
        let block = node.chain.headBlock
        let fitting = Int(rules.blobs.maximum) / perTransaction
        #expect(block.transactions.count == fitting, "\(fork)")
        #expect(block.header.blobGasUsed == UInt64(fitting * perTransaction) * BlobParameters.gasPerBlob)
        #expect(block.header.excessBlobGas == 0)
        _ = try node.result("evm_mine")
        let next = node.chain.headBlock.header
        let expected = rules.excessBlobGas(parentExcess: 0, parentUsed: block.header.blobGasUsed,
                                           parentBaseFee: block.header.baseFeePerGas)
        #expect(next.excessBlobGas == expected)
        #expect(expected > 0)
        let formatted = try node.result("eth_getBlockByNumber", [.string("latest"), .bool(false)])
        #expect(formatted["excessBlobGas"] == .string("0x" + String(expected, radix: 16)))
        #expect(try node.result("eth_blobBaseFee")
                == .string(rules.blobs.baseFee(excessBlobGas: expected).hexQuantity))
    }
}
