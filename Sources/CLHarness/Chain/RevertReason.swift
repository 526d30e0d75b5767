import CLABI
import CLPrimitives

/// The message geth and Anvil put in a JSON-RPC error for revert data, decoded with CLABI:
/// `execution reverted: <reason>` for `Error(string)`, `execution reverted: panic: ...` for
/// `Panic(uint256)`, and plain `execution reverted` otherwise (custom errors travel in the data).
public enum RevertMessage {
    /// The message for revert data `output`.
    public static func message(_ output: [UInt8]) -> String {
        switch RevertReason(data: output) {
        case .error(let reason): "execution reverted: \(reason)"
        case .panic(let code):
            "execution reverted: panic: \(PanicCode(rawValue: code.uint64 ?? .max)?.explanation ?? "unknown panic code") (0x\(String(code.uint64 ?? 0, radix: 16)))"
        default: "execution reverted"
        }
    }
}
