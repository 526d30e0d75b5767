import ArgumentParser
import CLML
import Dispatch
import Foundation

/// Seconds of a closure, best of `repeats`.
func bestSeconds(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
        let started = DispatchTime.now().uptimeNanoseconds
        try body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }
    return best
}

/// `chainlearn-bench ml-matvec`: int8 matrix-vector throughput against a copy loop's memory bandwidth.
struct MLMatVecBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ml-matvec", abstract: "Native int8 matrix-vector GB/s vs a two-core copy loop.")

    @Option(help: "Matrix rows and columns.") var size = 4096
    @Option(help: "Repetitions (best is kept).") var repeats = 10

    func run() throws {
        var generator = SystemRandomNumberGenerator()
        let count = size * size
        let weights = (0..<count).map { _ in Int32.random(in: -127...127, using: &generator) }
        let model = try Model(
            inputs: [ValueInfo(dtype: .int8, shape: [size], quantization: .identity)],
            constants: [Tensor(dtype: .int8, shape: [size, size], values: weights),
                        Tensor(dtype: .int32, shape: [size], values: [Int32](repeating: 0, count: size))],
            constantQuantization: [.identity, .identity],
            nodes: [Node(op: .linear, dtype: .int8, inputs: [.input(0), .constant(0), .constant(1)],
                         attributes: [0, 0, 1 << 30, 40, 0], quantization: .identity)])
        let input = Tensor(dtype: .int8, shape: [size], values: (0..<size).map { _ in Int32.random(in: -128...127, using: &generator) })
        var session = Session(model: model)
        _ = try session.run([input])
        let matvecSeconds = try bestSeconds(repeats) { _ = try session.run([input]) }
        let matvecRate = Double(count) / matvecSeconds / 1e9

        // A copy loop over two 128 MiB buffers, split across both cores like the kernel's rows.
        let words = 16 << 20
        let source = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
        let target = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
        defer { source.deallocate(); target.deallocate() }
        for index in 0..<words { source[index] = UInt64(index) }
        target.initialize(repeating: 0, count: words)
        let from = UInt(bitPattern: source), to = UInt(bitPattern: target)
        let copySeconds = bestSeconds(repeats) {
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                let s = UnsafeMutablePointer<UInt64>(bitPattern: from)!, t = UnsafeMutablePointer<UInt64>(bitPattern: to)!
                let half = words / 2
                for index in (part * half)..<((part + 1) * half) { t[index] = s[index] }
            }
        }
        let copyRate = Double(words * 8 * 2) / copySeconds / 1e9
        print("int8 matvec \(size)x\(size): \(fmt(matvecSeconds * 1e3)) ms, \(fmt(matvecRate)) GB/s of weights")
        print("copy loop (read+write, 2 cores): \(fmt(copyRate)) GB/s")
        print("ratio matvec/copy: \(fmt(matvecRate / copyRate))")
    }
}

/// `chainlearn-bench ml-cnn`: Fashion-MNIST CNN batch throughput, ChainLearn native vs onnxruntime (float).
struct MLCNNBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ml-cnn", abstract: "Fashion-MNIST CNN images/s: integer engine (2 cores) vs onnxruntime (2 threads).")

    @Option(help: "Images from the test split.") var count = 2000
    @Option(help: "The repository root.") var root = FileManager.default.currentDirectoryPath

    func run() throws {
        let folder = root + "/Fixtures/ml/"
        let model = try ModelFormat.decode(Array(try Data(contentsOf: URL(fileURLWithPath: folder + "fashion-cnn.clml"))))
        let data = try Dataset(decoding: Array(try Data(contentsOf: URL(fileURLWithPath: folder + "fashion-test.cld"))))
        let n = min(count, data.count)
        let samples = (0..<n).map { data.sample($0) }
        var outputs: [[Int32]] = []
        let seconds = try bestSeconds(3) {
            outputs = try BatchRunner.outputs(of: model, samples: n, input: { samples[$0] })
        }
        var correct = 0
        for index in 0..<n where BatchRunner.argmax(outputs[index]) == Int(data.labels[index]) { correct += 1 }
        let ours = Double(n) / seconds
        print("chainlearn int8 CNN: \(fmt(ours)) images/s (accuracy \(fmt(Double(correct) / Double(n), 4)))")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: root + "/.venv/bin/python")
        process.arguments = [root + "/Scripts/ml/bench_onnxruntime.py", folder + "fashion-cnn.onnx", folder + "fashion-test.cld", "\(n)", "2"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let fields = text.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard fields.count == 2 else { throw ValidationError("onnxruntime benchmark failed: \(text)") }
        print("onnxruntime float CNN: \(fmt(fields[0])) images/s (accuracy \(fmt(fields[1], 4)))")
        print("ratio chainlearn/onnxruntime: \(fmt(ours / fields[0]))")
    }
}

func fmt(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
