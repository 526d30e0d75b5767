import CLEVM
import CLPrimitives

extension RPCServer {
    /// debug_traceTransaction with geth's default struct logger (stack on; memory and storage not captured).
    /// Bounded by `limits.maxTraceBytes`: a trace whose steps would need more is refused.
    func traceTransaction(_ hash: Bytes32, options: JSON?, meter: ExecutionMeter) throws(RPCError) -> JSON {
        if let options, case .object = options, let tracer = options["tracer"], !tracer.isNull {
            throw .invalidParams("only the default struct logger is supported, not \(tracer.text)")
        }
        let disableStack = options?["disableStack"]?.boolValue ?? false
        let logger = StructLogger(maxBytes: limits.maxTraceBytes, keepStack: !disableStack)
        let result = try chainCall { () throws(ChainError) in try chain.trace(transaction: hash, logger: logger, meter: meter) }
        if logger.exceeded {
            throw RPCLimits.exceeded("trace needs more than \(limits.maxTraceBytes) bytes (--max-trace-bytes); trace with disableStack or raise the limit")
        }
        if logger.truncated {
            throw RPCLimits.exceeded("trace has more than \(logger.limit) steps (the struct logger's limit; --max-trace-bytes bounds its memory)")
        }
        let logs: [JSON] = result.steps.map { step in
            var members: [(String, JSON)] = [
                ("pc", .int(step.pc)), ("op", .string(OpcodeTable.name(of: step.opcode, fork: chain.config.hardfork))), ("gas", .int(step.gas)),
                ("gasCost", .int(step.gasCost)), ("depth", .int(step.depth)),
            ]
            if !disableStack { members.append(("stack", .array(step.stack.map { .string($0.hexQuantity) }))) }
            if step.refund != 0 { members.append(("refund", .int(step.refund))) }
            if let error = step.error { members.append(("error", .string(String(describing: error)))) }
            return .object(members)
        }
        return .object([("gas", .int(Int(result.gasUsed))), ("failed", .bool(result.failed)),
                        ("returnValue", .string(Hex.encode(result.output, prefix: false))), ("structLogs", .array(logs))])
    }
}
