import ArgumentParser
import CLHarness
import CLPrimitives

/// `chainlearn receipt TXHASH`: prints a transaction's receipt.
struct ReceiptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "receipt", abstract: "Show a transaction's receipt.")

    @Argument(help: "The transaction hash.") var hash: String
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let txHash = try Bytes32(hex: hash)
        let client = try options.client
        let result: JSON
        do { result = try await client.call("eth_getTransactionReceipt", [.string(txHash.hex)]) } catch {
            throw CLIError(error.description)
        }
        guard !result.isNull else { throw CLIError("no receipt for \(txHash.hex) (unknown or still pending)") }
        let receipt = try ClientReceipt(json: result)
        if options.json { print(result.text); return }
        print("transaction  \(txHash.hex)")
        print("status       \(receipt.succeeded ? "success (1)" : "failed (0)")")
        print("block        \(receipt.blockNumber)")
        print("from         \(result["from"]?.stringValue ?? "")")
        print("to           \(result["to"]?.stringValue ?? "(contract creation)")")
        if let address = receipt.contractAddress { print("contract     \(address.checksummed)") }
        print("gas used     \(receipt.gasUsed)")
        print("logs         \(result["logs"]?.arrayValue?.count ?? 0)")
        for (i, log) in (result["logs"]?.arrayValue ?? []).enumerated() {
            let topics = (log["topics"]?.arrayValue ?? []).compactMap(\.stringValue)
            print("  [\(i)] \(log["address"]?.stringValue ?? "") topics \(topics.joined(separator: " ")) data \(log["data"]?.stringValue ?? "")")
        }
    }
}
