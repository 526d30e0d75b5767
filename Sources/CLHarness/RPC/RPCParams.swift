import CLPrimitives

/// Which state a request reads: a block number, or the latest/pending state.
public enum BlockSelector: Equatable, Sendable {
    /// The head (or the pending block, which shares the head's state here).
    case latest
    /// Block 0.
    case earliest
    /// A block by number.
    case number(UInt64)
    /// A block by hash (EIP-1898).
    case hash(Bytes32)
}

/// Positional JSON-RPC parameters with typed readers that fail with -32602.
public struct RPCParams: Sendable {
    /// The values.
    public let values: [JSON]

    /// Wraps `params` (an array; absent or null means none).
    init(_ params: JSON?) throws(RPCError) {
        switch params {
        case nil, .null?: values = []
        case .array(let items)?: values = items
        default: throw .invalidParams("params must be an array")
        }
    }

    /// The value at `index`, nil when absent or null.
    func optional(_ index: Int) -> JSON? {
        guard index < values.count, !values[index].isNull else { return nil }
        return values[index]
    }

    /// The value at `index`, required.
    func required(_ index: Int, _ what: String) throws(RPCError) -> JSON {
        guard let value = optional(index) else { throw .invalidParams("missing value for required argument \(index) (\(what))") }
        return value
    }

    /// Fails when more than `count` parameters were given.
    func expectAtMost(_ count: Int) throws(RPCError) {
        if values.count > count { throw .invalidParams("too many arguments, want at most \(count)") }
    }

    static func string(_ value: JSON, _ what: String) throws(RPCError) -> String {
        guard let text = value.stringValue else { throw .invalidParams("\(what): expected a string") }
        return text
    }

    /// An address.
    static func address(_ value: JSON, _ what: String = "address") throws(RPCError) -> Address {
        let text = try string(value, what)
        guard text.hasPrefix("0x") || text.hasPrefix("0X") else { throw .invalidParams("\(what): hex string without 0x prefix") }
        do { return try Address(hex: text) } catch { throw .invalidParams("\(what): \(error)") }
    }

    /// Hex bytes (`0x` prefixed, an even number of digits).
    static func bytes(_ value: JSON, _ what: String) throws(RPCError) -> [UInt8] {
        switch RPCHex.data(try string(value, what)) {
        case .success(let bytes): return bytes
        case .failure(let failure): throw .invalidParams("\(what): \(failure)")
        }
    }

    /// A 32-byte hash.
    static func hash(_ value: JSON, _ what: String) throws(RPCError) -> Bytes32 {
        let data = try bytes(value, what)
        guard let hash = Bytes32(bytes: data) else {
            throw .invalidParams("\(what): hex string has length \(data.count * 2), want 64 for a 32-byte hash")
        }
        return hash
    }

    /// A storage slot (eth_getStorageAt, anvil_setStorageAt): up to 32 bytes of hex, leading zeros allowed.
    static func storageKey(_ value: JSON, _ what: String) throws(RPCError) -> Bytes32 {
        switch RPCHex.storageKey(try string(value, what)) {
        case .success(let key): return key
        case .failure(let failure): throw .invalidParams("\(what): \(failure)")
        }
    }

    /// A hex quantity of at most `bits` bits (a non-negative decimal JSON number is accepted too, as
    /// some clients send one).
    static func unsigned(_ value: JSON, _ what: String, bits: Int) throws(RPCError) -> UInt256 {
        if case .number(let text) = value {
            guard let parsed = UInt256(decimal: text) else { throw .invalidParams("\(what): not an unsigned integer: \(text.prefix(80))") }
            guard bits >= 256 || parsed.bitWidth <= bits else { throw .invalidParams("\(what): number > \(bits) bits") }
            return parsed
        }
        switch RPCHex.quantity(try string(value, what), bits: bits) {
        case .success(let parsed): return parsed
        case .failure(let failure): throw .invalidParams("\(what): \(failure)")
        }
    }

    /// A hex quantity up to 256 bits.
    static func word(_ value: JSON, _ what: String) throws(RPCError) -> UInt256 {
        try unsigned(value, what, bits: 256)
    }

