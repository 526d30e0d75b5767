import CLCrypto
import CLDispute
import CLFPVM
import CLHarness
import CLPrimitives
import Foundation
import TestSupport

/// An in-memory dev chain served over JSON-RPC on a free port, with the protocol deployed; agents reach
/// it only through JSON-RPC, as they would any network.
final class Testbed: @unchecked Sendable {
    let chain: DevChain
    let server: RPCServer
    let url: URL
    let contracts: ContractSet
    let deployment: Deployment
    let parameters: MarketParameters
    static let fee = UInt256(500_000_000_000_000_000 as UInt64)

    init(parameters: MarketParameters = MarketParameters(moveTimeout: 600)) async throws {
        var config = DevChainConfig()
        config.databasePath = nil
        config.accountCount = 10
        chain = try DevChain(config: config)
        server = RPCServer(chain: chain)
        let port = try server.start(host: "127.0.0.1", port: 0)
        url = URL(string: "http://127.0.0.1:\(port)")!
        contracts = try ContractSet(directory: Fixtures.repositoryRoot.appendingPathComponent("Contracts/artifacts"))
        self.parameters = parameters
        let deployer = ChainConnection(url: url, key: chain.key(for: chain.accounts[0])!)
        deployment = try await Deployment.deploy(contracts, parameters: parameters, through: deployer)
    }

    deinit { server.stop() }

    /// A client for dev account `index`.
    func client(_ index: Int) -> MarketClient {
        MarketClient(connection: ChainConnection(url: url, key: chain.key(for: chain.accounts[index])!),
                     contracts: contracts, deployment: deployment)
    }

    /// Account `index`.
    func account(_ index: Int) -> Address { chain.accounts[index] }

    /// Registers `spec`'s program and posts it as a task from account 1 with short windows.
    func request(_ spec: TaskSpec, trace: Trace, requester: MarketClient? = nil, maxSteps: UInt64 = 1 << 32) async throws -> UInt64 {
        try await (requester ?? client(1)).request(spec, maxSteps: maxSteps, fee: Testbed.fee, commitWindow: 100,
                                                   revealWindow: 100, challengePeriod: 1000)
    }

    /// Moves the chain clock.
    func advance(_ seconds: UInt64) async throws {
        _ = await client(0).connection.advanceTime(by: seconds)
    }
}

/// The small guest most tests dispute (a few thousand steps), and its honest trace. The hello guest exits
/// with a status derived from its input; the 32-byte input is the first keccak256("fraud proofs #k") whose
/// run exits 0 (the market accepts only results that exit 0).
enum Guests {
    static let hello: TaskSpec = {
        let elf = Array(try! Fixtures.data("fpvm/guests/hello.elf"))
        for k in 0..<4096 {
            let spec = TaskSpec(name: "hello", program: elf, input: Keccak256.hash(Array("fraud proofs #\(k)".utf8)).bytes)
            let vm = try! spec.makeVM()
            try! vm.run(until: 10_000_000)
            if vm.exited && vm.fault == 0 && vm.exitCode == 0 { return spec }
        }
        fatalError("no input makes the hello guest exit 0")
    }()

    static let helloTrace: Trace = try! Trace(spec: hello)
}

extension UInt256 {
    static func wei(_ value: UInt64) -> UInt256 { UInt256(value) }
    static func + (a: UInt256, b: UInt256) -> UInt256 { a &+ b }
}
