import CLML
import Foundation
import Testing

/// Every operator on seeded random inputs against a float reference computed here in `Double`.
@Suite struct OperatorTests {
    static let cases: [OperatorCase] = (try? OperatorCases.all(seed: 20_261_121)) ?? []

    @Test func everyOperatorHasACase() {
        // One case per operator, four for conv2d (its three accumulation paths and a narrow image).
        #expect(Self.cases.count == 21)
    }

    @Test(arguments: cases)
    func operatorMatchesFloatReference(_ operatorCase: OperatorCase) throws {
        var session = Session(model: operatorCase.model)
        let output = try session.run(operatorCase.inputs).last!
        #expect(output.count == operatorCase.reference.count)
        var worst = 0.0
        for index in 0..<output.count {
            worst = max(worst, abs(Double(output.values[index]) - operatorCase.reference[index]))
        }
        #expect(worst <= operatorCase.tolerance, "\(operatorCase.name): worst difference \(worst)")
    }

    @Test func attentionWithCacheEqualsAttentionAtOnce() throws {
        let attention = try #require(Self.cases.first { $0.name == "attention" })
        var whole = Session(model: attention.model)
        let expected = try whole.run(attention.inputs).last!
        let oneToken = try Model(
            inputs: attention.inputs.map { ValueInfo(dtype: $0.dtype, shape: [1, 2, 8], quantization: .identity) },
            constants: [], constantQuantization: [], nodes: attention.model.nodes)
        var incremental = Session(model: oneToken)
        var collected: [Int32] = []
        for t in 0..<4 {
            let single = attention.inputs.map { tensor in
                Tensor(dtype: tensor.dtype, shape: [1, 2, 8], values: Array(tensor.values[(t * 16)..<((t + 1) * 16)]))
            }
            collected += try incremental.run(single).last!.values
        }
        #expect(collected == expected.values)
    }

    @Test func runNodeMatchesGraphRun() throws {
        for operatorCase in Self.cases {
            var graph = Session(model: operatorCase.model)
            let expected = try graph.run(operatorCase.inputs).last!
            var single = Session(model: operatorCase.model)
            #expect(try single.runNode(0, inputs: operatorCase.inputs) == expected)
        }
    }
}

/// The integer helpers against exact or float values.
@Suite struct FixedPointTests {
    @Test func requantizerRoundsHalvesUp() {
        let half = Requantizer(multiplier: 1 << 30, shift: 31)  // × 0.5
        #expect(half.apply(5) == 3)
        #expect(half.apply(-5) == -2)
        #expect(half.apply(4) == 2)
        #expect(half.apply(-7) == -3)
        #expect(FixedPoint.roundingDivide(7, 2) == 4)
        #expect(FixedPoint.roundingDivide(-7, 2) == -3)
        #expect(FixedPoint.roundingDivide(-8, 3) == -3)
    }

    @Test func requantizerIsExactForLargeAccumulators() {
        var generator = SplitMix64(seed: 9)
        for _ in 0..<5000 {
            let multiplier = Int32(1 << 30) + Int32(truncatingIfNeeded: generator.next() & 0x3FFF_FFFF)
            let shift = Int32(31 + generator.next() % 30)
            let value = Int64(bitPattern: generator.next()) >> Int64(2 + generator.next() % 40)
            let exact = (Int128(value) * Int128(multiplier) + (Int128(1) << (shift - 1))) >> shift
            #expect(Requantizer(multiplier: multiplier, shift: shift).apply(value) == Int64(exact))
        }
    }

    @Test func expMatchesFloat() {
        var x: Int64 = 0
        while x > -20 * 65536 {
            let value = Double(FixedPoint.expQ30(negativeQ16: x)) / Double(1 << 30)
            let exact = exp(Double(x) / 65536)
            #expect(abs(value - exact) <= exact * 2e-5 + 2e-9)
            x -= 977
        }
        #expect(FixedPoint.expQ30(negativeQ16: Int64.min) == 0)
    }

    @Test func sigmoidMatchesFloat() {
        for step in -400...400 {
            let x = Int64(step) * 1311
            let value = Double(FixedPoint.sigmoidQ16(x)) / 65536
            #expect(abs(value - sigmoid(Double(x) / 65536)) <= 2.0 / 65536)
        }
    }

    @Test func squareRootIsFloorOfRoot() {
        var generator = SplitMix64(seed: 5)
        for round in 0..<2000 {
            let value = round < 100 ? UInt64(round) : generator.next() >> (generator.next() % 64)
            let root = FixedPoint.squareRoot(value)
            #expect(root.multipliedFullWidth(by: root) <= (0, value))
            let next = root + 1
            let square = next.multipliedFullWidth(by: next)
            #expect(square.high > 0 || square.low > value)
        }
    }
}
