import CLPrimitives
import Foundation
import Testing
import TestSupport

/// Conversions of `UInt256` against `Fixtures/uint256/conversions.txt` (hex and decimal text written by
/// Python), round trips through bytes and `Bytes32`, and rejection of malformed text.
@Suite struct UInt256ConversionTests {
    struct Line: Sendable, CustomTestStringConvertible {
        let hexQuantity: String
        let decimal: String
        var testDescription: String { hexQuantity }
    }

    static func lines() throws -> [Line] {
        let text = String(decoding: try Fixtures.data("uint256/conversions.txt"), as: UTF8.self)
        return text.split(separator: "\n").map { line in
            let fields = line.split(separator: " ")
            return Line(hexQuantity: String(fields[0]), decimal: String(fields[1]))
        }
    }

    @Test func fixtureHasEveryValue() throws {
        #expect(try Self.lines().count == 400)
    }

    @Test func textConversionsMatchPython() throws {
        for line in try Self.lines() {
            let value = try #require(UInt256(hex: line.hexQuantity), "\(line.hexQuantity) did not parse")
            #expect(value.hexQuantity == line.hexQuantity)
            #expect(value.decimalString == line.decimal, "decimal of \(line.hexQuantity)")
            #expect(value.description == line.decimal)
            #expect(UInt256(decimal: line.decimal) == value, "parsing \(line.decimal)")
            // The same value in upper case, with 0X, without prefix, and zero-padded to 64 digits.
            let digits = line.hexQuantity.dropFirst(2)
            #expect(UInt256(hex: "0X" + digits.uppercased()) == value)
            #expect(UInt256(hex: digits) == value)
            let padded = String(repeating: "0", count: 64 - digits.count) + digits
            #expect(UInt256(hex: padded) == value)
            #expect(value.bytes32.hex == "0x" + padded)
            // Leading zeros in decimal are accepted.
            #expect(UInt256(decimal: "000" + line.decimal) == value)
        }
    }

    @Test func byteRoundTrips() throws {
        for line in try Self.lines() {
            let value = try #require(UInt256(hex: line.hexQuantity))
            #expect(UInt256(value.bytes32) == value)
            #expect(value.bigEndianBytes == value.bytes32.bytes)
            #expect(UInt256(bigEndianBytes: value.bigEndianBytes) == value)
            let minimal = value.minimalBigEndianBytes
            #expect(minimal.count == value.byteWidth)
            #expect(minimal.first != 0, "minimal encoding of \(line.hexQuantity) has a leading zero")
            #expect(UInt256(bigEndianBytes: minimal) == value)
            let bytes32 = try Bytes32(hex: value.bytes32.hex)
            #expect(UInt256(bytes32) == value)
            let expectedBits = minimal.isEmpty ? 0 : (minimal.count - 1) * 8 + (8 - minimal[0].leadingZeroBitCount)
            #expect(value.bitWidth == expectedBits)
        }
    }

    @Test func intConversions() throws {
        #expect(UInt256(42 as Int).int == 42)
        #expect(UInt256(UInt64.max).uint64 == UInt64.max)
        #expect(UInt256(UInt64.max).int == nil)
        #expect(UInt256(UInt64.max).clampedInt == Int.max)
        #expect(UInt256(w0: 0, w1: 1, w2: 0, w3: 0).uint64 == nil)
        #expect(UInt256.max.clampedInt == Int.max)
        #expect(UInt256(UInt64(Int.max)).int == Int.max)
    }

    static let badHex = ["", "0x", "0X", "x12", "0x0x1", "12g4", " 1", "1 ", "-1", "+1", "0x1_000",
                         "0x" + String(repeating: "f", count: 65), String(repeating: "0", count: 65), "０x1"]

    @Test(arguments: badHex)
    func badHexIsNil(_ text: String) {
        #expect(UInt256(hex: text) == nil)
    }

    /// 2^256 (computed with Python: 2**256) is one past the largest word.
    static let badDecimal = ["", "-1", "+1", "1a", " 1", "1 ", "0x10", "1.5", "1e3", "١",
                             "115792089237316195423570985008687907853269984665640564039457584007913129639936",
                             "1157920892373161954235709850086879078532699846656405640394575840079131296399350"]

    @Test(arguments: badDecimal)
    func badDecimalIsNil(_ text: String) {
        #expect(UInt256(decimal: text) == nil)
    }

    @Test func tooManyBytesIsNil() {
        #expect(UInt256(bigEndianBytes: [UInt8](repeating: 0, count: 33)) == nil)
        #expect(UInt256(bigEndianBytes: [UInt8](repeating: 0xff, count: 33)) == nil)
        #expect(UInt256(bigEndianBytes: [UInt8]()) == .zero)
    }
}
