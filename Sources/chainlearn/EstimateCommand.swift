import ArgumentParser
import CLABI
import CLHarness
import CLPrimitives

/// `chainlearn estimate ADDRESS 'fn(types)' ARGS...`: eth_estimateGas for a call.
struct EstimateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate", abstract: "Estimate the gas a transaction calling a contract function needs.")

    @OptionGroup var call: TransactionCallArguments
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let target = try call.target()
        let data = try call.calldata()
        let sender = try await options.sender()
        do {
            let gas = try await sender.estimateGas(to: target, data: data, value: try call.wei())
            options.output(json: .int(Int(gas)), human: String(gas))
        } catch let error as RPCClientError {
            throw CLIError(error.description)
        }
    }
}
