import CLABI
import CLPrimitives
import Foundation

/// The compiled contracts of the protocol (Contracts/artifacts/*.json, built by Scripts/build-contracts).
public struct ContractSet: Sendable {
    /// PreimageOracle: proven preimage parts the one-step contract reads.
    public let oracle: ContractArtifact
    /// RV32Step: the one-step verifier.
    public let step: ContractArtifact
    /// DisputeGame: the bisection game.
    public let game: ContractArtifact
    /// TaskMarket: tasks, commitments, stakes, finality.
    public let market: ContractArtifact
    /// ZKStubPhaseTransitionVerifier: the (stub) phase-transition check of two-phase games.
    public let verifier: ContractArtifact
    /// AttentionChallenge: bonded validators and the attention challenge (deployed on its own, next to a market).
    public let attention: ContractArtifact

    /// The artifacts directory of this source tree (used when no other is given).
    public static var defaultDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["CHAINLEARN_CONTRACTS"] {
            return URL(fileURLWithPath: override)
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Contracts/artifacts")
        if FileManager.default.fileExists(atPath: cwd.appendingPathComponent("TaskMarket.json").path) { return cwd }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Contracts/artifacts")
    }

    /// Loads the artifacts from `directory`.
    public init(directory: URL = ContractSet.defaultDirectory) throws(DisputeError) {
        func load(_ name: String) throws(DisputeError) -> ContractArtifact {
            let url = directory.appendingPathComponent("\(name).json")
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw .artifact("cannot read \(url.path)") }
            do { return try ContractArtifact(text: text, contractName: name) } catch { throw .artifact("\(url.path): \(error)") }
        }
        oracle = try load("PreimageOracle")
        step = try load("RV32Step")
        game = try load("DisputeGame")
        market = try load("TaskMarket")
        verifier = try load("ZKStubPhaseTransitionVerifier")
        attention = try load("AttentionChallenge")
    }
}

extension ContractArtifact {
    /// The function called `name` (the contracts overload nothing).
    public func function(_ name: String) -> ABIFunction {
        guard let function = abi.functions(named: name).first else { preconditionFailure("\(self.name) has no function \(name)") }
        return function
    }
}

/// Deployment parameters: stakes, the move timeout and the protocol's window floors (seconds).
public struct MarketParameters: Sendable {
    /// Stake a submitter posts with a commitment (wei).
    public var submitterStake: UInt256
    /// Stake a challenger posts to open a game (wei).
    public var challengerStake: UInt256
    /// Seconds each move may take before the mover loses by timeout.
    public var moveTimeout: UInt64
    /// The shortest commit window a task may have.
    public var minCommitWindow: UInt64
    /// The shortest reveal window a task may have.
    public var minRevealWindow: UInt64
    /// The shortest challenge period a task may have; also how long a submission's window reopens after a
    /// game its submitter won.
    public var minChallengePeriod: UInt64

    /// Parameters with the given stakes, timeout and floors.
    public init(submitterStake: UInt256 = UInt256(1_000_000_000_000_000_000 as UInt64),
                challengerStake: UInt256 = UInt256(1_000_000_000_000_000_000 as UInt64), moveTimeout: UInt64 = 300,
                minCommitWindow: UInt64 = 30, minRevealWindow: UInt64 = 30, minChallengePeriod: UInt64 = 60) {
        self.submitterStake = submitterStake
        self.challengerStake = challengerStake
        self.moveTimeout = moveTimeout
        self.minCommitWindow = minCommitWindow
        self.minRevealWindow = minRevealWindow
        self.minChallengePeriod = minChallengePeriod
    }
}

/// Addresses of a deployed protocol.
public struct Deployment: Sendable, Equatable {
    /// PreimageOracle.
    public var oracle: Address
    /// RV32Step.
    public var step: Address
    /// DisputeGame.
    public var game: Address
    /// TaskMarket.
    public var market: Address
    /// The phase-transition verifier two-phase tasks name (the ZK stub; zero when unknown to this client).
    public var verifier: Address

    /// Addresses of the contracts.
    public init(oracle: Address, step: Address, game: Address, market: Address, verifier: Address = .zero) {
        self.oracle = oracle
        self.step = step
        self.game = game
        self.market = market
        self.verifier = verifier
    }

    /// Deploys the five contracts through `connection` and binds the game to the market.
    public static func deploy(_ contracts: ContractSet, parameters: MarketParameters,
                              through connection: ChainConnection) async throws(DisputeError) -> Deployment {
        func create(_ artifact: ContractArtifact, _ arguments: [ABIValue]) async throws(DisputeError) -> Address {
            var code = artifact.creationBytecode
            do { code += try artifact.abi.encodeConstructorArguments(arguments) } catch { throw .decoding("\(artifact.name) constructor: \(error)") }
            let receipt = try await connection.send(nil, nil, [], rawData: code)
            guard let address = receipt.contractAddress else { throw .rpc("no contract address for \(artifact.name)") }
            return address
        }
        let oracle = try await create(contracts.oracle, [])
        let step = try await create(contracts.step, [.address(oracle)])
        let game = try await create(contracts.game, [.address(step), .uint(UInt256(parameters.moveTimeout))])
        let market = try await create(contracts.market, [
            .address(game), .uint(parameters.submitterStake), .uint(parameters.challengerStake),
            .uint(UInt256(parameters.minCommitWindow)), .uint(UInt256(parameters.minRevealWindow)),
            .uint(UInt256(parameters.minChallengePeriod)),
        ])
        try await connection.send(game, contracts.game.function("bindMarket"), [.address(market)])
        let verifier = try await create(contracts.verifier, [.address(market)])
        return Deployment(oracle: oracle, step: step, game: game, market: market, verifier: verifier)
    }
}

extension Deployment {
    /// Finds the other three contracts from the TaskMarket's address (market → game → one-step → oracle); the
    /// phase-transition verifier a party trusts is not the market's to name, so it is given (`verifier`).
    public static func discover(market: Address, verifier: Address = .zero, contracts: ContractSet,
                                through connection: ChainConnection) async throws(DisputeError) -> Deployment {
        func address(_ contract: Address, _ artifact: ContractArtifact, _ getter: String) async throws(DisputeError) -> Address {
            let out = try await connection.call(contract, artifact.function(getter), [])
            return try MarketClient.address(out.first ?? .bool(false))
        }
        let game = try await address(market, contracts.market, "game")
        let step = try await address(game, contracts.game, "stepContract")
        let oracle = try await address(step, contracts.step, "oracle")
        return Deployment(oracle: oracle, step: step, game: game, market: market, verifier: verifier)
    }
}
