import ArgumentParser
import CLHarness
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
    @Option(help: "Mine a block every N seconds instead of one per transaction.") var blockTime: Double?
    @Flag(help: "fsync every block (survives power loss, slower).") var syncFull = false
    @Option(help: "Largest request body accepted, in bytes.") var maxBodyBytes = 5 * 1024 * 1024
    @Flag(help: "Print nothing but the listening line.") var quiet = false

    func run() throws {
        var config = DevChainConfig()
        config.chainID = chainId
        config.mnemonic = mnemonic
        config.accountCount = accounts
        config.initialBalance = UInt256Ether.wei(ether: balance)
        config.gasLimit = gasLimit
        config.databasePath = inMemory ? nil : db
        config.synchronousFull = syncFull
        let chain: DevChain
        do { chain = try DevChain(config: config) } catch { throw CLIError("cannot open the chain: \(error)") }
        let server = RPCServer(chain: chain)
        let bound: UInt16
        do { bound = try server.start(host: host, port: port, maxBodyBytes: maxBodyBytes) } catch {
            throw CLIError("cannot listen on \(host):\(port): \(error)")
        }
        if let blockTime { server.startIntervalMining(seconds: blockTime) }
        if !quiet {
            print("chainlearn node: chain id \(chainId), head block \(chain.blockNumber), \(inMemory ? "in memory" : "database \(db)")")
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
