import CLCrypto
import CLHarness
import CLPrimitives
import Foundation
import TestSupport

/// An in-process chain and JSON-RPC server (no sockets) for tests.
final class TestNode {
    let chain: DevChain
    let server: RPCServer

    init(config: DevChainConfig = DevChainConfig()) throws {
        chain = try DevChain(config: config)
        server = RPCServer(chain: chain)
    }

    /// Sends a raw HTTP body and parses the answer.
    func raw(_ body: String) throws -> JSON { try JSON.parse(server.handle(body: Array(body.utf8))) }

    /// Calls one method.
    func call(_ method: String, _ params: [JSON] = []) throws -> JSON {
        let request = JSON.object([("jsonrpc", .string("2.0")), ("id", .int(7)), ("method", .string(method)), ("params", .array(params))])
        return try JSON.parse(server.handle(body: request.serialized))
    }

    /// The result of a call (fails the caller when it is an error).
    func result(_ method: String, _ params: [JSON] = []) throws -> JSON {
        let response = try call(method, params)
        guard let result = response["result"] else { throw TestFailure("\(method) failed: \(response.text)") }
        return result
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The development accounts' keys, from the eth-account vectors.
enum DevKeys {
    static let all: [PrivateKey] = {
        guard let root = try? Fixtures.json("harness/dev-accounts.json") as? [String: Any],
              let accounts = root["accounts"] as? [[String: String]] else { return [] }
        return accounts.compactMap { try? PrivateKey(bytes: try Hex.decode($0["privateKey"]!)) }
    }()

    static func address(_ i: Int) -> Address { Address(bytes: all[i].ethereumAddress)! }
}

/// A signed EIP-1559 transfer or call.
func signedTransaction(key: PrivateKey, nonce: UInt64, to: Address?, value: UInt256 = .zero, data: [UInt8] = [],
                       gas: UInt64 = 21_000, maxFee: UInt256 = UInt256(3_000_000_000 as UInt64),
                       chainID: UInt64 = 31337, type: TransactionType = .dynamicFee) throws -> Transaction {
    var tx = Transaction(type: type, chainID: chainID, nonce: nonce, gasPrice: type == .legacy ? maxFee : .zero,
                         maxPriorityFeePerGas: type == .legacy ? .zero : UInt256(1_000_000_000 as UInt64),
                         maxFeePerGas: type == .legacy ? .zero : maxFee, gasLimit: gas, to: to, value: value, data: data)
    try tx.sign(with: key)
    return tx
}

func hex(_ bytes: [UInt8]) -> JSON { .string(Hex.encode(bytes, prefix: true)) }
