import ArgumentParser
import CLABI
import CLHarness
import CLPrimitives

/// `chainlearn call ADDRESS 'fn(types)(returns)' ARGS...`: eth_call and decode the result.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call", abstract: "Call a contract function without sending a transaction (eth_call).",
        discussion: "Scalars are plain text (42, 0x.., true, any text for string); arrays and tuples are JSON.")

    @Argument(help: "The contract address.") var address: String
    @Argument(help: "The function, e.g. 'balanceOf(address)(uint256)'.") var signature: String
    @Argument(parsing: .allUnrecognized, help: "One argument per parameter.") var arguments: [String] = []
    @Option(help: "Block to read (latest, a number, or 0x hex).") var block = "latest"
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let call = try CallSignature(signature)
        let target = try Address(hex: address)
        let data = try call.function.encodeCall(try call.arguments(arguments))
        let client = try options.client
        var request: [(String, JSON)] = [("to", .string(target.hex)), ("data", .string(Hex.encode(data, prefix: true)))]
        if let from = options.from { request.append(("from", .string(try Address(hex: from).hex))) }
        let blockTag: JSON = UInt64(block).map { .string("0x" + String($0, radix: 16)) } ?? .string(block)
        let result: [UInt8]
        do { result = try RPCClient.bytes(try await client.call("eth_call", [.object(request), blockTag])) } catch {
            throw CLIError(error.description)
        }
        guard !call.outputs.isEmpty else {
            options.output(json: .string(Hex.encode(result, prefix: true)), human: Hex.encode(result, prefix: true))
            return
        }
        let values = try ABIDecoder.decode(call.outputs, from: result)
        if options.json {
            print("[" + values.map(\.jsonText).joined(separator: ",") + "]")
        } else {
            for value in values { print(value.jsonText) }
        }
    }
}
