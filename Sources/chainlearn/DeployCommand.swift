import ArgumentParser
import CLABI
import CLHarness
import CLPrimitives
import Foundation

/// `chainlearn deploy ARTIFACT ARGS...`: deploys a compiled contract and prints its address.
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy", abstract: "Deploy a compiled contract (Vyper, solc, Foundry or Hardhat artifact).")

    @Argument(help: "The artifact file.") var artifact: String
    @Argument(parsing: .allUnrecognized, help: "Constructor arguments, one per parameter.") var arguments: [String] = []
    @Option(help: "Contract name, for artifacts holding several.") var contract: String?
    @Option(help: "Wei to send to a payable constructor.") var value = "0"
    @Option(help: "Gas limit (default: estimated).") var gas: UInt64?
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let text: String
        do { text = try String(contentsOfFile: artifact, encoding: .utf8) } catch { throw ValidationError("cannot read \(artifact)") }
        let compiled = try ContractArtifact(text: text, contractName: contract)
        let inputs = compiled.abi.constructorInputs ?? []
        guard arguments.count == inputs.count else {
            throw ValidationError("the constructor takes \(inputs.count) arguments, got \(arguments.count)")
        }
        var values: [ABIValue] = []
        for (text, input) in zip(arguments, inputs) { values.append(try ABIValue(text: text, type: input.type)) }
        let data = compiled.creationBytecode + (try compiled.abi.encodeConstructorArguments(values))
        let sender = try await options.sender()
        do {
            let hash = try await sender.send(to: nil, data: data, value: try parseWei(value), gas: gas)
            let receipt = try await sender.waitForReceipt(hash)
            guard receipt.succeeded, let address = receipt.contractAddress else {
                throw CLIError("deployment \(hash.hex) failed in block \(receipt.blockNumber)")
            }
            options.output(json: .object([("address", .string(address.checksummed)), ("transactionHash", .string(hash.hex)),
                                          ("blockNumber", .int(Int(receipt.blockNumber))), ("gasUsed", .int(Int(receipt.gasUsed)))]),
                           human: "\(compiled.name) deployed at \(address.checksummed) (transaction \(hash.hex), block \(receipt.blockNumber), gas \(receipt.gasUsed))")
        } catch let error as RPCClientError {
            throw CLIError(error.description)
        }
    }
}
