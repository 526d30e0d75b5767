// Decoding revert data: `Error(string)`, `Panic(uint256)` and custom errors from an ABI.

import CLPrimitives

/// What a reverted call's return data says.
public enum RevertReason: Hashable, Sendable {
    /// No return data (`revert()` or an out-of-gas style failure).
    case empty
    /// `Error(string)`: `require(cond, "message")` / `revert("message")`.
    case error(String)
    /// `Panic(uint256)`: a compiler-inserted check failed; see `PanicCode`.
    case panic(UInt256)
    /// A custom error declared in the ABI, with its decoded arguments.
    case custom(ABIErrorDefinition, [ABIValue])
    /// Data that matches none of the above (or is malformed for the selector it starts with).
    case unrecognized([UInt8])

    /// The selector of `Error(string)`.
    public static let errorSelector = abiSelector("Error(string)")
    /// The selector of `Panic(uint256)`.
    public static let panicSelector = abiSelector("Panic(uint256)")

    /// Decodes revert data, matching custom errors against `abi` when given. Never throws: data that
    /// does not decode is `unrecognized`.
    public init(data: [UInt8], abi: ContractABI? = nil) {
        guard !data.isEmpty else { self = .empty; return }
        guard data.count >= 4 else { self = .unrecognized(data); return }
        let selector = Array(data[0..<4])
        let arguments = Array(data[4...])
        if selector == RevertReason.errorSelector, let value = try? ABIDecoder.decode(.string, from: arguments),
           case .string(let message) = value {
            self = .error(message)
        } else if selector == RevertReason.panicSelector, let value = try? ABIDecoder.decode(.uint256, from: arguments),
                  case .uint(let code) = value {
            self = .panic(code)
        } else if let definition = abi?.error(selector: selector),
                  let values = try? ABIDecoder.decode(definition.inputs.map(\.type), from: arguments) {
            self = .custom(definition, values)
        } else {
            self = .unrecognized(data)
        }
    }

    /// A one-line human description, e.g. `Panic(0x11: arithmetic overflow or underflow)`.
    public var summary: String {
        switch self {
        case .empty: return "reverted without data"
        case .error(let message): return "Error(\"\(message)\")"
        case .panic(let code):
            let name = PanicCode(rawValue: code.uint64 ?? .max)?.explanation ?? "unknown panic code"
            return "Panic(0x\(String(code.uint64 ?? 0, radix: 16)): \(name))"
        case .custom(let definition, let values):
            return definition.name + "(" + values.map(\.json.serialized).joined(separator: ", ") + ")"
        case .unrecognized(let data): return "unrecognized revert data " + Hex.encode(data)
        }
    }
}

/// The codes of `Panic(uint256)` that Solidity emits.
public enum PanicCode: UInt64, Hashable, Sendable, CaseIterable {
    /// Generic compiler-inserted panic.
    case generic = 0x00
    /// `assert` failed.
    case assertionFailed = 0x01
    /// Arithmetic overflow or underflow outside `unchecked`.
    case arithmeticOverflow = 0x11
    /// Division or modulo by zero.
    case divisionByZero = 0x12
    /// Conversion of an out-of-range value to an enum.
    case invalidEnumValue = 0x21
    /// Access to an incorrectly encoded storage byte array.
    case invalidStorageByteArray = 0x22
    /// `pop()` on an empty array.
    case popOnEmptyArray = 0x31
    /// Array index out of bounds.
    case indexOutOfBounds = 0x32
    /// Too much memory allocated, or an array too large.
    case outOfMemory = 0x41
    /// Call of a zero-initialised internal function variable.
    case invalidInternalFunction = 0x51

    /// What the code means.
    public var explanation: String {
        switch self {
        case .generic: return "generic compiler panic"
        case .assertionFailed: return "assertion failed"
        case .arithmeticOverflow: return "arithmetic overflow or underflow"
        case .divisionByZero: return "division or modulo by zero"
        case .invalidEnumValue: return "invalid enum conversion"
        case .invalidStorageByteArray: return "invalid storage byte array encoding"
        case .popOnEmptyArray: return "pop on empty array"
        case .indexOutOfBounds: return "array index out of bounds"
        case .outOfMemory: return "out of memory (allocation too large)"
        case .invalidInternalFunction: return "call to zero-initialised internal function"
        }
    }
}
