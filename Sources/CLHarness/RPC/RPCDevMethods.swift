import CLPrimitives

extension RPCServer {
    /// The development methods (`evm_`, `anvil_`, `hardhat_`, `debug_`); nil when `method` is none of them.
    func devMethod(_ method: String, _ p: RPCParams, _ meter: ExecutionMeter) throws(RPCError) -> JSON? {
        // anvil_ and hardhat_ spell the same methods with their own prefix.
        var name = method
        for prefix in ["anvil_", "hardhat_"] where method.hasPrefix(prefix) {
            let rest = String(method.dropFirst(prefix.count))
            if ["mine", "increaseTime", "setNextBlockTimestamp", "snapshot", "revert", "setAutomine"].contains(rest) {
                name = "evm_" + rest
            } else {
                name = "anvil_" + rest
            }
        }
        switch name {
        case "evm_mine":
            var timestamp: UInt64? = nil
            var count = 1
            if let first = p.optional(0) {
                if case .object = first {
                    if let t = first["timestamp"] { timestamp = try RPCParams.quantity(t, "timestamp") }
                    if let b = first["blocks"] { count = Int(clamping: try RPCParams.quantity(b, "blocks")) }
                } else if method == "evm_mine" {
                    timestamp = try RPCParams.quantity(first, "timestamp")
                } else {
                    count = Int(clamping: try RPCParams.quantity(first, "blocks"))
                    if let interval = p.optional(1) { _ = try RPCParams.quantity(interval, "interval") }
                }
            }
            guard count <= limits.maxMineBlocks else {
                throw RPCLimits.exceeded("cannot mine \(count) blocks in one request: the limit is \(limits.maxMineBlocks) (--max-mine-blocks)")
            }
            if let timestamp, timestamp >= 1 << 40 { throw .invalidParams("timestamp out of range") }
            try chainCall { () throws(ChainError) in try chain.mineBlocks(count: count, timestamp: timestamp) }
            return .string("0x0")
        case "evm_increaseTime":
            let value = try p.required(0, "seconds")
            let seconds: Int64
            if case .number(let text) = value, let n = Int64(text) { seconds = n } else {
                guard let n = Int64(exactly: try RPCParams.quantity(value, "seconds")) else { throw .invalidParams("seconds too large") }
                seconds = n
            }
            let total = try chainCall { () throws(ChainError) in try chain.increaseTime(seconds: seconds) }
            return method.hasPrefix("anvil_") ? RPCFormat.quantity(UInt64(max(0, total))) : .number(String(total))
        case "evm_setNextBlockTimestamp":
            let value = try p.required(0, "timestamp")
            let timestamp: UInt64
            if case .number(let text) = value, let n = UInt64(text) { timestamp = n } else { timestamp = try RPCParams.quantity(value, "timestamp") }
            try chainCall { () throws(ChainError) in try chain.setNextBlockTimestamp(timestamp) }
            return .null
        case "evm_snapshot":
            return RPCFormat.quantity(try chainCall { () throws(ChainError) in try chain.snapshot() })
        case "evm_revert":
            let id = try RPCParams.quantity(try p.required(0, "snapshot id"), "snapshot id")
            return .bool(try chainCall { () throws(ChainError) in try chain.revert(to: id) })
        case "evm_setAutomine":
            guard let enabled = try p.required(0, "enabled").boolValue else { throw .invalidParams("expected a boolean") }
            chain.setAutomine(enabled)
            return .null
        case "anvil_setBalance":
            let address = try RPCParams.address(try p.required(0, "address"))
            let balance = try RPCParams.word(try p.required(1, "balance"), "balance")
            try chainCall { () throws(ChainError) in try chain.setBalance(address, balance) }
            return .null
        case "anvil_setNonce":
            let address = try RPCParams.address(try p.required(0, "address"))
            let nonce = try RPCParams.quantity(try p.required(1, "nonce"), "nonce")
            try chainCall { () throws(ChainError) in try chain.setNonce(address, nonce) }
            return .null
        case "anvil_setCode":
            let address = try RPCParams.address(try p.required(0, "address"))
            let code = try RPCParams.bytes(try p.required(1, "code"), "code")
            try chainCall { () throws(ChainError) in try chain.setCode(address, code) }
            return .null
        case "anvil_setStorageAt":
            let address = try RPCParams.address(try p.required(0, "address"))
            let slot = try RPCParams.storageKey(try p.required(1, "slot"), "slot")
            let value = try RPCParams.hash(try p.required(2, "value"), "value")
            try chainCall { () throws(ChainError) in try chain.setStorage(address, slot: slot, value: value) }
            return .bool(true)
        case "anvil_impersonateAccount":
            chain.impersonate(try RPCParams.address(try p.required(0, "address")))
            return .null
        case "anvil_stopImpersonatingAccount":
            chain.impersonate(try RPCParams.address(try p.required(0, "address")), enabled: false)
            return .null
        default:
            return nil
        }
    }
}
