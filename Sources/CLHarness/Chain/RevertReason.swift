import CLPrimitives

/// Turns revert data into the message geth and Anvil put in a JSON-RPC error:
/// `execution reverted: <reason>` for `Error(string)`, a panic description for `Panic(uint256)`,
/// and plain `execution reverted` otherwise (custom errors travel in the error's data).
public enum RevertReason {
    /// The message for revert data `output`.
    public static func message(_ output: [UInt8]) -> String {
        if let reason = reason(output) { return "execution reverted: \(reason)" }
        return "execution reverted"
    }

    /// The decoded reason string, if the data is `Error(string)` or `Panic(uint256)`.
    public static func reason(_ output: [UInt8]) -> String? {
        guard output.count >= 4 else { return nil }
        let selector = Array(output[0..<4])
        let body = Array(output.dropFirst(4))
        if selector == [0x08, 0xc3, 0x79, 0xa0], body.count >= 64,
           let offset = UInt256(bigEndianBytes: body[0..<32]).flatMap(\.int), offset <= body.count - 32,
           let length = UInt256(bigEndianBytes: body[offset..<offset + 32]).flatMap(\.int),
           length <= body.count - offset - 32 {
            return String(decoding: body[(offset + 32)..<(offset + 32 + length)], as: UTF8.self)
        }
        if selector == [0x4e, 0x48, 0x7b, 0x71], body.count == 32, let code = UInt256(bigEndianBytes: body)?.uint64 {
            let meaning: String = switch code {
            case 0x01: "assert(false)"
            case 0x11: "arithmetic underflow or overflow"
            case 0x12: "division or modulo by zero"
            case 0x21: "enum overflow"
            case 0x22: "invalid encoded storage byte array accessed"
            case 0x31: "out-of-bounds array access; popping on an empty array"
            case 0x32: "out-of-bounds access of an array or bytesN"
            case 0x41: "out of memory"
            case 0x51: "uninitialized function"
            default: "unknown panic code"
            }
            return "panic: \(meaning) (0x\(String(code, radix: 16, uppercase: false).leftPadded(to: 2)))"
        }
        return nil
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
