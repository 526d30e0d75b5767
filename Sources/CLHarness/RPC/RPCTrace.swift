import CLEVM
import CLPrimitives

/// The options of geth's debug_trace* methods that this node honours.
struct TraceOptions {
    enum Tracer { case structLogs, call(onlyTopCall: Bool), prestate }
    var tracer = Tracer.structLogs
    var disableStack = false
    var enableMemory = false
    var disableStorage = false

    init(_ json: JSON?) throws(RPCError) {
        guard let json, !json.isNull else { return }
        guard case .object = json else { throw .invalidParams("trace options: expected an object") }
        func flag(_ name: String) throws(RPCError) -> Bool? {
            guard let value = json[name], !value.isNull else { return nil }
            guard let bool = value.boolValue else { throw .invalidParams("\(name): expected a boolean") }
            return bool
        }
        disableStack = try flag("disableStack") ?? false
        enableMemory = try flag("enableMemory") ?? false
        disableStorage = try flag("disableStorage") ?? false
        _ = try flag("enableReturnData")
        let config = json["tracerConfig"]
        if let config, !config.isNull, config.arrayValue != nil || config.stringValue != nil {
            throw .invalidParams("tracerConfig: expected an object")
        }
        switch json["tracer"] {
        case nil, .null?: break
        case .string("callTracer")?:
            tracer = .call(onlyTopCall: config?["onlyTopCall"]?.boolValue ?? false)
        case .string("prestateTracer")?:
            if config?["diffMode"]?.boolValue == true { throw .invalidParams("prestateTracer: diffMode is not supported") }
            tracer = .prestate
        case let other?:
            throw .invalidParams("tracer not found: \(other.stringValue ?? other.text) (supported: the struct logger, callTracer, prestateTracer)")
        }
    }
}

extension RPCServer {
    /// debug_traceTransaction, debug_traceCall and debug_traceBlockByNumber/ByHash; nil for other methods.
    func traceMethod(_ method: String, _ p: RPCParams, _ meter: ExecutionMeter) throws(RPCError) -> JSON? {
        switch method {
        case "debug_traceTransaction":
            let hash = try RPCParams.hash(try p.required(0, "hash"), "hash")
            let options = try TraceOptions(p.optional(1))
            guard let stored = chain.transaction(hash: hash) else { throw .server("transaction \(hash.hex) not found") }
            return try traceMined(block: stored.blockNumber, indices: stored.index...stored.index, options, meter)[0]
        case "debug_traceBlockByNumber", "debug_traceBlockByHash":
            let block: Block?
            if method.hasSuffix("Number") {
                block = blockNumber(try RPCParams.block(try p.required(0, "block"))).flatMap { chain.block(number: $0) }
            } else {
                block = chain.block(hash: try RPCParams.hash(try p.required(0, "hash"), "hash"))
            }
            guard let block else { throw .server("block not found") }
            let options = try TraceOptions(p.optional(1))
            if block.transactions.isEmpty { return .array([]) }
            let results = try traceMined(block: block.header.number, indices: 0...(block.transactions.count - 1), options, meter)
            return .array(zip(block.transactions, results).map { tx, result in
                .object([("txHash", RPCFormat.hash(tx.hash)), ("result", result)])
            })
        case "debug_traceCall":
            let request = capped(try RPCParams.callRequest(try p.required(0, "transaction")))
            let number = try stateBlock(try RPCParams.block(p.optional(1)))
            let options = try TraceOptions(p.optional(2))
            return try traceCall(request, block: number, options, meter)
        default:
            return nil
        }
    }

    private func traceMined(block number: UInt64, indices: ClosedRange<Int>, _ options: TraceOptions,
                            _ meter: ExecutionMeter) throws(RPCError) -> [JSON] {
        guard let block = chain.block(number: number) else { throw .server("block \(number) not found") }
        var tracers: [any EVMTracer] = []
        let results = try chainCall { () throws(ChainError) in
            try chain.locked { () throws(ChainError) in
                try chain.traceBlock(block, from: indices.lowerBound, through: indices.upperBound, meter: meter) { i in
                    let tracer = makeTracer(options, initial: [block.senders[i], block.header.coinbase] + (block.transactions[i].to.map { [$0] } ?? []))
                    tracers.append(tracer)
                    return tracer
                }
            }
        }
        var out: [JSON] = []
        for (k, result) in results.enumerated() {
            let i = indices.lowerBound + k
            out.append(try format(result, tracers[k], options, gasLimit: block.transactions[i].gasLimit) { (touched) throws(RPCError) in
                try chainCall { () throws(ChainError) in try chain.stateBefore(block: number, index: i, accounts: touched) }
            })
        }
        return out
    }

