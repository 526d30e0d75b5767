/// The integer element types a tensor can hold. Every value is carried as an `Int32` in memory;
/// the element type fixes the legal range (values are saturated into it) and the width used when
/// the tensor is encoded and hashed.
public enum DType: UInt8, Sendable {
    /// Signed 8-bit, range -128...127, one byte per element.
    case int8 = 1
    /// Signed 16-bit, range -32768...32767, two bytes per element.
    case int16 = 2
    /// Signed 32-bit, the full `Int32` range, four bytes per element.
    case int32 = 4

    /// Bytes per element in the encoding.
    @inlinable public var width: Int { Int(rawValue) }

    /// The smallest value of the type.
    @inlinable public var minValue: Int32 {
        switch self {
        case .int8: return -128
        case .int16: return -32768
        case .int32: return Int32.min
        }
    }

    /// The largest value of the type.
    @inlinable public var maxValue: Int32 {
        switch self {
        case .int8: return 127
        case .int16: return 32767
        case .int32: return Int32.max
        }
    }

    /// Saturates a 64-bit value into this type's range.
    @inlinable public func saturate(_ value: Int64) -> Int32 {
        if value < Int64(minValue) { return minValue }
        if value > Int64(maxValue) { return maxValue }
        return Int32(truncatingIfNeeded: value)
    }
}