    /// A hex quantity that fits in 64 bits.
    static func quantity(_ value: JSON, _ what: String) throws(RPCError) -> UInt64 {
        // Width is checked by `unsigned`, so the conversion cannot fail.
        try unsigned(value, what, bits: 64).uint64 ?? UInt64.max
    }

    /// A block number: a quantity no larger than 2^63 − 1, as geth's `rpc.BlockNumber` (an int64) allows.
    static func blockNumber(_ value: JSON) throws(RPCError) -> UInt64 {
        let number = try quantity(value, "block number")
        guard number <= UInt64(Int64.max) else { throw .invalidParams("block number larger than int64") }
        return number
    }

    /// A block tag, number, or EIP-1898 object (or a 32-byte hash string, as geth accepts one).
    static func block(_ value: JSON?) throws(RPCError) -> BlockSelector {
        guard let value else { return .latest }
        switch value {
        case .string(let tag):
            switch tag {
            case "latest", "pending", "safe", "finalized": return .latest
            case "earliest": return .earliest
            default:
                if tag.utf8.count == 66 { return .hash(try hash(value, "block hash")) }
                return .number(try blockNumber(value))
            }
        case .object:
            if let hash = value["blockHash"], !hash.isNull {
                if let number = value["blockNumber"], !number.isNull {
                    throw .invalidParams("cannot specify both blockHash and blockNumber, choose one or the other")
                }
                return .hash(try RPCParams.hash(hash, "blockHash"))
            }
            if let number = value["blockNumber"], !number.isNull {
                if case .object = number { throw .invalidParams("blockNumber: expected a tag or a number") }
                return try block(number)
            }
            throw .invalidParams("block object needs blockHash or blockNumber")
        case .number: return .number(try blockNumber(value))
        default: throw .invalidParams("block: expected a tag, a number or an object")
        }
    }

    /// A transaction request object (eth_call, eth_estimateGas, eth_sendTransaction).
    static func callRequest(_ value: JSON) throws(RPCError) -> CallRequest {
        guard case .object = value else { throw .invalidParams("transaction: expected an object") }
        var request = CallRequest()
        if let from = value["from"], !from.isNull { request.from = try address(from, "from") }
        if let to = value["to"], !to.isNull { request.to = try address(to, "to") }
        if let gas = value["gas"], !gas.isNull { request.gas = try quantity(gas, "gas") }
        if let price = value["gasPrice"], !price.isNull { request.gasPrice = try word(price, "gasPrice") }
        if let fee = value["maxFeePerGas"], !fee.isNull { request.maxFeePerGas = try word(fee, "maxFeePerGas") }
        if let tip = value["maxPriorityFeePerGas"], !tip.isNull {
            request.maxPriorityFeePerGas = try word(tip, "maxPriorityFeePerGas")
        }
        if let v = value["value"], !v.isNull { request.value = try word(v, "value") }
        if let nonce = value["nonce"], !nonce.isNull { request.nonce = try quantity(nonce, "nonce") }
        // `input` is the current name; `data` the older one. If both are given they must agree.
        let input = value["input"].flatMap { $0.isNull ? nil : $0 }
        let data = value["data"].flatMap { $0.isNull ? nil : $0 }
        if let input { request.data = try bytes(input, "input") }
        if let data {
            let bytes = try bytes(data, "data")
            if input != nil && bytes != request.data { throw .invalidParams("both data and input given and they differ") }
            request.data = bytes
        }
        if let list = value["accessList"], !list.isNull {
            guard let entries = list.arrayValue else { throw .invalidParams("accessList: expected an array") }
            for entry in entries {
                guard let addr = entry["address"] else { throw .invalidParams("accessList entry without address") }
                var keys: [Bytes32] = []
                for key in entry["storageKeys"]?.arrayValue ?? [] { keys.append(try hash(key, "storage key")) }
                request.accessList.append(AccessListEntry(address: try address(addr), storageKeys: keys))
            }
        }
        return request
    }
}
