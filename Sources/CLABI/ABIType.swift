// The Solidity ABI type model: elementary types, arrays and tuples, and their layout properties.

/// A Solidity ABI type (`uint256`, `bytes`, `(address,uint256[])[2]`, ...).
///
/// Arrays and tuples nest arbitrarily. A type is *dynamic* when its encoding has no fixed size
/// (`bytes`, `string`, `T[]`, and any tuple or `T[k]` holding a dynamic type); a dynamic value is
/// placed in the tail of its enclosing sequence and referenced by a 32-byte offset in the head.
public indirect enum ABIType: Hashable, Sendable {
    /// `uintN`, N in 8...256 step 8.
    case uint(bits: Int)
    /// `intN`, N in 8...256 step 8 (two's complement).
    case int(bits: Int)
    /// `address`: 20 bytes, left-padded like `uint160`.
    case address
    /// `bool`: the word 0 or 1.
    case bool
    /// `bytesN`, N in 1...32: right-padded to a word.
    case fixedBytes(Int)
    /// `bytes`: length-prefixed, right-padded.
    case bytes
    /// `string`: UTF-8, encoded like `bytes`.
    case string
    /// `T[]`: length-prefixed sequence of `T`.
    case array(ABIType)
    /// `T[k]`: exactly `k` values of `T` (k ≥ 1), encoded like a tuple of k elements.
    case fixedArray(ABIType, Int)
    /// `(T1,...,Tn)`: a tuple (Solidity struct).
    case tuple([ABIType])

    /// `uint256`, the most common type.
    public static let uint256 = ABIType.uint(bits: 256)
    /// `int256`.
    public static let int256 = ABIType.int(bits: 256)
    /// `bytes32`.
    public static let bytes32 = ABIType.fixedBytes(32)

    /// Whether the type's encoding has no fixed size (it lives in the tail and is referenced by offset).
    public var isDynamic: Bool {
        switch self {
        case .uint, .int, .address, .bool, .fixedBytes: return false
        case .bytes, .string, .array: return true
        case .fixedArray(let element, _): return element.isDynamic
        case .tuple(let members): return members.contains { $0.isDynamic }
        }
    }

    /// The number of bytes the type takes in the head of an enclosing sequence:
    /// 32 for a dynamic type (its offset), otherwise the full static encoding size.
    public var headSize: Int {
        switch self {
        case .uint, .int, .address, .bool, .fixedBytes, .bytes, .string, .array: return 32
        case .fixedArray(let element, let count):
            return element.isDynamic ? 32 : element.headSize.multipliedReportingOverflow(by: count).partialValue
        case .tuple(let members):
            return members.contains { $0.isDynamic } ? 32 : members.reduce(0) { $0 &+ $1.headSize }
        }
    }

    /// Whether the type is elementary and fits one word (uint, int, address, bool, bytesN).
    public var isValueType: Bool {
        switch self {
        case .uint, .int, .address, .bool, .fixedBytes: return true
        default: return false
        }
    }

    /// The canonical type name used in signatures: `uint256`, `bytes32`, `(address,uint256[])[2]`.
    public var canonicalName: String {
        switch self {
        case .uint(let bits): return "uint\(bits)"
        case .int(let bits): return "int\(bits)"
        case .address: return "address"
        case .bool: return "bool"
        case .fixedBytes(let count): return "bytes\(count)"
        case .bytes: return "bytes"
        case .string: return "string"
        case .array(let element): return element.canonicalName + "[]"
        case .fixedArray(let element, let count): return element.canonicalName + "[\(count)]"
        case .tuple(let members): return ABIType.canonicalList(members)
        }
    }

    /// `(T1,T2,...)`: the canonical names of `types`, comma-separated in parentheses.
    public static func canonicalList(_ types: [ABIType]) -> String {
        var out = "("
        for (index, type) in types.enumerated() {
            if index > 0 { out += "," }
            out += type.canonicalName
        }
        return out + ")"
    }

    /// The nesting depth: 0 for elementary types, 1 + the deepest member for arrays and tuples.
    public var depth: Int {
        switch self {
        case .uint, .int, .address, .bool, .fixedBytes, .bytes, .string: return 0
        case .array(let element), .fixedArray(let element, _): return 1 + element.depth
        case .tuple(let members): return 1 + (members.map(\.depth).max() ?? 0)
        }
    }
}

extension ABIType: CustomStringConvertible {
    /// The canonical type name.
    public var description: String { canonicalName }
}
