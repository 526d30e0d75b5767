import CLML
import Foundation
import Testing
import TestSupport

/// The shipped models on their held-out splits: the Swift engine agrees exactly with the converter's
/// independent NumPy integer reference, and stays within one percentage point of the float model.
@Suite struct AccuracyTests {
    static let cases = [("ml/digits-mlp", "ml/digits-test.cld"), ("ml/fashion-mlp", "ml/fashion-test.cld"),
                        ("ml/fashion-cnn", "ml/fashion-test.cld")]

    @Test(arguments: cases)
    func integerModelMatchesReferenceAndFloatAccuracy(model name: String, dataset: String) throws {
        let model = try ModelFormat.decode(Array(try Fixtures.data(name + ".clml")))
        let data = try Dataset(decoding: Array(try Fixtures.data(dataset)))
        let report = try #require(try Fixtures.json(name + ".json") as? [String: Any])
        let outputs = try BatchRunner.outputs(of: model, samples: data.count, input: { data.sample($0) })
        var correct = 0
        for index in 0..<data.count where BatchRunner.argmax(outputs[index]) == Int(data.labels[index]) { correct += 1 }
        #expect(correct == report["int_correct"] as? Int)
        let first = try #require(report["first_outputs"] as? [[Int]])
        for (index, expected) in first.enumerated() {
            #expect(outputs[index].map(Int.init) == expected)
        }
        let floatAccuracy = try #require(report["float_accuracy"] as? Double)
        let accuracy = Double(correct) / Double(data.count)
        #expect(abs(accuracy - floatAccuracy) <= 0.01)
    }
}
