// Reading ABI values from JSON or command-line text, and writing them as JSON.
//
// The JSON form of a value: integers as JSON numbers or strings (decimal, `-` for negatives, or
// `0x` hex); `address` as 40 hex digits (mixed case must carry a valid EIP-55 checksum); `bytesN`
// and `bytes` as `0x` hex strings; `bool` as true/false; `string` as a JSON string; arrays and
// tuples as JSON arrays.

import CLPrimitives

extension ABIValue {
    /// Reads a value of `type` from its JSON form, checking ranges and sizes.
    public init(json: JSONValue, type: ABIType) throws(ABIError) {
        func mismatch() -> ABIError { .invalidArgument(type: type.canonicalName, text: json.serialized) }
        switch type {
        case .uint, .int, .address, .fixedBytes, .bytes:
            switch json {
            case .number(let text), .string(let text): self = try ABIValue(text: text, type: type)
            default: throw mismatch()
            }
        case .bool:
            guard case .bool(let flag) = json else { throw mismatch() }
            self = .bool(flag)
        case .string:
            guard case .string(let text) = json else { throw mismatch() }
            self = .string(text)
        case .array(let element):
            guard case .array(let items) = json else { throw mismatch() }
            var values: [ABIValue] = []
            for item in items { values.append(try ABIValue(json: item, type: element)) }
            self = .array(values)
        case .fixedArray(let element, let count):
            guard case .array(let items) = json else { throw mismatch() }
            guard items.count == count else {
                throw .wrongElementCount(type: type.canonicalName, expected: count, found: items.count)
            }
            var values: [ABIValue] = []
            for item in items { values.append(try ABIValue(json: item, type: element)) }
            self = .array(values)
        case .tuple(let members):
            guard case .array(let items) = json else { throw mismatch() }
            guard items.count == members.count else {
                throw .wrongElementCount(type: type.canonicalName, expected: members.count, found: items.count)
            }
            var values: [ABIValue] = []
            for (item, member) in zip(items, members) { values.append(try ABIValue(json: item, type: member)) }
            self = .tuple(values)
        }
    }

    /// Reads a value from command-line text: scalars as plain text (`42`, `-1`, `0xab..`, `true`,
    /// any text for `string`), arrays and tuples as JSON (`[1,2]`, `["0x..",[true]]`).
    public init(text: String, type: ABIType) throws(ABIError) {
        func invalid() -> ABIError { .invalidArgument(type: type.canonicalName, text: text) }
        switch type {
        case .uint(let bits):
            let isHex = text.hasPrefix("0x") || text.hasPrefix("0X")
            guard let value = isHex ? UInt256(hex: text) : UInt256(decimal: text) else { throw invalid() }
            guard value.bitWidth <= bits else { throw .valueOutOfRange(type: type.canonicalName) }
            self = .uint(value)
        case .int(let bits):
            let negative = text.hasPrefix("-")
            let digits = negative ? text.dropFirst() : Substring(text)
            let isHex = digits.hasPrefix("0x") || digits.hasPrefix("0X")
            guard let magnitude = isHex ? UInt256(hex: digits) : UInt256(decimal: digits) else { throw invalid() }
            let word = negative ? magnitude.negated : magnitude
            guard word.isNegative == (negative && !magnitude.isZero), ABIEncoder.fitsSigned(word, bits: bits) else {
                throw .valueOutOfRange(type: type.canonicalName)
            }
            self = .int(word)
        case .address:
            guard let address = try? Address(hex: text) else { throw invalid() }
            self = .address(address)
        case .bool:
            switch text {
            case "true", "1": self = .bool(true)
            case "false", "0": self = .bool(false)
            default: throw invalid()
            }
        case .fixedBytes(let size):
            guard let bytes = try? Hex.decode(text) else { throw invalid() }
            guard bytes.count == size else { throw .wrongByteCount(type: type.canonicalName, expected: size, found: bytes.count) }
            self = .fixedBytes(bytes)
        case .bytes:
            guard let bytes = try? Hex.decode(text) else { throw invalid() }
            self = .bytes(bytes)
        case .string:
            self = .string(text)
        case .array, .fixedArray, .tuple:
            guard let json = try? JSONValue(parsing: text) else { throw invalid() }
            self = try ABIValue(json: json, type: type)
        }
    }

    /// The JSON form of the value (integers as JSON numbers in decimal, negatives with `-`).
    public var json: JSONValue {
        switch self {
        case .uint(let value): return .number(value.decimalString)
        case .int(let word): return .number(word.isNegative ? "-" + word.negated.decimalString : word.decimalString)
        case .address(let address): return .string(address.hex)
        case .bool(let flag): return .bool(flag)
        case .fixedBytes(let bytes), .bytes(let bytes): return .string(Hex.encode(bytes))
        case .string(let text): return .string(text)
        case .array(let elements), .tuple(let elements): return .array(elements.map(\.json))
        }
    }
}
