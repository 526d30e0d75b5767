import CLCrypto
import CLHarness
import CLPrimitives
import Foundation
import Testing

/// Every kind of bad input gets the proper JSON-RPC error, and the chain is unchanged afterwards.
@Suite("JSON-RPC bad input")
struct RPCBadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let body: @Sendable () throws -> String
        let code: Int
        let messagePrefix: String
        var description: String { name }
    }

    static func request(_ method: String, _ params: [JSON]) -> String {
        JSON.object([("jsonrpc", .string("2.0")), ("id", .int(1)), ("method", .string(method)), ("params", .array(params))]).text
    }

    static func rawTx(_ tx: @Sendable @escaping () throws -> Transaction) -> @Sendable () throws -> String {
        { request("eth_sendRawTransaction", [hex(try tx().encoded)]) }
    }

    static let recipient = Address(bytes: [UInt8](repeating: 0x11, count: 20))!

    static let cases: [Case] = [
        Case(name: "malformed JSON", body: { #"{"jsonrpc":"2.0","id":1,"method":"eth_chainId""# }, code: -32700, messagePrefix: "parse error"),
        Case(name: "not an object", body: { "42" }, code: -32600, messagePrefix: "invalid request"),
        Case(name: "missing jsonrpc version", body: { #"{"id":1,"method":"eth_chainId"}"# }, code: -32600, messagePrefix: "invalid request"),
        Case(name: "empty batch", body: { "[]" }, code: -32600, messagePrefix: "invalid request"),
        Case(name: "unknown method", body: { request("eth_frobnicate", []) }, code: -32601, messagePrefix: "the method eth_frobnicate does not exist"),
        Case(name: "params not an array", body: { #"{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":{"a":1}}"# },
             code: -32602, messagePrefix: "invalid params"),
        Case(name: "address of wrong type", body: { request("eth_getBalance", [.int(5), .string("latest")]) }, code: -32602, messagePrefix: "invalid params"),
        Case(name: "address too short", body: { request("eth_getBalance", [.string("0x1234"), .string("latest")]) }, code: -32602, messagePrefix: "invalid params"),
        Case(name: "bad block tag", body: { request("eth_getBalance", [.string(DevKeys.address(0).hex), .string("yesterday")]) }, code: -32602, messagePrefix: "invalid params"),
        Case(name: "missing parameter", body: { request("eth_getTransactionReceipt", []) }, code: -32602, messagePrefix: "invalid params"),
        Case(name: "raw transaction not hex", body: { request("eth_sendRawTransaction", [.string("0xzz")]) }, code: -32602, messagePrefix: "invalid params"),
        Case(name: "bad RLP", body: { request("eth_sendRawTransaction", [.string("0xf8ff0102")]) }, code: -32602, messagePrefix: "failed to decode transaction"),
        Case(name: "unknown transaction type", body: { request("eth_sendRawTransaction", [.string("0x05c0")]) }, code: -32602, messagePrefix: "failed to decode transaction"),
        Case(name: "wrong chain id", body: rawTx { try signedTransaction(key: DevKeys.all[0], nonce: 0, to: recipient, chainID: 1) },
             code: -32000, messagePrefix: "invalid chain id for signer: have 1 want 31337"),
        Case(name: "invalid signature", body: rawTx {
            var tx = try signedTransaction(key: DevKeys.all[0], nonce: 0, to: recipient)
            tx.signature?.s = UInt256.max.bytes32
            return tx
        }, code: -32000, messagePrefix: "invalid sender"),
        Case(name: "nonce too low", body: rawTx { try signedTransaction(key: DevKeys.all[1], nonce: 0, to: recipient) },
             code: -32000, messagePrefix: "nonce too low"),
        Case(name: "nonce too high", body: rawTx { try signedTransaction(key: DevKeys.all[0], nonce: 1000, to: recipient) },
             code: -32000, messagePrefix: "nonce too high"),
        Case(name: "insufficient funds", body: rawTx {
            try signedTransaction(key: DevKeys.all[0], nonce: 0, to: recipient, value: UInt256Ether.wei(ether: 20_000))
        }, code: -32000, messagePrefix: "insufficient funds for gas * price + value"),
        Case(name: "gas below intrinsic", body: rawTx { try signedTransaction(key: DevKeys.all[0], nonce: 0, to: recipient, gas: 20_999) },
             code: -32000, messagePrefix: "intrinsic gas too low: have 20999, want 21000"),
        Case(name: "tip above fee cap", body: rawTx {
            try signedTransaction(key: DevKeys.all[0], nonce: 0, to: recipient, maxFee: UInt256(1_000 as UInt64))
        }, code: -32000, messagePrefix: "max priority fee per gas higher than max fee per gas"),
        Case(name: "gas price below base fee", body: rawTx {
            try signedTransaction(key: DevKeys.all[0], nonce: 0, to: recipient, maxFee: UInt256(1_000 as UInt64), type: .legacy)
        }, code: -32000, messagePrefix: "max fee per gas less than block base fee"),
        Case(name: "gas above block limit", body: rawTx { try signedTransaction(key: DevKeys.all[0], nonce: 0, to: recipient, gas: 30_000_001) },
             code: -32000, messagePrefix: "exceeds block gas limit"),
        Case(name: "time offset beyond 64 bits", body: { request("evm_increaseTime", [.string("0xffffffffffffffff")]) },
             code: -32602, messagePrefix: "invalid params"),
        Case(name: "time offset overflow", body: { request("evm_increaseTime", [.number("9223372036854775807")]) },
             code: -32000, messagePrefix: "time offset out of range"),
        Case(name: "next timestamp out of range", body: { request("evm_setNextBlockTimestamp", [.string("0xffffffffffffffff")]) },
             code: -32000, messagePrefix: "timestamp 18446744073709551615 is out of range"),
        Case(name: "mine at a timestamp before the head", body: { request("evm_mine", [.int(1)]) },
             code: -32000, messagePrefix: "timestamp 1 is before the head block's"),
        Case(name: "revert to an unknown snapshot id of wrong type", body: { request("evm_revert", [.bool(true)]) },
             code: -32602, messagePrefix: "invalid params"),
        Case(name: "send from a locked account", body: {
            request("eth_sendTransaction", [.object([("from", .string(recipient.hex)), ("to", .string(recipient.hex))])])
        }, code: -32000, messagePrefix: "no signer for"),
    ]

    @Test(arguments: cases)
    func refusedAndChainUnchanged(_ testCase: Case) throws {
        let node = try TestNode()
        // Account 1 has sent one transaction, so nonce 0 is too low for it.
        _ = try node.result("eth_sendRawTransaction", [hex(try signedTransaction(key: DevKeys.all[1], nonce: 0, to: RPCBadInputTests.recipient).encoded)])
        let before = node.chain.headBlock
        let balance = try node.result("eth_getBalance", [.string(DevKeys.address(0).hex)])
        let response = try node.raw(try testCase.body())
        let error = response["error"]
        #expect(error?["code"]?.intValue == testCase.code, "\(response.text)")
        #expect(error?["message"]?.stringValue?.hasPrefix(testCase.messagePrefix) == true, "\(response.text)")
        // The node still answers, and nothing changed.
        #expect(try node.result("eth_blockNumber") == .string("0x1"))
        #expect(node.chain.headBlock.hash == before.hash)
        #expect(try node.result("eth_getBalance", [.string(DevKeys.address(0).hex)]) == balance)
    }

    @Test func batchMixesResultsAndErrors() throws {
        let node = try TestNode()
        let response = try node.raw(#"[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},{"jsonrpc":"2.0","id":"b","method":"nope"},{"jsonrpc":"2.0","method":"eth_chainId"},5]"#)
        let items = try #require(response.arrayValue)
        #expect(items.count == 3)  // the notification gets no answer
        #expect(items[0]["result"] == .string("0x7a69"))
        #expect(items[1]["id"] == .string("b") && items[1]["error"]?["code"]?.intValue == -32601)
        #expect(items[2]["error"]?["code"]?.intValue == -32600)
    }

    @Test func oversizedBodyIsRefusedOverHTTP() async throws {
        let node = try TestNode()
        let port = try node.server.start(host: "127.0.0.1", port: 0, maxBodyBytes: 1024)
        defer { node.server.stop() }
        let client = RPCClient(url: URL(string: "http://127.0.0.1:\(port)")!)
        let big = JSON.string(String(repeating: "a", count: 4096))
        await #expect(throws: RPCClientError.self) { _ = try await client.call("web3_sha3", [big]) }
        do { _ = try await client.call("web3_sha3", [big]) } catch {
            #expect(error == .rpc(RPCError(code: -32600, message: "request body too large (limit 1024 bytes)")))
        }
        // The server is still up.
        #expect(try await client.call("eth_chainId") == .string("0x7a69"))
    }
}
