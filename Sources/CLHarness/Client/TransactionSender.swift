import CLCrypto
import CLPrimitives
import Foundation

/// Who signs: a local private key (raw signed transactions, any endpoint) or an account the node
/// unlocks (eth_sendTransaction: dev chains).
public enum Signer: Sendable {
    /// Sign locally with this key.
    case key(PrivateKey)
    /// Let the node sign for this address.
    case node(Address)

    /// The sending address.
    public var address: Address {
        switch self {
        case .key(let key): Address(bytes: key.ethereumAddress)!
        case .node(let address): address
        }
    }
}

/// A mined transaction's receipt, as the client reads it.
public struct ClientReceipt: Sendable {
    /// The transaction hash.
    public var transactionHash: Bytes32
    /// True for status 1.
    public var succeeded: Bool
    /// Block number.
    public var blockNumber: UInt64
    /// Gas used.
    public var gasUsed: UInt64
    /// The created contract, if any.
    public var contractAddress: Address?
    /// The receipt as JSON.
    public var json: JSON

    /// Reads a receipt object.
    public init(json: JSON) throws(RPCClientError) {
        guard let hashText = json["transactionHash"]?.stringValue, let hash = try? Bytes32(hex: hashText),
              let status = json["status"], let block = json["blockNumber"], let gas = json["gasUsed"] else {
            throw .badResponse("malformed receipt \(json.text.prefix(200))")
        }
        transactionHash = hash
        succeeded = try RPCClient.word(status) == .one
        blockNumber = try RPCClient.word(block).uint64 ?? 0
        gasUsed = try RPCClient.word(gas).uint64 ?? 0
        contractAddress = json["contractAddress"]?.stringValue.flatMap { try? Address(hex: $0) }
        self.json = json
    }
}

/// How a locally signed EIP-1559 transaction is priced: by default a tip of what the node suggests and a fee
/// cap of twice the latest base fee plus the tip; a policy may fix the tip and cap the fee (a transaction then
/// waits in the pool while the base fee is above the cap, rather than paying more).
public struct FeePolicy: Sendable, Equatable {
    /// The most wei per gas paid in all; nil: no cap.
    public var maxFeePerGas: UInt256?
    /// The tip in wei per gas; nil: the node's suggestion (`eth_maxPriorityFeePerGas`).
    public var priorityFeePerGas: UInt256?

    /// A policy; the defaults follow the node.
    public init(maxFeePerGas: UInt256? = nil, priorityFeePerGas: UInt256? = nil) {
        self.maxFeePerGas = maxFeePerGas
        self.priorityFeePerGas = priorityFeePerGas
    }

    /// The tip and fee cap for a transaction when the latest base fee is `baseFee`.
    public func price(baseFee: UInt256, suggestedTip: UInt256) -> (tip: UInt256, maxFee: UInt256) {
        var tip = priorityFeePerGas ?? suggestedTip
        var maxFee = baseFee.multipliedFullWidth(by: 2).low &+ tip
        if let cap = maxFeePerGas {
            maxFee = min(maxFee, cap)
            tip = min(tip, maxFee)
        }
        return (tip, maxFee)
    }
}

/// Builds, signs, sends and waits for transactions through any JSON-RPC endpoint.
public struct TransactionSender: Sendable {
    /// The endpoint.
    public let client: RPCClient
    /// Who sends.
    public let signer: Signer
    /// How locally signed transactions are priced.
    public let fees: FeePolicy

    /// A sender through `client` as `signer`, pricing transactions by `fees`.
    public init(client: RPCClient, signer: Signer, fees: FeePolicy = FeePolicy()) {
        self.client = client
        self.signer = signer
        self.fees = fees
    }

    /// The request object for eth_call / eth_estimateGas / eth_sendTransaction.
    public func requestObject(to: Address?, data: [UInt8], value: UInt256, gas: UInt64? = nil) -> JSON {
        var members: [(String, JSON)] = [("from", .string(signer.address.hex)), ("data", .string(Hex.encode(data, prefix: true)))]
        if let to { members.append(("to", .string(to.hex))) }
        if !value.isZero { members.append(("value", .string(value.hexQuantity))) }
        if let gas { members.append(("gas", .string("0x" + String(gas, radix: 16)))) }
        return .object(members)
    }

    /// eth_estimateGas for the transaction.
    public func estimateGas(to: Address?, data: [UInt8], value: UInt256) async throws(RPCClientError) -> UInt64 {
        let result = try await client.call("eth_estimateGas", [requestObject(to: to, data: data, value: value)])
        guard let gas = try RPCClient.word(result).uint64 else { throw .badResponse("gas estimate beyond 64 bits") }
        return gas
    }

    /// Sends the transaction and returns its hash (gas estimated when not given).
    public func send(to: Address?, data: [UInt8], value: UInt256 = .zero, gas: UInt64? = nil) async throws(RPCClientError) -> Bytes32 {
        let result: JSON
        switch signer {
        case .node:
            result = try await client.call("eth_sendTransaction", [requestObject(to: to, data: data, value: value, gas: gas)])
        case .key(let key):
            let chainID = try RPCClient.word(try await client.call("eth_chainId")).uint64 ?? 0
            let nonce = try RPCClient.word(try await client.call("eth_getTransactionCount", [.string(signer.address.hex), .string("pending")])).uint64 ?? 0
            let gasLimit: UInt64
            if let gas { gasLimit = gas } else { gasLimit = try await estimateGas(to: to, data: data, value: value) }
            let suggested = (try? RPCClient.word(try await client.call("eth_maxPriorityFeePerGas"))) ?? UInt256(1_000_000_000 as UInt64)
            let latest = try await client.call("eth_getBlockByNumber", [.string("latest"), .bool(false)])
            let baseFee = latest["baseFeePerGas"].flatMap { try? RPCClient.word($0) } ?? .zero
            let (tip, maxFee) = fees.price(baseFee: baseFee, suggestedTip: suggested)
            var tx = Transaction(type: .dynamicFee, chainID: chainID, nonce: nonce, maxPriorityFeePerGas: tip,
                                 maxFeePerGas: maxFee, gasLimit: gasLimit,
                                 to: to, value: value, data: data)
            do { try tx.sign(with: key) } catch { throw .badResponse("signing failed: \(error)") }
            result = try await client.call("eth_sendRawTransaction", [.string(Hex.encode(tx.encoded, prefix: true))])
        }
        guard let text = result.stringValue, let hash = try? Bytes32(hex: text) else { throw .badResponse("expected a hash, got \(result.text)") }
        return hash
    }

    /// Polls for the receipt of `hash` until it appears or `timeout` seconds pass.
    public func waitForReceipt(_ hash: Bytes32, timeout: Double = 120) async throws(RPCClientError) -> ClientReceipt {
        let deadline = Date().addingTimeInterval(timeout)
        var delay: UInt64 = 20_000_000
        while true {
            let result = try await client.call("eth_getTransactionReceipt", [.string(hash.hex)])
            if !result.isNull { return try ClientReceipt(json: result) }
            if Date() > deadline { throw .transport("no receipt for \(hash.hex) after \(Int(timeout)) s") }
            try? await Task.sleep(nanoseconds: delay)
            delay = min(delay * 2, 1_000_000_000)
        }
    }
}
