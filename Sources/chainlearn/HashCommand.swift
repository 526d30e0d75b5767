import ArgumentParser
import CLPrimitives

/// `chainlearn keccak TEXT|--hex HEX`: prints the Keccak-256 of its argument.
struct HashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keccak", abstract: "Keccak-256 of text or hex bytes.")

    @Argument(help: "The input (UTF-8 text, or hex with --hex).") var input: String
    @Flag(help: "Treat the input as hex bytes.") var hex = false

    func run() throws {
        let bytes = hex ? try Hex.decode(input) : Array(input.utf8)
        print(Keccak256.hash(bytes).hex)
    }
}
