import ArgumentParser
import CLABI
import CLHarness
import CLPrimitives

/// `chainlearn estimate ADDRESS 'fn(types)' ARGS...`: eth_estimateGas for a call.
struct EstimateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate", abstract: "Estimate the gas a transaction calling a contract function needs.")

    @Argument(help: "The recipient address.") var address: String
    @Argument(help: "The function, e.g. 'transfer(address,uint256)'; omit for a plain transfer.") var signature: String?
    @Argument(parsing: .allUnrecognized, help: "One argument per parameter.") var arguments: [String] = []
    @Option(help: "Wei to send.") var value = "0"
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let target = try Address(hex: address)
        var data: [UInt8] = []
        if let signature {
            let call = try CallSignature(signature)
            data = try call.function.encodeCall(try call.arguments(arguments))
        }
        let sender = try await options.sender()
        do {
            let gas = try await sender.estimateGas(to: target, data: data, value: try parseWei(value))
            options.output(json: .int(Int(gas)), human: String(gas))
        } catch let error as RPCClientError {
            throw CLIError(error.description)
        }
    }
}