    private func traceCall(_ request: CallRequest, block: UInt64?, _ options: TraceOptions, _ meter: ExecutionMeter) throws(RPCError) -> JSON {
        let from = request.from ?? .zero
        let tracer = makeTracer(options, initial: [from, chain.config.coinbase] + (request.to.map { [$0] } ?? []))
        let outcome = try chainCall { () throws(ChainError) in try chain.simulate(request, block: block, tracer: tracer, meter: meter) }
        let result = TraceResult(gasUsed: outcome.gasUsed, failed: outcome.status != .success, output: outcome.output, steps: [],
                                 transaction: Transaction(type: .dynamicFee, chainID: chain.config.chainID, nonce: 0,
                                                          gasLimit: request.gas ?? chain.config.defaultCallGas, to: request.to, value: request.value, data: request.data),
                                 sender: from, status: outcome.status)
        return try format(result, tracer, options, gasLimit: request.gas ?? chain.config.defaultCallGas) { (touched) throws(RPCError) in
            // The call's state is the block's (the head's when none is named).
            var before: [Address: PrestateAccount] = [:]
            for (address, slots) in touched {
                let record = try chainCall { () throws(ChainError) in try chain.account(address, block: block) }
                let code = try chainCall { () throws(ChainError) in try chain.code(address, block: block) }
                var storage: [UInt256: UInt256] = [:]
                for slot in slots {
                    storage[slot] = UInt256(try chainCall { () throws(ChainError) in try chain.storage(address, slot: slot.bytes32, block: block) })
                }
                before[address] = PrestateAccount(exists: record != nil, nonce: record?.nonce ?? 0, balance: record?.balance ?? .zero,
                                                  code: code, storage: storage)
            }
            return before
        }
    }

    private func makeTracer(_ options: TraceOptions, initial: [Address]) -> any EVMTracer {
        switch options.tracer {
        case .structLogs:
            StructLogger(maxBytes: limits.maxTraceBytes, keepStack: !options.disableStack, keepMemory: options.enableMemory,
                         keepStorage: !options.disableStorage)
        case .call(let onlyTopCall): CallTracer(onlyTopCall: onlyTopCall)
        case .prestate: PrestateTracer(initial)
        }
    }

    private func format(_ result: TraceResult, _ tracer: any EVMTracer, _ options: TraceOptions, gasLimit: UInt64,
                        stateBefore: ([Address: Set<UInt256>]) throws(RPCError) -> [Address: PrestateAccount])
        throws(RPCError) -> JSON {
        if let calls = tracer as? CallTracer { return calls.json(gasLimit: gasLimit, gasUsed: result.gasUsed) }
        if let prestate = tracer as? PrestateTracer {
            return PrestateTracer.json(try stateBefore(prestate.touched), created: prestate.created)
        }
        guard let logger = tracer as? StructLogger else { return .null }
        if logger.exceeded {
            throw RPCLimits.exceeded("trace needs more than \(limits.maxTraceBytes) bytes (--max-trace-bytes); trace with disableStack or raise the limit")
        }
        if logger.truncated {
            throw RPCLimits.exceeded("trace has more than \(logger.limit) steps (the struct logger's limit; --max-trace-bytes bounds its memory)")
        }
        let logs: [JSON] = logger.steps.enumerated().map { index, step in
            var members: [(String, JSON)] = [
                ("pc", .int(step.pc)), ("op", .string(OpcodeTable.name(of: step.opcode, fork: chain.config.hardfork))), ("gas", .int(step.gas)),
                ("gasCost", .int(step.gasCost)), ("depth", .int(step.depth)),
            ]
            if !options.disableStack { members.append(("stack", .array(step.stack.map { .string($0.hexQuantity) }))) }
            if let memory = step.memory {
                members.append(("memory", .array(stride(from: 0, to: memory.count, by: 32).map {
                    .string(Hex.encode(Array(memory[$0..<min($0 + 32, memory.count)]), prefix: false))
                })))
            }
            if let slots = logger.storage[index] {
                members.append(("storage", .object(slots.map {
                    (Hex.encode($0.0.bytes32.bytes, prefix: false), .string(Hex.encode($0.1.bytes32.bytes, prefix: false)))
                })))
            }
            if step.refund != 0 { members.append(("refund", .int(step.refund))) }
            if let error = step.error { members.append(("error", .string(String(describing: error)))) }
            return .object(members)
        }
        return .object([("gas", .int(Int(result.gasUsed))), ("failed", .bool(result.failed)),
                        ("returnValue", .string(Hex.encode(result.output, prefix: false))),
                        ("structLogs", .array(logs))])
    }
}
