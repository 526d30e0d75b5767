import CLML
import Foundation
import Testing
import TestSupport

/// A LLaMA-style block (RMS-norm, RoPE, causal attention with KV cache, SiLU-gated MLP) against the float
/// NumPy reference of Scripts/ml/make_attention_block.py on seeded random weights.
@Suite struct AttentionBlockTests {
    /// Relative L2 error bound (docs/ARCHITECTURE.md, "Attention block error"): int8 per-tensor weights
    /// contribute about 0.9 % per projection, int16 activations and Q15/Q16 softmax far less.
    static let relativeErrorBound = 0.03

    static func load() throws -> (whole: Model, step: Model, input: Tensor, reference: [Double], scale: Double) {
        let whole = try ModelFormat.decode(Array(try Fixtures.data("ml/attention-block.clml")))
        let step = try ModelFormat.decode(Array(try Fixtures.data("ml/attention-step.clml")))
        let input = try TensorCoding.decode(Array(try Fixtures.data("ml/attention-input.clt")))
        let report = try #require(try Fixtures.json("ml/attention-block.json") as? [String: Any])
        let reference = try #require(report["reference"] as? [Double])
        let scale = try #require(report["output_scale"] as? Double)
        return (whole, step, input, reference, scale)
    }

    @Test func blockMatchesFloatReference() throws {
        let (whole, _, input, reference, scale) = try Self.load()
        var session = Session(model: whole)
        let output = try session.run([input]).last!
        #expect(output.count == reference.count)
        var errorSquares = 0.0, referenceSquares = 0.0
        for index in 0..<output.count {
            let difference = Double(output.values[index]) * scale - reference[index]
            errorSquares += difference * difference
            referenceSquares += reference[index] * reference[index]
        }
        let relative = (errorSquares / referenceSquares).squareRoot()
        print("attention block relative L2 error: \(relative)")
        #expect(relative <= Self.relativeErrorBound)
    }

    @Test func tokenByTokenWithCacheEqualsWholeSequence() throws {
        let (whole, step, input, _, _) = try Self.load()
        var all = Session(model: whole)
        let expected = try all.run([input]).last!
        var incremental = Session(model: step)
        var collected: [Int32] = []
        let width = input.shape[1]
        for t in 0..<input.shape[0] {
            let token = Tensor(dtype: .int16, shape: [1, width], values: Array(input.values[(t * width)..<((t + 1) * width)]))
            collected += try incremental.run([token]).last!.values
        }
        #expect(incremental.position == input.shape[0])
        #expect(collected == expected.values)
    }
}
