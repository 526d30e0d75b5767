import ArgumentParser
import CLABI
import CLHarness
import CLPrimitives

/// `chainlearn send ADDRESS 'fn(types)' ARGS...`: sends a transaction and waits for its receipt.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Send a transaction calling a contract function, and wait for the receipt.")

    @OptionGroup var call: TransactionCallArguments
    @Option(help: "Gas limit (default: estimated).") var gas: UInt64?
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let target = try call.target()
        let data = try call.calldata()
        let sender = try await options.sender()
        do {
            let hash = try await sender.send(to: target, data: data, value: try call.wei(), gas: gas)
            let receipt = try await sender.waitForReceipt(hash)
            options.output(json: receipt.json, human: "transaction \(hash.hex) \(receipt.succeeded ? "succeeded" : "FAILED (reverted)") in block \(receipt.blockNumber), gas used \(receipt.gasUsed)")
            if !receipt.succeeded { throw ExitCode(1) }
        } catch let error as RPCClientError {
            throw CLIError(error.description)
        }
    }
}
