import CLABI
import CLCrypto
import CLHarness
import CLPrimitives
import Foundation

/// One party's link to a chain: standard Ethereum JSON-RPC and raw transactions signed locally, so it
/// works against the embedded dev chain and any other EVM network alike. Records the gas each of its
/// mined transactions used.
public final class ChainConnection: @unchecked Sendable {
    /// The sending account.
    public let address: Address
    /// The underlying signer/sender.
    public let sender: TransactionSender
    private let lock = NSLock()
    private var gas: UInt64 = 0
    private var wei = UInt256.zero
    private var transactions = 0
    private var perFunction: [String: (gas: UInt64, count: Int)] = [:]
    private var label: String?

    /// A connection to `url` signing with `key`, pricing transactions by `fees`.
    public init(url: URL, key: PrivateKey, fees: FeePolicy = FeePolicy()) {
        sender = TransactionSender(client: RPCClient(url: url), signer: .key(key), fees: fees)
        address = sender.signer.address
    }

    /// The RPC client.
    public var client: RPCClient { sender.client }

    /// A label appended to the function name of the transactions sent while it is set (agents name the
    /// phase of a multi-phase game, so gas is reported per phase: `answer (phase 2)`).
    public var gasLabel: String? {
        get { lock.withLock { label } }
        set { lock.withLock { label = newValue } }
    }

    /// Total gas of the transactions this connection sent and saw mined.
    public var gasUsed: UInt64 { lock.withLock { gas } }

    /// Wei paid for the gas of the transactions this connection sent and saw mined (gas used × the receipt's
    /// effective gas price; receipts without one count as free).
    public var weiSpent: UInt256 { lock.withLock { wei } }

    /// Gas and count of the mined transactions per called function (`deploy` for creations), by name.
    public var gasByFunction: [(function: String, gas: UInt64, count: Int)] {
        lock.withLock { perFunction.map { ($0.key, $0.value.gas, $0.value.count) }.sorted { $0.function < $1.function } }
    }

    /// Number of transactions this connection sent and saw mined.
    public var transactionCount: Int { lock.withLock { transactions } }

    /// eth_call of `function` on `contract`; the decoded outputs.
    public func call(_ contract: Address, _ function: ABIFunction, _ arguments: [ABIValue]) async throws(DisputeError) -> [ABIValue] {
        let output = try await callReturningBytes(contract, function, arguments)
        do {
            return try function.decodeOutput(output)
        } catch {
            throw .decoding("\(function.name) output: \(error)")
        }
    }

    /// eth_call of `function` on `contract`; the raw return data (for the generated bindings' decoders).
    public func callReturningBytes(_ contract: Address, _ function: ABIFunction, _ arguments: [ABIValue]) async throws(DisputeError) -> [UInt8] {
        let data: [UInt8]
        do { data = try function.encodeCall(arguments) } catch { throw .decoding("\(function.name) arguments: \(error)") }
        do {
            let result = try await client.call("eth_call", [sender.requestObject(to: contract, data: data, value: .zero), .string("latest")])
            return try RPCClient.bytes(result)
        } catch {
            throw Self.mapped(error, function: function.name)
        }
    }

    /// Sends `function(arguments)` to `contract` with `value` wei and waits for it to be mined.
    /// Reverts (seen at gas estimation or in the receipt) throw `.reverted`.
    @discardableResult
    public func send(_ contract: Address?, _ function: ABIFunction?, _ arguments: [ABIValue], value: UInt256 = .zero,
                     rawData: [UInt8] = []) async throws(DisputeError) -> ClientReceipt {
        var data = rawData
        if let function {
            do { data = try function.encodeCall(arguments) } catch { throw .decoding("\(function.name) arguments: \(error)") }
        }
        let name = (function?.name ?? "deploy") + (gasLabel.map { " (\($0))" } ?? "")
        let receipt: ClientReceipt
        do {
            let gasLimit = try await sender.estimateGas(to: contract, data: data, value: value)
            let hash = try await sender.send(to: contract, data: data, value: value, gas: gasLimit + gasLimit / 5 + 10_000)
            receipt = try await sender.waitForReceipt(hash)
        } catch {
            throw Self.mapped(error, function: name)
        }
        let price = receipt.json["effectiveGasPrice"]?.stringValue.flatMap { UInt256(hex: $0) } ?? .zero
        record(gas: receipt.gasUsed, price: price, function: name)
        guard receipt.succeeded else { throw .reverted(function: name, reason: "status 0 in block \(receipt.blockNumber)") }
        return receipt
    }

