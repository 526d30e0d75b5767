// Strict standard ABI decoding: every offset and length is checked, every padding bit must be clean.

import CLPrimitives

/// Decodes the Solidity ABI v2 encoding, rejecting anything a conforming encoder cannot produce
/// in a value's own bytes:
///
/// - offsets that point outside the data or back into the head of their own sequence (a conforming
///   encoder puts every dynamic value in the tail), lengths larger than the data that remains;
/// - set bits above the width of `uintN`, `address`, `bool`, non-sign-extended `intN`;
/// - non-zero bytes after the N bytes of `bytesN` and after the data of `bytes`/`string`;
/// - `string` that is not UTF-8.
///
/// Trailing bytes after the last value are allowed, as Solidity allows them. Nothing is allocated
/// for a length before the data is known to hold that many elements, and a node budget
/// (one value per byte of input, plus slack) stops encodings whose offsets alias one another from
/// expanding into an exponential tree.
public enum ABIDecoder {
    /// Decodes the sequence `types` (function arguments or return values) from `data`.
    public static func decode(_ types: [ABIType], from data: [UInt8]) throws(ABIError) -> [ABIValue] {
        var cursor = DecodingCursor(data: data)
        return try cursor.decodeSequence(count: types.count, typeAt: { types[$0] }, base: 0,
                                         headLength: types.reduce(0) { $0 + $1.headSize })
    }

    /// Decodes one value encoded as a one-element sequence.
    public static func decode(_ type: ABIType, from data: [UInt8]) throws(ABIError) -> ABIValue {
        try decode([type], from: data)[0]
    }

    /// Checks the 4-byte `selector` at the start of `calldata` and decodes the arguments after it.
    public static func decodeCall(selector: [UInt8], _ types: [ABIType], from calldata: [UInt8]) throws(ABIError)
        -> [ABIValue] {
        guard calldata.count >= 4, Array(calldata[0..<4]) == selector else {
            throw .selectorMismatch(expected: Hex.encode(selector), found: Hex.encode(calldata.prefix(4)))
        }
        return try decode(types, from: Array(calldata[4...]))
    }
}

/// The decoder's state: the data and the remaining node budget.
struct DecodingCursor {
    let data: [UInt8]
    var budget: Int

    init(data: [UInt8]) {
        self.data = data
        self.budget = data.count + 64
    }

    mutating func spend() throws(ABIError) {
        budget -= 1
        guard budget >= 0 else { throw .decodingBudgetExceeded }
    }

    /// The word at `position`, or `truncated`.
    func word(at position: Int) throws(ABIError) -> UInt256 {
        guard position >= 0, position <= data.count - 32 else {
            throw .truncated(offset: position, needed: 32, available: max(0, data.count - max(position, 0)))
        }
        return data.withUnsafeBytes { raw in UInt256(Bytes32(copying: UnsafeRawBufferPointer(rebasing: raw[position...]))) }
    }

    /// A word read as a non-negative `Int` no larger than the data size, or `error`.
    func smallNumber(at position: Int, error: ABIError) throws(ABIError) -> Int {
        let value = try word(at: position)
        guard let number = value.uint64, number <= UInt64(data.count) else { throw error }
        return Int(number)
    }

    /// Decodes `count` values whose head starts at `base` and is `headLength` bytes long. A dynamic
    /// value's offset must point past the head (into the tail) and leave room for at least one word.
    mutating func decodeSequence(count: Int, typeAt: (Int) -> ABIType, base: Int,
                                 headLength: Int) throws(ABIError) -> [ABIValue] {
        var values: [ABIValue] = []
        values.reserveCapacity(count)
        var headPosition = base
        for index in 0..<count {
            let type = typeAt(index)
            if type.isDynamic {
                let offset = try smallNumber(at: headPosition, error: .offsetOutOfRange(at: headPosition))
                let target = base + offset
                guard offset >= headLength, target <= data.count - 32 else { throw .offsetOutOfRange(at: headPosition) }
                values.append(try decodeValue(type, at: target))
            } else {
                values.append(try decodeValue(type, at: headPosition))
            }
            headPosition += type.headSize
        }
        return values
    }

    mutating func decodeValue(_ type: ABIType, at position: Int) throws(ABIError) -> ABIValue {
        try spend()
        switch type {
        case .uint(let bits):
            let value = try word(at: position)
            guard value.bitWidth <= bits else { throw .dirtyBits(type: type.canonicalName, at: position) }
            return .uint(value)
        case .int(let bits):
            let value = try word(at: position)
            guard ABIEncoder.fitsSigned(value, bits: bits) else { throw .dirtyBits(type: type.canonicalName, at: position) }
            return .int(value)
        case .address:
            let value = try word(at: position)
            guard let address = Address(exactly: value.bytes32) else {
                throw .dirtyBits(type: "address", at: position)
            }
            return .address(address)
        case .bool:
            let value = try word(at: position)
            guard value.bitWidth <= 1 else { throw .dirtyBits(type: "bool", at: position) }
            return .bool(value == .one)
        case .fixedBytes(let size):
            _ = try word(at: position)
            guard data[(position + size)..<(position + 32)].allSatisfy({ $0 == 0 }) else {
                throw .dirtyBits(type: type.canonicalName, at: position)
            }
            return .fixedBytes(Array(data[position..<(position + size)]))
        case .bytes:
            return .bytes(try lengthPrefixedBytes(at: position, type: type))
        case .string:
            let bytes = try lengthPrefixedBytes(at: position, type: type)
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8(at: position) }
            return .string(text)
        case .array(let element):
            let count = try smallNumber(at: position, error: .lengthOutOfRange(at: position))
            let base = position + 32
            let needed = count.multipliedReportingOverflow(by: max(element.headSize, 32))
            guard !needed.overflow, needed.partialValue <= data.count - base else { throw .lengthOutOfRange(at: position) }
            return .array(try decodeSequence(count: count, typeAt: { _ in element }, base: base,
                                             headLength: count * element.headSize))
        case .fixedArray(let element, let count):
            let needed = count.multipliedReportingOverflow(by: element.headSize)
            guard !needed.overflow, needed.partialValue <= data.count - position else {
                throw .truncated(offset: position, needed: needed.partialValue, available: data.count - position)
            }
            return .array(try decodeSequence(count: count, typeAt: { _ in element }, base: position,
                                             headLength: needed.partialValue))
        case .tuple(let members):
            return .tuple(try decodeSequence(count: members.count, typeAt: { members[$0] }, base: position,
                                             headLength: type.isDynamic ? members.reduce(0) { $0 + $1.headSize }
                                                 : type.headSize))
        }
    }

    /// The data of a `bytes`/`string` at `position`: length word, data, zero padding to a word.
    func lengthPrefixedBytes(at position: Int, type: ABIType) throws(ABIError) -> [UInt8] {
        let length = try smallNumber(at: position, error: .lengthOutOfRange(at: position))
        let start = position + 32
        let padded = (length + 31) / 32 * 32
        guard padded <= data.count - start else { throw .lengthOutOfRange(at: position) }
        guard data[(start + length)..<(start + padded)].allSatisfy({ $0 == 0 }) else {
            throw .dirtyBits(type: type.canonicalName, at: start + length)
        }
        return Array(data[start..<(start + length)])
    }
}
