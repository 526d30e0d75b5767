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
    /// A copy of memory before the instruction, when the tracer asks for it (`capturesMemory`).
    public var memory: [UInt8]? = nil
}

/// Receives interpreter steps (the `--trace` output, `debug_traceTransaction`).
public protocol EVMTracer: AnyObject {
    /// Called once per executed instruction.
    func step(_ step: TraceStep)
    /// Whether each step carries a copy of memory (geth's `enableMemory`); false unless implemented.
    var capturesMemory: Bool { get }
    /// A call or create frame begins (the transaction's own frame included), before any of its steps.
    func enterFrame(_ message: Message)
    /// The frame begun last ends with `result` (a create's output is the deployed code).
    func exitFrame(_ result: FrameResult)
}

extension EVMTracer {
    /// Memory is not copied.
    public var capturesMemory: Bool { false }
    /// Frames are not followed.
    public func enterFrame(_ message: Message) {}
    /// Frames are not followed.
    public func exitFrame(_ result: FrameResult) {}
}
