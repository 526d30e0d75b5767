// The ABI value model: one case per type family, nested for arrays and tuples.

import CLPrimitives

/// A value of some `ABIType`, as the encoder takes it and the decoder returns it.
///
/// Integers are 256-bit words: `uint` holds the number, `int` its 256-bit two's complement
/// (so `int8` -1 is `UInt256.max`). `array` serves both `T[]` and `T[k]`; the type says which.
/// `string` compares as Swift strings do (by canonical equivalence), so two values can be equal
/// while their UTF-8 encodings differ; compare encodings where bytes matter.
public indirect enum ABIValue: Hashable, Sendable {
    /// An unsigned integer (`uintN`).
    case uint(UInt256)
    /// A signed integer (`intN`) as 256-bit two's complement.
    case int(UInt256)
    /// An `address`.
    case address(Address)
    /// A `bool`.
    case bool(Bool)
    /// A `bytesN` value: exactly N bytes.
    case fixedBytes([UInt8])
    /// A `bytes` value.
    case bytes([UInt8])
    /// A `string` value.
    case string(String)
    /// The elements of a `T[]` or `T[k]`.
    case array([ABIValue])
    /// The members of a tuple.
    case tuple([ABIValue])

    /// A signed integer value from a Swift `Int`.
    public static func int(_ value: Int) -> ABIValue {
        .int(value < 0 ? UInt256(UInt64(value.magnitude)).negated : UInt256(UInt64(value)))
    }

    /// A short name of the value's family, for error messages.
    public var kindName: String {
        switch self {
        case .uint: return "uint"
        case .int: return "int"
        case .address: return "address"
        case .bool: return "bool"
        case .fixedBytes(let bytes): return "bytes\(bytes.count)"
        case .bytes: return "bytes"
        case .string: return "string"
        case .array(let elements): return "array of \(elements.count)"
        case .tuple(let members): return "tuple of \(members.count)"
        }
    }
}

extension ABIValue {
    /// The unsigned integer, or a typed error for any other case.
    public func asUInt() throws(ABIError) -> UInt256 {
        guard case .uint(let value) = self else { throw .typeMismatch(expected: "uint", found: kindName) }
        return value
    }

    /// The signed integer's two's complement word, or a typed error.
    public func asInt() throws(ABIError) -> UInt256 {
        guard case .int(let value) = self else { throw .typeMismatch(expected: "int", found: kindName) }
        return value
    }

    /// The address, or a typed error.
    public func asAddress() throws(ABIError) -> Address {
        guard case .address(let value) = self else { throw .typeMismatch(expected: "address", found: kindName) }
        return value
    }

    /// The boolean, or a typed error.
    public func asBool() throws(ABIError) -> Bool {
        guard case .bool(let value) = self else { throw .typeMismatch(expected: "bool", found: kindName) }
        return value
    }

    /// The bytes of a `bytesN` or `bytes` value, or a typed error.
    public func asBytes() throws(ABIError) -> [UInt8] {
        switch self {
        case .fixedBytes(let bytes), .bytes(let bytes): return bytes
        default: throw .typeMismatch(expected: "bytes", found: kindName)
        }
    }

    /// The string, or a typed error.
    public func asString() throws(ABIError) -> String {
        guard case .string(let value) = self else { throw .typeMismatch(expected: "string", found: kindName) }
        return value
    }

    /// The elements of an array, or a typed error.
    public func asArray() throws(ABIError) -> [ABIValue] {
        guard case .array(let elements) = self else { throw .typeMismatch(expected: "array", found: kindName) }
        return elements
    }

    /// The members of a tuple, or a typed error.
    public func asTuple() throws(ABIError) -> [ABIValue] {
        guard case .tuple(let members) = self else { throw .typeMismatch(expected: "tuple", found: kindName) }
        return members
    }

    /// A `uintN` with N ≤ 64 as `UInt64`, or a typed error when it does not fit.
    public func asUInt64() throws(ABIError) -> UInt64 {
        guard let value = try asUInt().uint64 else { throw .valueOutOfRange(type: "UInt64") }
        return value
    }

    /// An `intN` with N ≤ 64 as `Int64`, or a typed error when it does not fit.
    public func asInt64() throws(ABIError) -> Int64 {
        let word = try asInt()
        let magnitude = word.magnitude
        guard let low = magnitude.uint64 else { throw .valueOutOfRange(type: "Int64") }
        if word.isNegative {
            guard low <= UInt64(Int64.max) + 1 else { throw .valueOutOfRange(type: "Int64") }
            return low == UInt64(Int64.max) + 1 ? Int64.min : -Int64(low)
        }
        guard low <= UInt64(Int64.max) else { throw .valueOutOfRange(type: "Int64") }
        return Int64(low)
    }
}
