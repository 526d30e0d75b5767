import ArgumentParser
import CLABI
import CLCrypto
import CLHarness
import CLPrimitives
import Foundation

/// Options every client command shares: the endpoint, the signer and the output form.
struct ClientOptions: ParsableArguments {
    @Option(help: "JSON-RPC endpoint (any Ethereum node).") var rpcUrl = "http://127.0.0.1:8545"
    @Option(help: "Sign locally with this private key (hex); works against any endpoint.") var privateKey: String?
    @Option(help: "Send from this address, signed by the node (eth_sendTransaction); default: the node's first account.")
    var from: String?
    @Flag(help: "Print JSON instead of human-readable text.") var json = false

    var client: RPCClient {
        get throws {
            guard let url = URL(string: rpcUrl), url.scheme == "http" || url.scheme == "https" else {
                throw ValidationError("--rpc-url must be an http(s) URL, got \(rpcUrl)")
            }
            return RPCClient(url: url)
        }
    }

    /// The signer: --private-key, else --from, else the node's first account.
    func signer(_ client: RPCClient) async throws -> Signer {
        if let privateKey {
            do { return .key(try PrivateKey(bytes: try Hex.decode(privateKey))) } catch {
                throw ValidationError("--private-key must be 32 bytes of hex forming a valid secp256k1 key")
            }
        }
        if let from {
            do { return .node(try Address(hex: from)) } catch { throw ValidationError("--from: \(error)") }
        }
        guard let first = try await client.call("eth_accounts").arrayValue?.first?.stringValue,
              let address = try? Address(hex: first) else {
            throw ValidationError("the node has no unlocked accounts: pass --private-key or --from")
        }
        return .node(address)
    }

    /// The sender for this command.
    func sender() async throws -> TransactionSender {
        let client = try self.client
        return TransactionSender(client: client, signer: try await signer(client))
    }

    /// Prints a JSON value or a human line.
    func output(json value: JSON, human: String) {
        print(json ? value.text : human)
    }
}

/// `name(inputs)(outputs)` split into a function and its output types.
struct CallSignature {
    let function: ABIFunction
    let outputs: [ABIType]

    init(_ text: String) throws {
        var depth = 0
        var end: String.Index? = nil
        for index in text.indices {
            if text[index] == "(" { depth += 1 }
            if text[index] == ")" {
                depth -= 1
                if depth == 0 { end = text.index(after: index); break }
            }
        }
        guard let end else { throw ValidationError("signature must look like 'name(types)' or 'name(types)(returns)'") }
        function = try ABIFunction(signature: String(text[..<end]))
        let rest = String(text[end...])
        outputs = rest.isEmpty ? [] : try ABIType.parseList(rest)
    }

    /// Parses one text argument per input.
    func arguments(_ texts: [String]) throws -> [ABIValue] {
        guard texts.count == function.inputs.count else {
            throw ValidationError("\(function.signature) takes \(function.inputs.count) arguments, got \(texts.count)")
        }
        var values: [ABIValue] = []
        for (text, input) in zip(texts, function.inputs) { values.append(try ABIValue(text: text, type: input.type)) }
        return values
    }
}

/// Parses an amount of wei: decimal, 0x hex, or with an `ether`/`gwei` suffix.
func parseWei(_ text: String) throws -> UInt256 {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    for (suffix, decimals) in [("ether", 18), ("gwei", 9), ("wei", 0)] where trimmed.hasSuffix(suffix) {
        let number = trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = UInt256(decimal: parts[0].isEmpty ? "0" : String(parts[0])) else {
            throw ValidationError("invalid amount \(text)")
        }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= decimals else { throw ValidationError("too many decimals in \(text)") }
        fraction += String(repeating: "0", count: decimals - fraction.count)
        let scale = (0..<decimals).reduce(UInt256.one) { acc, _ in acc &* UInt256(10 as UInt64) }
        guard let fractional = fraction.isEmpty ? UInt256.zero : UInt256(decimal: fraction) else { throw ValidationError("invalid amount \(text)") }
        return whole &* scale &+ fractional
    }
    let value = trimmed.hasPrefix("0x") ? UInt256(hex: trimmed) : UInt256(decimal: trimmed)
    guard let value else { throw ValidationError("invalid amount \(text)") }
    return value
}

extension ABIValue {
    /// The value's JSON text.
    var jsonText: String { json.serialized }
}

/// A failure at run time (the node refused, the call reverted): printed without the usage text.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