    /// The latest block's timestamp.
    public func latestTimestamp() async throws(DisputeError) -> UInt64 {
        do {
            let block = try await client.call("eth_getBlockByNumber", [.string("latest"), .bool(false)])
            guard let stamp = block["timestamp"] else { throw DisputeError.rpc("block without timestamp") }
            return try RPCClient.word(stamp).uint64 ?? 0
        } catch let error as DisputeError {
            throw error
        } catch {
            throw .rpc("\(error)")
        }
    }

    /// The latest block number.
    public func blockNumber() async throws(DisputeError) -> UInt64 {
        do { return try RPCClient.word(try await client.call("eth_blockNumber")).uint64 ?? 0 } catch { throw .rpc("\(error)") }
    }

    /// The account's balance in wei.
    public func balance(of account: Address) async throws(DisputeError) -> UInt256 {
        do { return try RPCClient.word(try await client.call("eth_getBalance", [.string(account.hex), .string("latest")])) } catch {
            throw .rpc("\(error)")
        }
    }

    /// Logs of `contract` in blocks `from...to`.
    public func logs(_ contract: Address, from: UInt64, to: UInt64) async throws(DisputeError) -> [ChainLog] {
        guard from <= to else { return [] }
        let filter = JSON.object([("address", .string(contract.hex)), ("fromBlock", .string("0x" + String(from, radix: 16))),
                                  ("toBlock", .string("0x" + String(to, radix: 16)))])
        let result: JSON
        do { result = try await client.call("eth_getLogs", [filter]) } catch { throw .rpc("\(error)") }
        var logs: [ChainLog] = []
        for entry in result.arrayValue ?? [] {
            guard let topicsJSON = entry["topics"]?.arrayValue, let dataText = entry["data"]?.stringValue,
                  let blockText = entry["blockNumber"]?.stringValue, let block = UInt256(hex: blockText)?.uint64,
                  let data = try? Hex.decode(dataText) else { throw .decoding("log \(entry.text.prefix(120))") }
            var topics: [Bytes32] = []
            for topic in topicsJSON {
                guard let text = topic.stringValue, let word = try? Bytes32(hex: text) else { throw .decoding("topic") }
                topics.append(word)
            }
            let logIndex = entry["logIndex"]?.stringValue.flatMap { UInt256(hex: $0)?.uint64 } ?? 0
            logs.append(ChainLog(block: block, logIndex: logIndex, topics: topics, data: data))
        }
        return logs
    }

    /// Moves the chain's clock forward by `seconds` and mines a block (evm_increaseTime + evm_mine).
    /// Returns false when the node has no time control (a real network: the caller waits instead).
    public func advanceTime(by seconds: UInt64) async -> Bool {
        do {
            _ = try await client.call("evm_increaseTime", [.int(Int(seconds))])
            _ = try await client.call("evm_mine")
            return true
        } catch {
            return false
        }
    }

    private func record(gas used: UInt64, price: UInt256, function: String) {
        lock.withLock {
            gas += used
            wei = wei &+ price &* UInt256(used)
            transactions += 1
            let previous = perFunction[function] ?? (0, 0)
            perFunction[function] = (previous.gas + used, previous.count + 1)
        }
    }

    static func mapped(_ error: RPCClientError, function: String) -> DisputeError {
        if case .rpc(let rpcError) = error {
            var reason = rpcError.message
            if let dataText = rpcError.data?.stringValue, let data = try? Hex.decode(dataText) {
                reason = RevertReason(data: data).summary
            }
            return .reverted(function: function, reason: reason)
        }
        return .rpc(error.description)
    }
}

/// A log as read back over JSON-RPC.
public struct ChainLog: Sendable {
    /// Block number.
    public var block: UInt64
    /// Index within the block.
    public var logIndex: UInt64
    /// Topics (the first is the event signature).
    public var topics: [Bytes32]
    /// Non-indexed data.
    public var data: [UInt8]
}
