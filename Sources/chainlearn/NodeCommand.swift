import ArgumentParser
import CLEVM
import CLHarness
import CLPrimitives
import Foundation

/// `chainlearn node`: runs the local dev chain and serves Ethereum JSON-RPC.
struct NodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run the local dev chain with Ethereum JSON-RPC (Anvil/Hardhat-compatible accounts).")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port: UInt16 = 8545
    @Option(help: "SQLite database holding the chain.") var db = "chainlearn-chain.db"
    @Flag(help: "Keep the chain in memory only (nothing persisted).") var inMemory = false
    @Option(help: "EIP-155 chain id.") var chainId: UInt64 = 31337
    @Option(help: "BIP-39 mnemonic of the funded accounts.") var mnemonic = HDWallet.developmentMnemonic
    @Option(help: "Number of funded accounts.") var accounts = 10
    @Option(help: "Initial balance of each account, in ether.") var balance: UInt64 = 10_000
    @Option(help: "Block gas limit.") var gasLimit: UInt64 = 30_000_000
    @Option(help: "Fork the chain runs: cancun, prague or osaka (the newest by default, as Anvil).")
    var hardfork: Hardfork = .newest
    @Option(help: "EIP-6110: the contract whose DepositEvent logs become deposit requests (Prague and later).")
    var depositContract = DepositRequests.mainnetContract.checksummed
    @Option(help: "Mine a block every N seconds instead of one per transaction.") var blockTime: Double?
    @Flag(help: "fsync every block (survives power loss, slower).") var syncFull = false
    @Option(help: "Largest request body accepted, in bytes.") var maxBodyBytes = 5 * 1024 * 1024
    @Flag(help: "Print nothing but the listening line.") var quiet = false
    @Option(help: "Most HTTP connections open at once.") var maxConnections = 4096
    @Option(help: "Most HTTP connections one client address may hold (0: no limit).") var maxConnectionsPerClient = 0
    @Option(help: "Seconds a keep-alive connection may stay idle.") var httpIdleTimeout = 15.0
    @Option(help: "Seconds a client has to send a whole request head.") var httpHeaderTimeout = 10.0
    @Option(help: "Seconds a client has to send a whole request body.") var httpBodyTimeout = 30.0
    @Option(help: "Largest request head (request line and header fields), in bytes.") var maxHeaderBytes = HTTPServerLimits().maxHeaderBytes
    @Option(help: "Threads that run JSON-RPC requests (socket I/O runs on one event loop per core).") var rpcThreads = HTTPServerLimits().workerThreads
    @Option(help: "Bytes that may wait unread for one WebSocket client before it is closed.")
    var wsMaxQueuedBytes = HTTPServerLimits().webSocketMaxQueuedBytes
    @OptionGroup(title: "Limits on one request's work (docs/ARCHITECTURE.md)") var limits: NodeLimitOptions

    func run() throws {
        var config = DevChainConfig()
        config.chainID = chainId
        config.mnemonic = mnemonic
        config.accountCount = accounts
        config.initialBalance = UInt256Ether.wei(ether: balance)
        config.gasLimit = gasLimit
        config.databasePath = inMemory ? nil : db
        config.synchronousFull = syncFull
        config.hardfork = hardfork
        do { config.depositContract = try Address(hex: depositContract) } catch {
            throw CLIError("--deposit-contract \(depositContract): \(error)")
        }
        let chain: DevChain
        do { chain = try DevChain(config: config) } catch { throw CLIError("cannot open the chain: \(error)") }
        let server = RPCServer(chain: chain, limits: limits.rpcLimits)
        let bound: UInt16
        var http = HTTPServerLimits()
        http.maxBodyBytes = maxBodyBytes
        http.maxHeaderBytes = max(1024, maxHeaderBytes)
        http.maxConnections = max(1, maxConnections)
        http.maxConnectionsPerClient = max(0, maxConnectionsPerClient)
        http.idleTimeout = max(0.5, httpIdleTimeout)
        http.headerTimeout = max(0.5, httpHeaderTimeout)
        http.bodyTimeout = max(0.5, httpBodyTimeout)
        http.workerThreads = max(1, rpcThreads)
        http.webSocketMaxQueuedBytes = max(64 * 1024, wsMaxQueuedBytes)
        NodeCommand.raiseOpenFileLimit(toFit: http.maxConnections)
        do { bound = try server.start(host: host, port: port, httpLimits: http) } catch {
            throw CLIError("cannot listen on \(host):\(port): \(error)")
        }
        if let blockTime { server.startIntervalMining(seconds: blockTime) }
        if !quiet {
            print("chainlearn node: chain id \(chainId), hardfork \(hardfork), head block \(chain.blockNumber), \(inMemory ? "in memory" : "database \(db)")")
            print("Available accounts (mnemonic: \(mnemonic)):")
            for (i, address) in chain.accounts.enumerated() {
                let key = chain.key(for: address).map { $0.secret.hex } ?? ""
                print("(\(i)) \(address.checksummed)  key \(key)")
            }
        }
        print("Listening on \(host):\(bound)")
        fflush(nil)
        signal(SIGPIPE, SIG_IGN)
        // SIGINT/SIGTERM end the process; every acknowledged block is already committed.
        while true { sleep(3600) }
    }
}

