import CLHarness
import CLPrimitives
import Foundation
import TOMLKit

/// Which tasks a service takes (every check must pass; an empty list allows everything).
public struct TaskFilter: Sendable, Equatable {
    /// Program hashes the service runs; empty: any program.
    public var programs: [Bytes32] = []
    /// The smallest fee a task must escrow (wei).
    public var minimumFee: UInt256 = .zero
    /// The most FPVM steps (one-phase) or graph nodes (two-phase) a task may declare; nil: any.
    public var maximumSteps: UInt256?
    /// The first task id followed (older ones are ignored).
    public var fromTask: UInt64 = 1
    /// Whether two-phase (graph) tasks are taken.
    public var twoPhase = true

    /// A filter allowing every task.
    public init() {}

    /// Why the filter refuses a task with these fields, or nil when it takes it.
    public func refusal(programHash: Bytes32, fee: UInt256, maxSteps: UInt256, isGraph: Bool) -> String? {
        if !programs.isEmpty && !programs.contains(programHash) { return "program \(programHash.hex) is not in the allowed list" }
        if fee < minimumFee { return "fee \(fee) wei is below the minimum \(minimumFee)" }
        if let maximumSteps, maxSteps > maximumSteps { return "step bound \(maxSteps) is over the maximum \(maximumSteps)" }
        if isGraph && !twoPhase { return "two-phase tasks are not taken" }
        return nil
    }
}

/// Everything a validator or submitter service is configured with: by flags, by a TOML file (`--config`), or
/// both (a flag given on the command line wins over the file). docs/ARCHITECTURE.md, "Services", lists the
/// keys.
public struct ServiceConfiguration: Sendable {
    /// The JSON-RPC endpoint.
    public var rpcURL = "http://127.0.0.1:8545"
    /// The signing key (hex); nil: an account of the development mnemonic.
    public var privateKey: String?
    /// The development-mnemonic account index used when no key is given.
    public var account: UInt32 = 0
    /// The TaskMarket address.
    public var market: String?
    /// The phase-transition verifier two-phase tasks must name; nil: two-phase tasks are refused (the agents
    /// stake only on a verifier they trust).
    public var verifier: String?
    /// The AttentionChallenge beside the market whose classes this account is bonded in (validator: answer when
    /// selected; submitter: accuse the validators that did not); nil: none.
    public var attention: String?
    /// Store URLs or directories, asked in order.
    public var stores: [String] = []
    /// Which tasks to take.
    public var filter = TaskFilter()
    /// The transaction fee policy.
    public var fees = FeePolicy()
    /// Tasks fetched and executed at once (moves are sent one at a time, in nonce order).
    public var concurrency = 1
    /// Seconds between passes over the followed tasks.
    public var pollInterval = 1.0
    /// Seconds before a task whose data was missing is fetched again.
    public var retryInterval = 10.0
    /// `HOST:PORT` of the Prometheus endpoint; nil: none.
    public var metricsAddress: String?
    /// The agent's behaviour (`honest`; tests and drills: the dishonest strategies of `chainlearn task`).
    public var strategy = "honest"

    /// The defaults.
    public init() {}

    /// Why a configuration file was refused.
    public struct FileError: Error, CustomStringConvertible, Sendable {
        /// The sentence.
        public let description: String
    }

    /// The file's keys, all optional (kebab-case, as the flags).
    struct FileKeys: Decodable {
        var rpcURL: String?
        var privateKey: String?
        var account: UInt32?
        var market: String?
        var verifier: String?
        var attention: String?
        var stores: [String]?
        var concurrency: Int?
        var pollInterval: Double?
        var retryInterval: Double?
        var metricsAddr: String?
        var strategy: String?
        var tasks: FilterKeys?
        var gas: GasKeys?

        enum CodingKeys: String, CodingKey {
            case rpcURL = "rpc-url", privateKey = "private-key", account, market, verifier, attention, stores, concurrency
            case pollInterval = "poll-interval", retryInterval = "retry-interval", metricsAddr = "metrics-addr", strategy
            case tasks, gas
        }
    }

    /// `[tasks]`.
    struct FilterKeys: Decodable {
        var programs: [String]?
        var minFeeWei: String?
        var maxSteps: String?
        var fromTask: UInt64?
        var twoPhase: Bool?

        enum CodingKeys: String, CodingKey {
            case programs, minFeeWei = "min-fee-wei", maxSteps = "max-steps", fromTask = "from-task", twoPhase = "two-phase"
        }
    }

    /// `[gas]`.
    struct GasKeys: Decodable {
        var maxFeeGwei: UInt64?
        var priorityFeeGwei: UInt64?

        enum CodingKeys: String, CodingKey {
            case maxFeeGwei = "max-fee-gwei", priorityFeeGwei = "priority-fee-gwei"
        }
    }

    /// The configuration in the TOML text `text` (keys it does not set keep their defaults).
    public static func parse(toml text: String) throws(FileError) -> ServiceConfiguration {
        let keys: FileKeys
        do { keys = try TOMLDecoder(strictDecoding: true).decode(FileKeys.self, from: text) } catch {
            throw FileError(description: "invalid TOML configuration: \(error)")
        }
        var configuration = ServiceConfiguration()
        if let value = keys.rpcURL { configuration.rpcURL = value }
        configuration.privateKey = keys.privateKey
        if let value = keys.account { configuration.account = value }
        configuration.market = keys.market
        configuration.verifier = keys.verifier
        configuration.attention = keys.attention
        if let value = keys.stores { configuration.stores = value }
        if let value = keys.concurrency {
            guard value >= 1 else { throw FileError(description: "concurrency must be at least 1") }
            configuration.concurrency = value
        }
        if let value = keys.pollInterval { configuration.pollInterval = value }
        if let value = keys.retryInterval { configuration.retryInterval = value }
        configuration.metricsAddress = keys.metricsAddr
        if let value = keys.strategy { configuration.strategy = value }
        if let tasks = keys.tasks {
            for text in tasks.programs ?? [] {
                guard let hash = try? Bytes32(hex: text) else { throw FileError(description: "tasks.programs: \(text) is not a 32-byte hash") }
                configuration.filter.programs.append(hash)
            }
            if let text = tasks.minFeeWei {
                guard let fee = UInt256(decimal: text) else { throw FileError(description: "tasks.min-fee-wei: \(text) is not a decimal integer") }
                configuration.filter.minimumFee = fee
            }
            if let text = tasks.maxSteps {
                guard let steps = UInt256(decimal: text) else { throw FileError(description: "tasks.max-steps: \(text) is not a decimal integer") }
                configuration.filter.maximumSteps = steps
            }
            if let value = tasks.fromTask { configuration.filter.fromTask = max(1, value) }
            if let value = tasks.twoPhase { configuration.filter.twoPhase = value }
        }
        if let gas = keys.gas {
            configuration.fees.maxFeePerGas = gas.maxFeeGwei.map { UInt256($0) &* UInt256(1_000_000_000 as UInt64) }
            configuration.fees.priorityFeePerGas = gas.priorityFeeGwei.map { UInt256($0) &* UInt256(1_000_000_000 as UInt64) }
        }
        return configuration
    }

    /// The configuration in the TOML file at `path`.
    public static func load(path: String) throws(FileError) -> ServiceConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else { throw FileError(description: "cannot read \(path)") }
        return try parse(toml: String(decoding: data, as: UTF8.self))
    }
}
