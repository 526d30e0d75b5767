import ArgumentParser
import CLABI
import CLPrimitives

/// The positional arguments `send` and `estimate` share: `ADDRESS ['fn(types)' ARGS...]`.
struct TransactionCallArguments: ParsableArguments {
    @Argument(help: "The recipient address.") var address: String
    @Argument(help: "The function, e.g. 'transfer(address,uint256)'; omit for a plain transfer.") var signature: String?
    @Argument(parsing: .allUnrecognized, help: "One argument per parameter.") var arguments: [String] = []
    @Option(help: "Wei to send (decimal, 0x hex, or e.g. '1.5ether', '20gwei').") var value = "0"

    /// The recipient.
    func target() throws -> Address { try Address(hex: address) }

    /// The ABI-encoded call (empty for a plain transfer).
    func calldata() throws -> [UInt8] {
        guard let signature else { return [] }
        let call = try CallSignature(signature)
        return try call.function.encodeCall(try call.arguments(arguments))
    }

    /// The value in wei.
    func wei() throws -> UInt256 { try parseWei(value) }
}
