import CLPrimitives

/// The EVM: runs message calls and creates against a journaled `WorldState` under one fork's rules.
///
/// One `EVM` runs the transactions of one block in turn (`TransactionProcessor` drives it).
/// Deep call chains recurse on the native stack: run it on a thread with at least
/// 64 MiB of stack when calls may nest to the 1024 limit.
public final class EVM {
    /// The journaled state the EVM reads and changes.
    public let state: WorldState
    /// The block being executed.
    public var block: BlockEnvironment
    /// The running transaction's origin, gas price and blob hashes.
    public var context: TransactionContext
    /// Receives every step when set (EIP-3155 tracing).
    public var tracer: (any EVMTracer)?
    /// The fork's rules (opcode table, precompiles, transaction rules), fixed for the EVM's life.
    public let rules: ForkRules

    var stacks: [UnsafeMutablePointer<UInt256>] = []
    var analyses: [Bytes32: AnalyzedCode] = [:]
    var pendingTrace: TraceStep?
    /// The traits table packed for the step loop: static gas (bits 0-31), the least stack
    /// height allowed before the instruction (bits 32-47) and the most (bits 48-63).
    let packedTraits: UnsafeMutablePointer<UInt64>
    /// True when the fork's table defines CLZ (0x1e).
    let clzDefined: Bool

    /// Stack limit in items.
    public static let stackLimit = 1024
    /// Maximum call depth.
    public static let maxCallDepth = 1024
    /// EIP-170 limit on deployed code.
    public static let maxCodeSize = 24_576
    /// EIP-3860 limit on initcode.
    public static let maxInitcodeSize = 49_152

    /// Creates an EVM over `state` for `block` under `rules` (Cancun unless given: the library keeps
    /// its original behaviour; the dev chain and the CLI choose their own default).
    public init(state: WorldState, block: BlockEnvironment, context: TransactionContext, rules: ForkRules = .cancun) {
        self.state = state
        self.block = block
        self.context = context
        self.rules = rules
        clzDefined = rules.opcodes[0x1e].isDefined
        packedTraits = .allocate(capacity: 256)
        for (op, row) in rules.opcodes.enumerated() {
            let minimum = UInt64(row.stackIn)
            let maximum = UInt64(EVM.stackLimit - max(0, Int(row.stackGrowth)))
            packedTraits[op] = UInt64(UInt16(row.staticGas)) | minimum << 32 | maximum << 48
        }
    }

    deinit {
        for s in stacks { s.deallocate() }
        packedTraits.deallocate()
    }

    /// The block's blob base fee under the fork's blob schedule (BLOBBASEFEE, blob transactions).
    public var blobBaseFee: UInt256 { rules.blobs.baseFee(excessBlobGas: block.excessBlobGas) }

    /// The 1024-word stack for frames at `depth`, allocated once and reused.
    func stackBuffer(depth: Int) -> UnsafeMutablePointer<UInt256> {
        while stacks.count <= depth {
            stacks.append(.allocate(capacity: EVM.stackLimit + 1))
        }
        return stacks[depth]
    }

    /// Jump analysis of `code`, cached by code hash.
    func analysis(of account: AccountState) -> AnalyzedCode {
        if let a = account.analysis { return a }
        if let cached = analyses[account.codeHash] {
            account.analysis = cached
            return cached
        }
        let fresh = AnalyzedCode(account.code)
        analyses[account.codeHash] = fresh
        account.analysis = fresh
        return fresh
    }
}
