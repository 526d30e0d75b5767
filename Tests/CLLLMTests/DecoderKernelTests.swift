import CLML
import Foundation
import Testing
import TestSupport

/// The decoder kernels against known answers from an independent Python implementation of the same
/// integer rules (Scripts/llm_kernel_vectors.py → Fixtures/llm/kernel-vectors.json).
@Suite struct DecoderKernelTests {
    nonisolated(unsafe) static let cases: [String: [[String: Any]]] = {
        (try? Fixtures.json("llm/kernel-vectors.json")) as? [String: [[String: Any]]] ?? [:]
    }()

    static func ints(_ c: [String: Any], _ key: String) -> [Int] { c[key] as? [Int] ?? [] }

    @Test func vectorsArePresent() {
        for kind in ["matvec", "rmsnorm", "rope", "attention", "swiglu"] { #expect(Self.cases[kind]?.isEmpty == false, "\(kind)") }
    }

    @Test func blockMatVec() {
        for c in Self.cases["matvec"] ?? [] {
            let format: BlockMatVec.Format = ["q8_0": .q8_0, "q4_0": .q4_0, "q4_1": .q4_1][c["format"] as? String ?? ""]!
            let rows = c["rows"] as? Int ?? 0, columns = c["columns"] as? Int ?? 0
            let quants = Self.ints(c, "quants").map { UInt8($0) }, scales = Self.ints(c, "scales").map { Int32($0) }
            let minimums = Self.ints(c, "minimums").map { Int32($0) } + [0]
            let x = Self.ints(c, "x").map { Int64($0) }
            var values = [Int16](repeating: 0, count: columns), exponents = [Int32](repeating: 0, count: columns / 32)
            var sums = [Int64](repeating: 0, count: columns / 32), out = [Int64](repeating: 0, count: rows)
            BlockMatVec.quantize(x, count: columns, values: &values, exponents: &exponents, sums: &sums)
            BlockMatVec.rows(0..<rows, format: format, columns: columns, quants: quants, scales: scales,
                             minimums: minimums, values: values, exponents: exponents, sums: sums, into: &out)
            #expect(out.map(Int.init) == Self.ints(c, "expected"), "\(format) \(rows)x\(columns)")
        }
    }

    @Test func rmsNorm() {
        for c in Self.cases["rmsnorm"] ?? [] {
            let x = Self.ints(c, "x").map { Int64($0) }, w = Self.ints(c, "weight").map { Int32($0) }
            var out = [Int64](repeating: 0, count: x.count)
            DecoderKernels.rmsNorm(x, count: x.count, weight: w, epsilonQ48: Int64(c["epsilon_q48"] as? Int ?? 0), into: &out)
            #expect(out.map(Int.init) == Self.ints(c, "expected"))
        }
    }

    @Test func rope() {
        for c in Self.cases["rope"] ?? [] {
            var x = Self.ints(c, "x").map { Int64($0) }
            let cos = Self.ints(c, "cos").map { Int32($0) }, sin = Self.ints(c, "sin").map { Int32($0) }
            DecoderKernels.rope(&x, heads: c["heads"] as? Int ?? 0, headWidth: c["width"] as? Int ?? 0,
                                rotated: c["rotated"] as? Int ?? 0, cos: cos, sin: sin)
            #expect(x.map(Int.init) == Self.ints(c, "expected"))
        }
    }

    @Test func attention() {
        for c in Self.cases["attention"] ?? [] {
            let q = Self.ints(c, "q").map { Int64($0) }
            let keys = Self.ints(c, "keys").map { Int32($0) }, values = Self.ints(c, "values").map { Int32($0) }
            let heads = c["heads"] as? Int ?? 0, width = c["width"] as? Int ?? 0, length = c["length"] as? Int ?? 0
            var scratch = [Int64](repeating: 0, count: 2 * length), out = [Int64](repeating: 0, count: heads * width)
            DecoderKernels.attention(query: q, headRange: 0..<heads, heads: heads, kvHeads: c["kv_heads"] as? Int ?? 0,
                                     headWidth: width, keys: keys, values: values, length: length,
                                     scale: DecoderKernels.scoreScaleQ30(headWidth: width), scratch: &scratch, into: &out)
            #expect(out.map(Int.init) == Self.ints(c, "expected"), "length \(length)")
        }
    }

    @Test func swiGLU() {
        for c in Self.cases["swiglu"] ?? [] {
            var gate = Self.ints(c, "gate").map { Int64($0) }
            let up = Self.ints(c, "up").map { Int64($0) }
            DecoderKernels.swiGLU(gate: &gate, up: up, count: gate.count)
            #expect(gate.map(Int.init) == Self.ints(c, "expected"))
        }
    }

    @Test func argmaxTakesTheLowestAmongEquals() {
        let x: [Int64] = [1, 5, 5, 2]
        #expect(DecoderKernels.argmax(x, count: 4) == 1)
    }

    @Test func scoreScaleForWidth64IsAnEighth() {
        #expect(DecoderKernels.scoreScaleQ30(headWidth: 64) == 1 << 27)
    }
}