extension NodeCommand {
    /// Raises the soft open-files limit towards the hard one so that `connections` sockets fit (a
    /// common default soft limit, 1,024, is below `--max-connections`); a refusal leaves it as it is.
    static func raiseOpenFileLimit(toFit connections: Int) {
        #if os(Linux)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return }
        let wanted = rlim_t(connections + 256)
        guard limit.rlim_cur < wanted else { return }
        limit.rlim_cur = min(wanted, limit.rlim_max)
        _ = setrlimit(resource, &limit)
    }
}

/// The `chainlearn node` flags that bound the work of one request; defaults as `RPCLimits`'.
struct NodeLimitOptions: ParsableArguments {
    @Option(help: "Most requests in one batch.") var maxBatchSize = RPCLimits().maxBatchSize
    @Option(help: "Most gas the EVM runs of one batch may use together.") var maxBatchGas = RPCLimits().maxBatchGas
    @Option(help: "Largest response (a whole batch's included), in bytes.") var maxResponseBytes = RPCLimits().maxResponseBytes
    @Option(help: "Most reward percentiles per eth_feeHistory.") var maxFeeHistoryPercentiles = RPCLimits().maxRewardPercentiles
    @Option(help: "Most blocks one eth_getLogs query may span.") var maxLogsRange = RPCLimits().maxLogsBlockRange
    @Option(help: "Most logs one eth_getLogs query may return.") var maxLogs = RPCLimits().maxLogs
    @Option(help: "Most blocks one anvil_mine/evm_mine may mine.") var maxMineBlocks = RPCLimits().maxMineBlocks
    @Option(help: "Most gas for one eth_call, eth_estimateGas run or trace.") var rpcGasCap = RPCLimits().gasCap
    @Option(help: "Most estimated bytes one debug_traceTransaction may hold.") var maxTraceBytes = RPCLimits().maxTraceBytes
    @Option(help: "Seconds an installed filter lives without being polled.") var filterTimeout = RPCLimits().filterTimeout
    @Option(help: "Most filters installed at once.") var maxFilters = RPCLimits().maxFilters
    @Option(help: "Most unread entries one filter may gather before it is removed.") var maxFilterEntries = RPCLimits().maxFilterEntries
    @Option(help: "Most subscriptions one WebSocket connection may hold (more: the connection is closed).")
    var maxSubscriptions = RPCLimits().maxSubscriptionsPerConnection

    /// The limits these flags give.
    var rpcLimits: RPCLimits {
        var limits = RPCLimits()
        limits.maxBatchSize = max(1, maxBatchSize)
        limits.maxBatchGas = maxBatchGas
        limits.maxResponseBytes = max(1024, maxResponseBytes)
        limits.maxRewardPercentiles = max(0, maxFeeHistoryPercentiles)
        limits.maxLogsBlockRange = max(1, maxLogsRange)
        limits.maxLogs = max(0, maxLogs)
        limits.maxMineBlocks = max(1, maxMineBlocks)
        limits.gasCap = max(21_000, rpcGasCap)
        limits.maxTraceBytes = max(0, maxTraceBytes)
        limits.filterTimeout = max(0.1, filterTimeout)
        limits.maxFilters = max(1, maxFilters)
        limits.maxFilterEntries = max(1, maxFilterEntries)
        limits.maxSubscriptionsPerConnection = max(1, maxSubscriptions)
        return limits
    }
}
