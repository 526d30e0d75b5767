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

/// `chainlearn-bench ml-fpvm`: a whole inference inside the FPVM (instructions and seconds), beside the
/// same inference natively.
struct MLFPVMBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ml-fpvm", abstract: "Fashion-MNIST inference inside the FPVM: steps and seconds, vs native.")

    @Option(help: "The repository root.") var root = FileManager.default.currentDirectoryPath
    @Option(help: "Repetitions (best is kept).") var repeats = 5
    @Flag(help: "Also print where the MLP's instructions go (program counters sampled every step, by symbol).")
    var profile = false
    @Option(help: "The guest ELF (an unstripped build for --profile).") var guest: String?

    func run() throws {
        let folder = root + "/Fixtures/ml/"
        let elfPath = guest ?? folder + "ml-guest.elf"
        let elf = Array(try Data(contentsOf: URL(fileURLWithPath: elfPath)))
        let sample = try TensorCoding.decode(Array(try Data(contentsOf: URL(fileURLWithPath: folder + "fashion-sample.clt"))))
        for name in ["fashion-mlp", "fashion-cnn"] {
            let model = try ModelFormat.decode(Array(try Data(contentsOf: URL(fileURLWithPath: folder + name + ".clml"))))
            var steps: UInt64 = 0
            var guestOutput: Tensor?
            let guestSeconds = try bestSeconds(repeats) {
                let run = try GuestRunner.run(elf: elf, model: model, inputs: [sample])
                steps = run.steps
                guestOutput = run.output
            }
            var nativeOutput: Tensor?
            let nativeSeconds = try bestSeconds(repeats) {
                var session = Session(model: model)
                nativeOutput = try session.run([sample]).last!
            }
            print("\(name) in the FPVM: \(steps) instructions, \(fmt(guestSeconds, 4)) s "
                  + "(\(fmt(Double(steps) / guestSeconds / 1e6, 1)) M instructions/s); native \(fmt(nativeSeconds * 1e3, 3)) ms; "
                  + "outputs identical: \(guestOutput == nativeOutput)")
            if profile && name == "fashion-mlp" { try printProfile(elf: elf, path: elfPath, model: model, sample: sample) }
        }
    }

    /// Counts executed program counters by the ELF symbol that contains them (symbols from `llvm-nm`).
    func printProfile(elf: [UInt8], path: String, model: Model, sample: Tensor) throws {
        let vm = try GuestRunner.prepare(elf: elf, model: model, inputs: [sample])
        var counts: [UInt32: Int] = [:]
        while !vm.exited {
            counts[vm.pc, default: 0] += 1
            try vm.run(until: vm.step + 1)
        }
        let nm = Process()
        nm.executableURL = URL(fileURLWithPath: "/opt/swift/usr/bin/llvm-nm")
        nm.arguments = ["--numeric-sort", "--demangle", path]
        let pipe = Pipe()
        nm.standardOutput = pipe
        try nm.run()
        let listing = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        nm.waitUntilExit()
        var symbols: [(UInt32, String)] = []
        for line in listing.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2)
            if parts.count == 3, let address = UInt32(parts[0], radix: 16), "tTwW".contains(parts[1]) {
                symbols.append((address, String(parts[2])))
            }
        }
        var bySymbol: [String: Int] = [:]
        for (pc, count) in counts {
            let index = symbols.lastIndex { $0.0 <= pc }
            bySymbol[index.map { symbols[$0].1 } ?? "?", default: 0] += count
        }
        for (symbol, count) in bySymbol.sorted(by: { $0.value > $1.value }).prefix(15) {
            print("  \(count)\t\(symbol.prefix(110))")
        }
    }
}
