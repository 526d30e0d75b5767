import ArgumentParser
import CLCrypto
import CLDispute
import CLHarness
import CLPrimitives
import CLService
import CLStore
import CLTelemetry
import Foundation
import Logging

/// `chainlearn validator run`.
struct ValidatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validator",
        abstract: "The validator service: follows every task, re-executes it from the stores, challenges wrong results, plays every game.",
        subcommands: [ValidatorRunCommand.self])
}

/// `chainlearn submitter run`.
struct SubmitterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submitter",
        abstract: "The submitter service: follows every task, executes it from the stores, commits and reveals results, defends them.",
        subcommands: [SubmitterRunCommand.self])
}

struct ValidatorRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the validator until stopped.")
    @OptionGroup var options: ServiceOptions

    func run() async throws { try await options.runService(validator: true) }
}

struct SubmitterRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the submitter until stopped.")
    @OptionGroup var options: ServiceOptions

    func run() async throws { try await options.runService(validator: false) }
}

/// The services' flags; each one given overrides the same key of `--config`.
struct ServiceOptions: ParsableArguments {
    @Option(help: "A TOML configuration file (keys as the flags: rpc-url, private-key, account, market, verifier, attention, stores, concurrency, poll-interval, retry-interval, metrics-addr, strategy, [tasks] programs/min-fee-wei/max-steps/from-task/two-phase, [gas] max-fee-gwei/priority-fee-gwei).")
    var config: String?
    @Option(help: "JSON-RPC endpoint.") var rpcUrl: String?
    @Option(help: "Sign with this private key (hex).") var privateKey: String?
    @Option(help: "Else sign with this account of the development mnemonic.") var account: UInt32?
    @Option(help: "The TaskMarket address.") var market: String?
    @Option(help: "The phase-transition verifier two-phase tasks must name (without it two-phase tasks are refused).") var verifier: String?
    @Option(help: "The AttentionChallenge this account is bonded in (validator: answers when selected; submitter: accuses the silent).")
    var attention: String?
    @Option(name: .customLong("store"), help: "A store URL or directory (repeatable; asked in order).") var stores: [String] = []
    @Option(name: .customLong("program"), help: "Take only tasks of this program hash (repeatable).") var programs: [String] = []
    @Option(help: "Take only tasks escrowing at least this fee (wei).") var minFeeWei: String?
    @Option(help: "Take only tasks declaring at most this many steps (graph nodes for two-phase tasks).") var maxSteps: String?
    @Option(help: "Ignore tasks before this id.") var fromTask: UInt64?
    @Flag(help: "Refuse two-phase tasks.") var noTwoPhase = false
    @Option(help: "Never pay more than this many gwei per gas.") var maxFeeGwei: UInt64?
    @Option(help: "Tip this many gwei per gas (default: the node's suggestion).") var priorityFeeGwei: UInt64?
    @Option(help: "Tasks fetched and executed at once.") var concurrency: Int?
    @Option(help: "Seconds between passes.") var pollInterval: Double?
    @Option(help: "Seconds before a task with missing data is fetched again.") var retryInterval: Double?
    @Option(help: "HOST:PORT for Prometheus metrics (GET /metrics).") var metricsAddr: String?
    @Option(help: "Log lines as text or json.") var logFormat = "text"
    @Option(help: "Lowest log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"
    @Option(help: "Behaviour (drills and tests): validator honest|lying|lying-from-phase:P|stalling|idle; submitter honest|wrong-output|noise|wrong-state:STEP|wrong-node:K.")
    var strategy: String?

    /// The file's configuration with every given flag applied over it.
    func configuration() throws -> ServiceConfiguration {
        var result: ServiceConfiguration
        do { result = try config.map { path throws(ServiceConfiguration.FileError) in try ServiceConfiguration.load(path: path) } ?? ServiceConfiguration() } catch {
            throw ValidationError("\(error)")
        }
        if let rpcUrl { result.rpcURL = rpcUrl }
        if let privateKey { result.privateKey = privateKey }
        if let account { result.account = account }
        if let market { result.market = market }
        if let verifier { result.verifier = verifier }
        if let attention { result.attention = attention }
        if !stores.isEmpty { result.stores = stores }
        if !programs.isEmpty {
            result.filter.programs = try programs.map { text in
                guard let hash = try? Bytes32(hex: text) else { throw ValidationError("--program \(text) is not a 32-byte hash") }
                return hash
            }
        }
        if let minFeeWei {
            guard let fee = UInt256(decimal: minFeeWei) else { throw ValidationError("--min-fee-wei must be a decimal integer") }
            result.filter.minimumFee = fee
        }
        if let maxSteps {
            guard let steps = UInt256(decimal: maxSteps) else { throw ValidationError("--max-steps must be a decimal integer") }
            result.filter.maximumSteps = steps
        }
        if let fromTask { result.filter.fromTask = max(1, fromTask) }
        if noTwoPhase { result.filter.twoPhase = false }
        if let maxFeeGwei { result.fees.maxFeePerGas = UInt256(maxFeeGwei) &* UInt256(1_000_000_000 as UInt64) }
        if let priorityFeeGwei { result.fees.priorityFeePerGas = UInt256(priorityFeeGwei) &* UInt256(1_000_000_000 as UInt64) }
        if let concurrency {
            guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
            result.concurrency = concurrency
        }
        if let pollInterval { result.pollInterval = pollInterval }
        if let retryInterval { result.retryInterval = retryInterval }
        if let metricsAddr { result.metricsAddress = metricsAddr }
        if let strategy { result.strategy = strategy }
        guard result.pollInterval > 0, result.retryInterval > 0 else { throw ValidationError("intervals must be positive") }
        return result
    }

    func runService(validator: Bool) async throws {
        guard let format = LogFormat(rawValue: logFormat) else { throw ValidationError("--log-format is text or json") }
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("--log-level \(logLevel) is not a swift-log level") }
        let configuration = try configuration()
        let role: ServiceRole
        do {
            role = validator ? try ServiceRole.validator(strategy: configuration.strategy) : try ServiceRole.submitter(strategy: configuration.strategy)
        } catch {
            throw ValidationError("\(error)")
        }
        guard let marketText = configuration.market, let market = try? Address(hex: marketText) else {
            throw ValidationError("a market address is required (--market or market = \"0x…\")")
        }
        var trusted = Address.zero
        if let text = configuration.verifier {
            guard let parsed = try? Address(hex: text) else { throw ValidationError("the verifier must be an address") }
            trusted = parsed
        }
        guard let url = URL(string: configuration.rpcURL), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("the RPC URL must be http(s)")
        }
        let key: PrivateKey
        do {
            if let privateKey = configuration.privateKey {
                key = try PrivateKey(bytes: try Hex.decode(privateKey))
            } else {
                key = try PrivateKey(try HDWallet(mnemonic: HDWallet.developmentMnemonic).accountKey(index: configuration.account))
            }
        } catch {
            throw ValidationError("invalid key: \(error)")
        }
        Telemetry.bootstrapLogging(format: format, level: level)
        let logger = Logger(label: role.name)
        let metrics = ServiceMetrics(role: role.name)
        let stores: StoreClient
        do {
            stores = try StoreClient(configuration.stores) { refusal in
                metrics.storeRefusals.increment()
                logger.warning("store refused: \(refusal)")
            }
        } catch {
            throw ValidationError("\(error)")
        }
        if configuration.stores.isEmpty { logger.warning("no --store given: every task's data will be missing") }
        if let address = configuration.metricsAddress {
            guard let (host, port) = parseHostPort(address) else { throw ValidationError("--metrics-addr must be HOST:PORT") }
            let server = MetricsServer(registry: metrics.registry, host: host, port: port)
            let bound = try server.start()
            logger.info("metrics on http://\(host):\(bound)/metrics")
        }
        let connection = ChainConnection(url: url, key: key, fees: configuration.fees)
        let contracts = try ContractSet()
        var deployment: Deployment?
        while deployment == nil {
            do {
                deployment = try await Deployment.discover(market: market, verifier: trusted, contracts: contracts, through: connection)
            } catch {
                metrics.rpcErrors.increment()
                logger.warning("cannot read the deployment at \(market.hex): \(error); retrying")
                try await Task.sleep(nanoseconds: 2_000_000_000)
            }
        }
        let client = MarketClient(connection: connection, contracts: contracts, deployment: deployment!)
        var attention: AttentionClient?
        if let text = configuration.attention {
            guard let address = try? Address(hex: text) else { throw ValidationError("the attention contract must be an address") }
            attention = AttentionClient(market: client, address: address)
        }
        let service = AgentService(role: role, configuration: configuration, client: client, stores: stores, metrics: metrics,
                                   logger: logger, verifier: trusted, attention: attention)
        await service.run()
    }
}
