/// How much work one JSON-RPC request (or batch) may ask of the node. Each bound is a
/// `chainlearn node` flag (named in brackets); a request past one is answered with a JSON-RPC
/// error naming the limit, and the node does none of the refused work. The defaults follow geth
/// and Anvil where they have a limit (docs/ARCHITECTURE.md, Harness, "Limits on one request's work").
public struct RPCLimits: Sendable {
    /// Requests in one batch (`--max-batch-size`; geth's `BatchRequestLimit` is 1,000).
    public var maxBatchSize = 1000
    /// Gas that the EVM executions of one batch (eth_call, eth_estimateGas, debug_traceTransaction)
    /// may use together (`--max-batch-gas`); once spent, the batch's later executions are refused.
    public var maxBatchGas: UInt64 = 200_000_000
    /// Bytes of one response, a whole batch's included (`--max-response-bytes`; geth caps batch
    /// responses at 25 MB).
    public var maxResponseBytes = 64 * 1024 * 1024
    /// Reward percentiles per eth_feeHistory (`--max-fee-history-percentiles`; geth: 100).
    public var maxRewardPercentiles = 100
    /// Blocks per eth_feeHistory (geth's `maxFeeHistory`: 1,024; larger counts are clamped, as geth does).
    public var maxFeeHistoryBlocks: UInt64 = 1024
    /// Blocks one eth_getLogs query may span (`--max-logs-range`).
    public var maxLogsBlockRange: UInt64 = 100_000
    /// Logs one eth_getLogs query may return (`--max-logs`).
    public var maxLogs = 10_000
    /// Blocks one anvil_mine / evm_mine may mine (`--max-mine-blocks`).
    public var maxMineBlocks = 10_000
    /// Gas one eth_call, eth_estimateGas run or trace may use (`--rpc-gas-cap`; geth's `rpc.gascap`
    /// is 50,000,000). A request asking for more runs with the cap, as geth does.
    public var gasCap: UInt64 = 50_000_000
    /// Estimated bytes one debug_traceTransaction may hold (`--max-trace-bytes`).
    public var maxTraceBytes = 256 * 1024 * 1024
    /// Seconds an installed filter lives without being polled (`--filter-timeout`; geth: 5 minutes).
    public var filterTimeout = 300.0
    /// Filters installed at once (`--max-filters`).
    public var maxFilters = 10_000
    /// Unread entries one filter may gather before it is removed (`--max-filter-entries`).
    public var maxFilterEntries = 100_000
    /// Subscriptions one WebSocket connection may hold; the connection asking for more is closed
    /// (`--max-subscriptions`).
    public var maxSubscriptionsPerConnection = 1000

    /// The defaults.
    public init() {}

    /// -32005, "limit exceeded" (EIP-1474): a request asked for more than a limit allows.
    static func exceeded(_ message: String) -> RPCError { RPCError(code: -32005, message: message) }
}

/// Gas executed on behalf of one HTTP request (a single call or a whole batch), so that a batch of
/// heavy calls is cut off once it has used its budget. One meter serves one request at a time.
public final class ExecutionMeter: @unchecked Sendable {
    /// Gas used so far.
    public private(set) var gasUsed: UInt64 = 0

    /// A meter at zero.
    public init() {}

    /// Adds `gas`.
    public func charge(_ gas: UInt64) { gasUsed = gasUsed.addingReportingOverflow(gas).overflow ? .max : gasUsed + gas }
}
