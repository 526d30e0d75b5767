// Small conversions that generated bindings call (see `SwiftBindingsGenerator`).

import CLPrimitives

/// Conversions between `ABIValue` and the Swift types generated bindings expose.
public enum ABIBindingSupport {
    /// The elements of an array value, each converted by `element`.
    public static func array<T>(_ value: ABIValue, _ element: (ABIValue) throws(ABIError) -> T) throws(ABIError) -> [T] {
        let items = try value.asArray()
        var out: [T] = []
        out.reserveCapacity(items.count)
        for item in items { out.append(try element(item)) }
        return out
    }

    /// The members of a tuple value, checked to number exactly `count`.
    public static func tuple(_ value: ABIValue, count: Int) throws(ABIError) -> [ABIValue] {
        let members = try value.asTuple()
        guard members.count == count else {
            throw .wrongElementCount(type: "tuple", expected: count, found: members.count)
        }
        return members
    }

    /// A `uintN` (N ≤ 64) value as a fixed-width Swift integer.
    public static func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ value: ABIValue, as: T.Type) throws(ABIError) -> T {
        let number = try value.asUInt64()
        guard let result = T(exactly: number) else { throw .valueOutOfRange(type: "\(T.self)") }
        return result
    }

    /// An `intN` (N ≤ 64) value as a fixed-width Swift integer.
    public static func signed<T: FixedWidthInteger & SignedInteger>(_ value: ABIValue, as: T.Type) throws(ABIError) -> T {
        let number = try value.asInt64()
        guard let result = T(exactly: number) else { throw .valueOutOfRange(type: "\(T.self)") }
        return result
    }

    /// An unsigned Swift integer as a `uint` value.
    public static func uint<T: FixedWidthInteger & UnsignedInteger>(_ number: T) -> ABIValue {
        .uint(UInt256(UInt64(number)))
    }

    /// A signed Swift integer as an `int` value.
    public static func int<T: FixedWidthInteger & SignedInteger>(_ number: T) -> ABIValue {
        .int(Int(number))
    }

    /// A `bytes32` value as `Bytes32`.
    public static func bytes32(_ value: ABIValue) throws(ABIError) -> Bytes32 {
        let bytes = try value.asBytes()
        guard let word = Bytes32(bytes: bytes) else { throw .wrongByteCount(type: "bytes32", expected: 32, found: bytes.count) }
        return word
    }

    /// The single value of a one-element result list.
    public static func single(_ values: [ABIValue]) throws(ABIError) -> ABIValue {
        guard values.count == 1 else { throw .wrongElementCount(type: "result", expected: 1, found: values.count) }
        return values[0]
    }

    /// The Swift value of an event argument that must be a value (not a hashed topic).
    public static func eventValue(_ argument: DecodedEventArgument) throws(ABIError) -> ABIValue {
        guard case .value(let value) = argument else { throw .typeMismatch(expected: "value", found: "hashed topic") }
        return value
    }

    /// The hash of an indexed event argument whose value is not in the log.
    public static func eventTopic(_ argument: DecodedEventArgument) throws(ABIError) -> Bytes32 {
        guard case .hashedTopic(let topic) = argument else { throw .typeMismatch(expected: "hashed topic", found: "value") }
        return topic
    }

    /// The arguments of custom-error revert data after checking its selector.
    public static func errorArguments(_ data: [UInt8], selector: [UInt8], types: [ABIType]) throws(ABIError) -> [ABIValue] {
        try ABIDecoder.decodeCall(selector: selector, types, from: data)
    }
}
