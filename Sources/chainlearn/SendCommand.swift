import ArgumentParser
import CLABI
import CLHarness
import CLPrimitives

/// `chainlearn send ADDRESS 'fn(types)' ARGS...`: sends a transaction and waits for its receipt.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Send a transaction calling a contract function, and wait for the receipt.")

    @Argument(help: "The recipient address.") var address: String
    @Argument(help: "The function, e.g. 'transfer(address,uint256)'; omit for a plain transfer.") var signature: String?
    @Argument(parsing: .allUnrecognized, help: "One argument per parameter.") var arguments: [String] = []
    @Option(help: "Wei to send (decimal, 0x hex, or e.g. '1.5ether', '20gwei').") var value = "0"
    @Option(help: "Gas limit (default: estimated).") var gas: UInt64?
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
            let hash = try await sender.send(to: target, data: data, value: try parseWei(value), gas: gas)
            let receipt = try await sender.waitForReceipt(hash)
            options.output(json: receipt.json, human: "transaction \(hash.hex) \(receipt.succeeded ? "succeeded" : "FAILED (reverted)") in block \(receipt.blockNumber), gas used \(receipt.gasUsed)")
            if !receipt.succeeded { throw ExitCode(1) }
        } catch let error as RPCClientError {
            throw CLIError(error.description)
        }
    }
}
