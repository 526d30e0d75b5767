import CLPrimitives

extension EVM {
    /// Records the step about to run (the stack is copied only while tracing).
    func beginTrace(pc: Int, op: UInt8, gas: Int, stack: UnsafeMutablePointer<UInt256>, n: Int, memory: Memory,
                    depth: Int) {
        pendingTrace = TraceStep(pc: pc, opcode: op, gas: gas, gasCost: 0, memorySize: memory.size,
                                 stack: Array(UnsafeBufferPointer(start: stack, count: n)), depth: depth + 1,
                                 refund: state.refund, error: nil,
                                 memory: tracer?.capturesMemory == true ? memory.bytes(0, memory.size) : nil)
    }

    /// Emits the pending step with its cost (gas before minus gas now).
    func endTrace(gas: Int) {
        guard var step = pendingTrace, let tracer else { return }
        step.gasCost = step.gas - gas
        pendingTrace = nil
        tracer.step(step)
    }

    /// Emits a call or create step before its child frame runs.
    func flushTrace(gas: Int) {
        endTrace(gas: gas)
    }

    /// Emits the last step of a frame, marking an exceptional halt.
    func finishTrace(status: ExecutionStatus, gas: Int) {
        guard var step = pendingTrace, let tracer else { return }
        pendingTrace = nil
        switch status {
        case .success, .revert:
            step.gasCost = step.gas - gas
        default:
            step.gasCost = max(0, step.gas - gas)
            step.error = status
        }
        tracer.step(step)
    }
}
