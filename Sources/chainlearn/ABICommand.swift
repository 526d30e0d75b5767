import ArgumentParser
import CLABI
import CLPrimitives
import Foundation

/// `chainlearn abi ...`: ABI encoding, decoding and Swift bindings from compiler artifacts.
struct ABICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abi", abstract: "Solidity ABI: encode calldata, decode data, generate Swift bindings.",
        subcommands: [Encode.self, Decode.self, Bindings.self])

    /// `chainlearn abi encode 'fn(types)' ARGS...`
    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encode calldata for 'name(types)' (or bare '(types)' without a selector).",
            discussion: "Scalars are plain text (42, -1, 0x.., true, any text for string); arrays and tuples are JSON.")

        @Argument(help: "The function signature, e.g. 'transfer(address,uint256)', or '(types)'.") var signature: String
        @Argument(parsing: .allUnrecognized, help: "One argument per parameter.") var arguments: [String] = []

        func run() throws {
            let isBare = signature.hasPrefix("(")
            let function = try ABIFunction(signature: isBare ? "f" + signature : signature)
            guard arguments.count == function.inputs.count else {
                throw ValidationError("\(function.signature) takes \(function.inputs.count) arguments, got \(arguments.count)")
            }
            var values: [ABIValue] = []
            for (text, input) in zip(arguments, function.inputs) { values.append(try ABIValue(text: text, type: input.type)) }
            let encoded = isBare ? try ABIEncoder.encode(values, as: function.inputTypes) : try function.encodeCall(values)
            print(Hex.encode(encoded))
        }
    }

    /// `chainlearn abi decode 'types' HEX`
    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode HEX as '(types)' (or as calldata of 'name(types)', checking the selector); prints JSON.")

        @Argument(help: "Types, e.g. '(uint256,string)', or a signature 'name(types)' for calldata.") var types: String
        @Argument(help: "The encoded data in hex.") var hex: String

        func run() throws {
            let data = try Hex.decode(hex)
            let values: [ABIValue]
            if types.hasPrefix("(") {
                values = try ABIDecoder.decode(ABIType.parseList(types), from: data)
            } else {
                values = try ABIFunction(signature: types).decodeCall(data)
            }
            print(JSONValue.array(values.map(\.json)).serialized)
        }
    }

    /// `chainlearn abi bindings ARTIFACT --name NAME [--out FILE]`
    struct Bindings: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate typed Swift bindings from an ABI or a compiler artifact.",
            discussion: "ARTIFACT: a JSON ABI array, Vyper combined_json or -f abi,bytecode,bytecode_runtime output, "
                + "solc standard JSON output, or a Foundry or Hardhat artifact.")

        @Argument(help: "The artifact or ABI file.") var artifact: String
        @Option(help: "The Swift struct name.") var name: String
        @Option(help: "Which contract of a multi-contract artifact (default: the only one).") var contract: String?
        @Option(help: "Write to this file instead of standard output.") var out: String?

        func run() throws {
            let text = try String(contentsOfFile: artifact, encoding: .utf8)
            let abi: ContractABI
            if case .array = try? JSONValue(parsing: text) {
                abi = try ContractABI(json: text)
            } else {
                abi = try ContractArtifact(text: text, contractName: contract).abi
            }
            let source = SwiftBindingsGenerator.generate(contractName: name, abi: abi)
            if let out {
                try source.write(toFile: out, atomically: true, encoding: .utf8)
            } else {
                print(source, terminator: "")
            }
        }
    }
}
