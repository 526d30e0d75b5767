// Solidity's non-standard packed mode (`abi.encodePacked`).

import CLPrimitives

extension ABIEncoder {
    /// `abi.encodePacked`: elementary values in their minimal width with no padding (`uint16` is two
    /// bytes, `address` twenty, `bool` one, `bytes`/`string` raw); array elements padded to a word each.
    /// Tuples, nested arrays and arrays of `bytes`/`string` are not defined in packed mode and throw.
    public static func encodePacked(_ values: [ABIValue], as types: [ABIType]) throws(ABIError) -> [UInt8] {
        guard values.count == types.count else {
            throw .wrongElementCount(type: ABIType.canonicalList(types), expected: types.count, found: values.count)
        }
        var out: [UInt8] = []
        for (value, type) in zip(values, types) {
            switch type {
            case .array(let element), .fixedArray(let element, _):
                guard element.isValueType else { throw .unsupportedPackedType(type.canonicalName) }
                let elements = try value.asArray()
                if case .fixedArray(_, let count) = type, elements.count != count {
                    throw .wrongElementCount(type: type.canonicalName, expected: count, found: elements.count)
                }
                for item in elements { try encodeValue(item, as: element, into: &out) }
            case .tuple:
                throw .unsupportedPackedType(type.canonicalName)
            case .bytes:
                guard case .bytes(let bytes) = value else { throw .typeMismatch(expected: "bytes", found: value.kindName) }
                out.append(contentsOf: bytes)
            case .string:
                out.append(contentsOf: Array(try value.asString().utf8))
            case .fixedBytes:
                var word: [UInt8] = []
                try encodeValue(value, as: type, into: &word)
                guard case .fixedBytes(let size) = type else { break }
                out.append(contentsOf: word[0..<size])
            case .uint(let bits), .int(let bits):
                var word: [UInt8] = []
                try encodeValue(value, as: type, into: &word)
                out.append(contentsOf: word[(32 - bits / 8)...])
            case .address:
                var word: [UInt8] = []
                try encodeValue(value, as: type, into: &word)
                out.append(contentsOf: word[12...])
            case .bool:
                out.append(try value.asBool() ? 1 : 0)
            }
        }
        return out
    }
}
