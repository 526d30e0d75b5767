// Standard (non-packed) ABI encoding: the head/tail layout of the Solidity ABI specification.

import CLPrimitives

/// Encodes values by the Solidity ABI v2 rules.
///
/// A sequence of values (function arguments, a tuple, the elements of an array) is encoded as a
/// head followed by a tail: static values sit in the head in place; each dynamic value puts a
/// 32-byte offset (from the start of the sequence's head) in the head and its encoding in the tail.
/// The encoder writes into one growing buffer and patches offsets once a tail element starts.
public enum ABIEncoder {
    /// Encodes `values` as the sequence `types` (as function arguments are encoded).
    public static func encode(_ values: [ABIValue], as types: [ABIType]) throws(ABIError) -> [UInt8] {
        guard values.count == types.count else {
            throw .wrongElementCount(type: ABIType.canonicalList(types), expected: types.count, found: values.count)
        }
        var out: [UInt8] = []
        out.reserveCapacity(types.reduce(0) { $0 &+ $1.headSize })
        try encodeSequence(count: types.count, typeAt: { types[$0] }, values: values, into: &out)
        return out
    }

    /// Encodes one value as a one-element sequence (the encoding of `(T)`).
    public static func encode(_ value: ABIValue, as type: ABIType) throws(ABIError) -> [UInt8] {
        try encode([value], as: [type])
    }

    /// `selector ‖ encode(values)`: calldata for a function call.
    public static func encodeCall(selector: [UInt8], _ values: [ABIValue], as types: [ABIType]) throws(ABIError)
        -> [UInt8] {
        var out = selector
        out.append(contentsOf: try encode(values, as: types))
        return out
    }

    /// Appends a head/tail sequence. `typeAt(i)` is the type of element `i` (one type for array elements).
    static func encodeSequence(count: Int, typeAt: (Int) -> ABIType, values: [ABIValue],
                               into out: inout [UInt8]) throws(ABIError) {
        let start = out.count
        var pendingTails: [(index: Int, headPosition: Int)] = []
        for index in 0..<count {
            let type = typeAt(index)
            if type.isDynamic {
                pendingTails.append((index, out.count))
                appendWord(.zero, to: &out)
            } else {
                try encodeValue(values[index], as: type, into: &out)
            }
        }
        for (index, headPosition) in pendingTails {
            writeWord(UInt256(out.count - start), at: headPosition, in: &out)
            try encodeValue(values[index], as: typeAt(index), into: &out)
        }
    }

    /// Appends the encoding of one value: in place for a static type, the tail part for a dynamic one.
    static func encodeValue(_ value: ABIValue, as type: ABIType, into out: inout [UInt8]) throws(ABIError) {
        switch (type, value) {
        case (.uint(let bits), .uint(let number)):
            guard number.bitWidth <= bits else { throw .valueOutOfRange(type: type.canonicalName) }
            appendWord(number, to: &out)
        case (.int(let bits), .int(let word)):
            guard fitsSigned(word, bits: bits) else { throw .valueOutOfRange(type: type.canonicalName) }
            appendWord(word, to: &out)
        case (.address, .address(let address)):
            address.word.withUnsafeBytes { out.append(contentsOf: $0) }
        case (.bool, .bool(let flag)):
            appendWord(flag ? .one : .zero, to: &out)
        case (.fixedBytes(let size), .fixedBytes(let bytes)):
            guard bytes.count == size else {
                throw .wrongByteCount(type: type.canonicalName, expected: size, found: bytes.count)
            }
            appendPadded(bytes, to: &out)
        case (.bytes, .bytes(let bytes)):
            appendWord(UInt256(bytes.count), to: &out)
            appendPadded(bytes, to: &out)
        case (.string, .string(let text)):
            let bytes = Array(text.utf8)
            appendWord(UInt256(bytes.count), to: &out)
            appendPadded(bytes, to: &out)
        case (.array(let element), .array(let elements)):
            appendWord(UInt256(elements.count), to: &out)
            try encodeSequence(count: elements.count, typeAt: { _ in element }, values: elements, into: &out)
        case (.fixedArray(let element, let size), .array(let elements)):
            guard elements.count == size else {
                throw .wrongElementCount(type: type.canonicalName, expected: size, found: elements.count)
            }
            try encodeSequence(count: size, typeAt: { _ in element }, values: elements, into: &out)
        case (.tuple(let members), .tuple(let memberValues)):
            guard members.count == memberValues.count else {
                throw .wrongElementCount(type: type.canonicalName, expected: members.count, found: memberValues.count)
            }
            try encodeSequence(count: members.count, typeAt: { members[$0] }, values: memberValues, into: &out)
        default:
            throw .typeMismatch(expected: type.canonicalName, found: value.kindName)
        }
    }

    /// Whether a two's complement word is the sign extension of its low `bits` bits.
    @inlinable static func fitsSigned(_ word: UInt256, bits: Int) -> Bool {
        bits >= 256 || UInt256(bits / 8 - 1).signextend(word) == word
    }

    /// Appends a big-endian word.
    @inlinable static func appendWord(_ word: UInt256, to out: inout [UInt8]) {
        word.bytes32.withUnsafeBytes { out.append(contentsOf: $0) }
    }

    /// Overwrites 32 bytes at `position` with a big-endian word.
    @inlinable static func writeWord(_ word: UInt256, at position: Int, in out: inout [UInt8]) {
        word.bytes32.withUnsafeBytes { raw in
            for index in 0..<32 { out[position + index] = raw[index] }
        }
    }

    /// Appends bytes and zero padding up to a multiple of 32.
    @inlinable static func appendPadded(_ bytes: [UInt8], to out: inout [UInt8]) {
        out.append(contentsOf: bytes)
        let remainder = bytes.count % 32
        if remainder != 0 { out.append(contentsOf: repeatElement(0, count: 32 - remainder)) }
    }
}
