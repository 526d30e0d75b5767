import CLPrimitives

extension RPCServer {
    /// Anvil's chain controls (anvil_reset, anvil_dumpState, anvil_loadState, anvil_setIntervalMining,
    /// anvil_getAutomine, evm_setBlockGasLimit, Hardhat's evm_setIntervalMining), each also under the
    /// `hardhat_` prefix; nil for other methods. `RPCDevMethods` maps the older ones the same way.
    func anvilMethod(_ method: String, _ p: RPCParams) throws(RPCError) -> JSON? {
        let name = method.hasPrefix("hardhat_") ? "anvil_" + method.dropFirst("hardhat_".count) : method
        switch name {
        case "anvil_reset":
            if let options = p.optional(0), !options.isNull {
                guard case .object = options else { throw .invalidParams("reset options: expected an object") }
                if let forking = options["forking"], !forking.isNull { throw .server("forking is not supported by this node") }
            }
            try chainCall { () throws(ChainError) in try chain.reset() }
            return .null
        case "anvil_dumpState":
            return RPCFormat.data(chain.dumpState())
        case "anvil_loadState":
            let bytes = try RPCParams.bytes(try p.required(0, "state"), "state")
            try chainCall { () throws(ChainError) in try chain.loadState(bytes) }
            return .bool(true)
        case "anvil_setIntervalMining", "evm_setIntervalMining":
            // Anvil takes seconds; Hardhat's evm_setIntervalMining takes milliseconds. 0 switches it off.
            let value = try p.required(0, "interval")
            let amount: UInt64
            if case .number(let text) = value, let n = UInt64(text) { amount = n } else { amount = try RPCParams.quantity(value, "interval") }
            guard amount <= 1 << 32 else { throw .invalidParams("interval too large") }
            let seconds = name == "evm_setIntervalMining" ? Double(amount) / 1000 : Double(amount)
            if seconds == 0 { stopIntervalMining() } else { startIntervalMining(seconds: seconds) }
            return .null
        case "anvil_getAutomine":
            return .bool(chain.automine)
        case "anvil_getIntervalMining":
            return .int(Int(intervalMiningSeconds))
        case "evm_setBlockGasLimit", "anvil_setBlockGasLimit":
            let limit = try RPCParams.quantity(try p.required(0, "gas limit"), "gas limit")
            try chainCall { () throws(ChainError) in try chain.setBlockGasLimit(limit) }
            return .bool(true)
        default:
            return nil
        }
    }
}
