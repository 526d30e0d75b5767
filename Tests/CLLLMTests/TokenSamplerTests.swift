import CLML
import Foundation
import Testing
import TestSupport

/// Seeded integer sampling (docs/PROTOCOL.md, "Seeded sampling") against an independent Python implementation
/// of the same rule (Scripts/llm_sampling_reference.py → Fixtures/llm/sampling-vectors.json), and its
/// frequencies against the float softmax it approximates.
@Suite struct TokenSamplerTests {
    nonisolated(unsafe) static let vectors: [String: Any] = (try? Fixtures.json("llm/sampling-vectors.json")) as? [String: Any] ?? [:]

    @Test func theExponentialMatchesTheReference() throws {
        let cases = try #require(Self.vectors["exp"] as? [[String: Any]])
        #expect(cases.count > 5)
        for c in cases {
            let xValue = try #require(c["x_q16"] as? Int), expectedValue = try #require(c["exp_q30"] as? Int)
            let x = Int64(xValue), expected = Int64(expectedValue)
            #expect(FixedPoint.expQ30(negativeQ16: x) == expected, "e^\(x)")
        }
    }

    @Test func everyPickMatchesTheReference() throws {
        let cases = try #require(Self.vectors["cases"] as? [[String: Any]])
        #expect(cases.count == 120)
        for (index, c) in cases.enumerated() {
            let logitValues = try #require(c["logits"] as? [Int])
            let logits = logitValues.map(Int64.init)
            let seedText = try #require(c["seed"] as? String)
            let seed = try #require(UInt64(seedText))
            let stepValue = try #require(c["step"] as? Int), temperature = try #require(c["temperature_q16"] as? Int)
            let topK = try #require(c["top_k"] as? Int)
            let step = UInt32(stepValue)
            let parameters = TokenSampler.Parameters(temperatureQ16: Int64(temperature), topK: topK, seed: seed)
            let wordText = try #require(c["random_word"] as? String)
            #expect(TokenSampler.randomWord(seed: seed, step: step) == UInt64(wordText), "case \(index)")
            let token = logits.withUnsafeBufferPointer { TokenSampler.pick($0, parameters: parameters, step: step) }
            let expected = try #require(c["token"] as? Int)
            #expect(token == expected, "case \(index)")
        }
    }

    /// 20,000 draws over eight logits at temperature 1 and 0.5: each token's frequency lies within five standard
    /// deviations of its float softmax probability (the integer weights differ from e^x by under 10^-5 relative).
    @Test(arguments: [Int64(1 << 16), Int64(1 << 15)])
    func frequenciesFollowTheSoftmax(temperatureQ16: Int64) {
        let real: [Double] = [2.0, 1.5, 1.0, 0.0, -0.5, -1.0, -3.0, 0.7]
        let logits = real.map { Int64(($0 * 65536).rounded()) }
        let temperature = Double(temperatureQ16) / 65536
        let exps = real.map { exp(($0 - 2.0) / temperature) }
        let total = exps.reduce(0, +)
        var counts = [Int](repeating: 0, count: real.count)
        let draws = 20_000
        let parameters = TokenSampler.Parameters(temperatureQ16: temperatureQ16, topK: 0, seed: 42)
        logits.withUnsafeBufferPointer { buffer in
            for step in 0..<draws { counts[TokenSampler.pick(buffer, parameters: parameters, step: UInt32(step))] += 1 }
        }
        for index in 0..<real.count {
            let p = exps[index] / total
            let deviation = (Double(draws) * p * (1 - p)).squareRoot()
            #expect(abs(Double(counts[index]) - Double(draws) * p) <= 5 * deviation + 1, "token \(index): \(counts[index]) of \(draws), p = \(p)")
        }
    }

    @Test func topKAndGreedyLimits() {
        let logits: [Int64] = [5, 9, 9, 1, 7]
        logits.withUnsafeBufferPointer { buffer in
            #expect(TokenSampler.topCandidates(buffer, count: 3) == [1, 2, 4])
            #expect(TokenSampler.topCandidates(buffer, count: 0) == [1, 2, 4, 0, 3])
            for step in 0..<50 {
                // Top-1 and temperature 0 are both the largest logit, lowest id among equals.
                #expect(TokenSampler.pick(buffer, parameters: .init(temperatureQ16: 1 << 16, topK: 1, seed: 7), step: UInt32(step)) == 1)
                #expect(TokenSampler.pick(buffer, parameters: .init(temperatureQ16: 0, topK: 40, seed: 7), step: UInt32(step)) == 1)
            }
        }
    }
}
