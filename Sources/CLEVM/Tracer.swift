import CLPrimitives

/// One interpreter step as an EIP-3155 tracer sees it, taken before the instruction runs.
public struct TraceStep {
    /// Program counter.
    public var pc: Int
    /// Opcode byte.
    public var opcode: UInt8
    /// Gas left before the instruction.
    public var gas: Int
    /// Gas the instruction cost (for calls and creates: its own charge, without the child's use).
    public var gasCost: Int
    /// Memory size in bytes.
    public var memorySize: Int
    /// Stack, bottom first.
    public var stack: [UInt256]
    /// Call depth, 1 for the transaction's frame (EIP-3155 convention).
    public var depth: Int
    /// Refund counter.
    public var refund: Int
    /// Set when the instruction halted the frame exceptionally.
    public var error: ExecutionStatus?
}

/// Receives interpreter steps (the `--trace` output, `debug_traceTransaction`).
public protocol EVMTracer: AnyObject {
    /// Called once per executed instruction.
    func step(_ step: TraceStep)
}
