import CLEVM
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// EIP-6110 deposit extraction, EIP-7685 request lists and hash, and the blob-gas rules of each fork
/// (EIP-4844, EIP-7691, EIP-7918) on `Fixtures/forks/requests.json`, whose every expected value comes from the
/// execution specs' own functions (`Scripts/gen-request-vectors.py`).
@Suite struct RequestVectorTests {
    /// The fixture document (read per test: `[String: Any]` is not Sendable).
    static func document() -> [String: Any] {
        ((try? Fixtures.json("forks/requests.json")) as? [String: Any]) ?? [:]
    }

    static func bytes(_ text: Any?) -> [UInt8] { (try? Hex.decode(text as? String ?? "")) ?? [] }

    @Test func constantsMatchTheSpec() {
        let doc = Self.document()
        #expect(DepositRequests.eventTopic.bytes == Self.bytes(doc["depositEventTopic"]))
        #expect(DepositRequests.mainnetContract.bytes == Self.bytes(doc["mainnetDepositContract"]))
        #expect(ExecutionRequests.emptyHash.bytes == Self.bytes(doc["emptyRequestsHash"]))
    }

    @Test func depositLogsMatchTheSpec() {
        let list = Self.document()["depositLogs"] as? [[String: Any]] ?? []
        #expect(list.count >= 30)
        var valid = 0
        for v in list {
            let name = v["name"] as? String ?? "?"
            do {
                let request = try DepositRequests.extract(Self.bytes(v["data"]))
                #expect(v["error"] == nil, "\(name): the spec rejects it")
                #expect(request == Self.bytes(v["request"]), "\(name)")
                #expect(request.count == DepositRequests.requestLength)
                valid += 1
            } catch {
                #expect(error.description == v["error"] as? String, "\(name)")
            }
        }
        #expect(valid >= 7)
    }

    @Test func blockRequestsMatchTheSpec() {
        let list = Self.document()["blocks"] as? [[String: Any]] ?? []
        #expect(list.count >= 25)
        for (i, v) in list.enumerated() {
            guard let contract = Address(bytes: Self.bytes(v["depositContract"])) else {
                Issue.record("block \(i): bad contract")
                continue
            }
            var logs: [Log] = []
            for receipt in v["receipts"] as? [[[String: Any]]] ?? [] {
                for entry in receipt {
                    let topics = (entry["topics"] as? [String] ?? []).compactMap { Bytes32(bytes: Self.bytes($0)) }
                    logs.append(Log(address: Address(bytes: Self.bytes(entry["address"]))!, topics: topics,
                                    data: Self.bytes(entry["data"])))
                }
            }
            do {
                let deposits = try DepositRequests.parse(logs, contract: contract)
                #expect(v["error"] == nil, "block \(i): the spec rejects it")
                let lists = ExecutionRequests.lists(deposits: deposits, withdrawals: Self.bytes(v["withdrawals"]),
                                                    consolidations: Self.bytes(v["consolidations"]))
                #expect(lists == (v["requests"] as? [String] ?? []).map { Self.bytes($0) }, "block \(i)")
                #expect(ExecutionRequests.hash(lists).bytes == Self.bytes(v["requestsHash"]), "block \(i)")
            } catch {
                #expect(error.description == v["error"] as? String, "block \(i)")
            }
        }
    }

    @Test(arguments: Hardfork.allCases)
    func blobGasRulesMatchTheSpec(fork: Hardfork) {
        let blobs = Self.document()["blobs"] as? [String: Any] ?? [:]
        let section = blobs[fork.rawValue] as? [String: Any] ?? [:]
        let rules = ForkRules.of(fork)
        let excess = section["excess"] as? [[String: Any]] ?? []
        #expect(excess.count >= 80)
        for (i, v) in excess.enumerated() {
            let got = rules.excessBlobGas(parentExcess: UInt64(v["parentExcessBlobGas"] as! Int),
                                          parentUsed: UInt64(v["parentBlobGasUsed"] as! Int),
                                          parentBaseFee: UInt256(UInt64(v["parentBaseFee"] as! Int)))
            #expect(got == UInt64(v["excessBlobGas"] as! Int), "\(fork) excess[\(i)] \(v)")
        }
        let prices = section["price"] as? [[String: Any]] ?? []
        #expect(prices.count >= 20)
        for v in prices {
            let excessBlobGas = UInt64(v["excessBlobGas"] as! Int)
            #expect(rules.blobs.baseFee(excessBlobGas: excessBlobGas) == UInt256(decimal: v["blobBaseFee"] as! String),
                    "\(fork) price at \(excessBlobGas)")
            // The BLOBBASEFEE opcode's value in a block with that excess.
            let evm = EVM(state: WorldState(backend: InMemoryBackend(accounts: [:])),
                          block: BlockEnvironment(coinbase: .zero, number: 1, timestamp: 1, gasLimit: 30_000_000,
                                                  excessBlobGas: excessBlobGas),
                          context: TransactionContext(origin: .zero, gasPrice: .zero), rules: rules)
            #expect(evm.blobBaseFee == UInt256(decimal: v["blobBaseFee"] as! String))
        }
    }
}
