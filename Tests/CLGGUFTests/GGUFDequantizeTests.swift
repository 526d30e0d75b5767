import CLGGUF
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// Exact dequantization of the formats in hand-built blocks, and the binary16/binary32 decoding rules.
@Suite struct GGUFDequantizeTests {
    @Test func float16AndFloat32DecodeExactly() throws {
        #expect(Dyadic(float16Bits: 0x3C00) == Dyadic(mantissa: 1024, exponent: -10))   // 1
        #expect(Dyadic(float16Bits: 0xBC00) == Dyadic(mantissa: -1024, exponent: -10))  // -1
        #expect(Dyadic(float16Bits: 0x0001) == Dyadic(mantissa: 1, exponent: -24))      // smallest subnormal
        #expect(Dyadic(float16Bits: 0x7C00) == nil && Dyadic(float16Bits: 0x7E00) == nil)
        #expect(Dyadic(float32Bits: 0x3FC0_0000)?.fixedPoint(fractionBits: 1) == 3)       // 1.5
        #expect(Dyadic(float32Bits: 0x0000_0001) == Dyadic(mantissa: 1, exponent: -149))
        #expect(Dyadic(float32Bits: 0x7F80_0000) == nil)
    }

    @Test func fixedPointRoundsHalfAwayFromZero() {
        #expect(Dyadic(mantissa: 5, exponent: -1).fixedPoint(fractionBits: 0) == 3)      // 2.5 → 3
        #expect(Dyadic(mantissa: -5, exponent: -1).fixedPoint(fractionBits: 0) == -3)
        #expect(Dyadic(mantissa: 3, exponent: -2).fixedPoint(fractionBits: 0) == 1)      // 0.75 → 1
        #expect(Dyadic(mantissa: 1, exponent: -2).fixedPoint(fractionBits: 0) == 0)
        #expect(Dyadic(mantissa: 1, exponent: 70).fixedPoint(fractionBits: 0) == nil)
        #expect(Dyadic(mantissa: 1, exponent: -200).fixedPoint(fractionBits: 16) == 0)
    }

    @Test func sampleTensorsDequantize() throws {
        let b = sampleFile()
        let f = try GGUFFile(parsing: b.bytes)
        try b.bytes.withUnsafeBytes { buf in
            let norm = try #require(f.tensor("norm"))
            let nv = try GGUFDequantize.values(f.data(of: norm, in: buf), type: norm.type, count: norm.elementCount)
            #expect(nv.allSatisfy { $0.fixedPoint(fractionBits: 4) == 24 })
            let embd = try #require(f.tensor("embd"))
            let ev = try GGUFDequantize.values(f.data(of: embd, in: buf), type: embd.type, count: embd.elementCount)
            #expect((0..<32).allSatisfy { ev[$0].fixedPoint(fractionBits: 1) == Int64($0 - 16) })
            #expect(ev[32...].allSatisfy { $0.mantissa == 0 })
            let w = try #require(f.tensor("w"))
            let wv = try GGUFDequantize.values(f.data(of: w, in: buf), type: w.type, count: w.elementCount)
            for j in 0..<16 {
                #expect(wv[j].fixedPoint(fractionBits: 0) == Int64(2 * j - 1))
                #expect(wv[16 + j].fixedPoint(fractionBits: 0) == Int64(2 * (15 - j) - 1))
            }
        }
    }

    @Test func q4_0UsesOffsetEight() throws {
        var block: [UInt8] = [0x00, 0x3C]  // d = 1
        block += (0..<16).map { UInt8($0) | 0xF0 }
        let v = try block.withUnsafeBytes { try GGUFDequantize.values($0, type: .q4_0, count: 32) }
        #expect((0..<16).allSatisfy { v[$0].fixedPoint(fractionBits: 0) == Int64($0 - 8) })
        #expect(v[16...].allSatisfy { $0.fixedPoint(fractionBits: 0) == 7 })
    }

    @Test func nonFiniteScaleAndUnsupportedTypeAreTyped() {
        var block = [UInt8](repeating: 0, count: 34)
        block[1] = 0x7C
        #expect(throws: GGUFError.self) { try block.withUnsafeBytes { try GGUFDequantize.values($0, type: .q8_0, count: 32) } }
        let k = [UInt8](repeating: 0, count: 176)
        #expect(throws: GGUFError(.unsupportedOperation("dequantize Q5_K"), at: 0)) {
            try k.withUnsafeBytes { try GGUFDequantize.values($0, type: GGMLType(rawValue: 13)!, count: 256) }
        }
    }

    /// Seeded random blocks of every dequantized block type (Fixtures/gguf/quant-vectors.json, written by
    /// Scripts/gguf_quant_vectors.py): the exact values rounded once to binary32 equal gguf-py's float32 results.
    @Test func blocksMatchGGUFPyVectors() throws {
        let cases = try #require(try Fixtures.json("gguf/quant-vectors.json") as? [[String: Any]])
        #expect(cases.count == 5)
        for c in cases {
            let name = try #require(c["type"] as? String)
            let type = try #require(GGMLType.table.first { $0.name == name })
            let blocks = try Hex.decode(try #require(c["blocks"] as? String))
            let count = try #require(c["count"] as? Int)
            let values = try blocks.withUnsafeBytes { try GGUFDequantize.values($0, type: type, count: count) }
            let bits = values.map { Int(float32($0).bitPattern) }
            // gguf-py yields −0.0 where d·q is a negative zero; the exact value (a Dyadic) has no sign of zero.
            let expected = try #require(c["f32_bits"] as? [Int]).map { $0 == 0x8000_0000 ? 0 : $0 }
            #expect(bits.count == expected.count, "\(name)")
            let wrong = zip(bits, expected).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
            #expect(wrong.isEmpty, "\(name): \(wrong.count) values differ, first at \(wrong.first ?? -1)")
        }
    }
}

/// The binary32 nearest `d` (one rounding: the integer conversion; the power-of-two scaling is exact for normal results).
func float32(_ d: Dyadic) -> Float {
    Float(sign: .plus, exponent: d.exponent, significand: Float(d.mantissa))
}
