import ArgumentParser
import CLML
import CLPrimitives
import Foundation

/// `chainlearn ml`: runs and evaluates ChainLearn models.
struct MLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ml", abstract: "Run and evaluate fixed-point models.",
        subcommands: [MLRunCommand.self, MLEvalCommand.self, MLTraceCommand.self, MLTileCommand.self])
}

/// Where a model runs.
enum MLTarget: String, ExpressibleByArgument, CaseIterable {
    case native, fpvm
}

/// A command-line failure with a message.
struct MLCommandError: Error, CustomStringConvertible {
    let description: String
}

/// Reads a whole file as bytes.
func readBytes(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw MLCommandError(description: "cannot read \(path)")
    }
    return Array(data)
}

/// Loads a model file, turning format errors into messages.
func loadModel(_ path: String) throws -> Model {
    do { return try ModelFormat.decode(try readBytes(path)) } catch let error as MLError {
        throw MLCommandError(description: "\(path): invalid model (\(error))")
    }
}

/// `chainlearn ml run MODEL --input FILE [--target native|fpvm] [--node K] [--json]`.
struct MLRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model (or one node) on an input file of tensor encodings, one per input.")

    @Argument(help: "The model file (.clml).") var model: String
    @Option(help: "The input: tensor encodings, one per graph input (or per computed operand of --node).")
    var input: String
    @Option(help: "native or fpvm.") var target: MLTarget = .native
    @Option(help: "Run only this node (0-based) on its operands from --input.") var node: Int?
    @Option(help: "The ML guest ELF for --target fpvm.") var guest = "Fixtures/ml/ml-guest.elf"
    @Option(help: "Print this many top classes instead of all values when the output is long.") var top = 5
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let graph = try loadModel(model)
        let inputs = try readTensors(input)
        if target == .fpvm {
            let elf = try readBytes(guest)
            let started = DispatchTime.now().uptimeNanoseconds
            let result: GuestRun
            do {
                result = try GuestRunner.run(elf: elf, model: graph, inputs: inputs, node: node)
            } catch {
                throw MLCommandError(description: "FPVM run failed: \(error)")
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            printResult(result.output, seconds: seconds, steps: result.steps)
            return
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let output: Tensor
        do {
            var session = Session(model: graph)
            if let node {
                output = try session.runNode(node, inputs: inputs)
            } else {
                output = try session.run(inputs).last!
            }
        } catch {
            throw MLCommandError(description: "evaluation failed: \(error)")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        printResult(output, seconds: seconds, steps: nil)
    }

    func printResult(_ output: Tensor, seconds: Double, steps: UInt64?) {
        let hash = ModelFormat.commitment(output).hex
        let ranked = output.values.indices.sorted { output.values[$0] > output.values[$1] || (output.values[$0] == output.values[$1] && $0 < $1) }
        let showAll = output.count <= 16
        if json {
            var object: [String: Any] = ["output_hash": hash, "shape": output.shape, "dtype": "\(output.dtype)",
                                         "seconds": seconds, "target": target.rawValue]
            if showAll { object["values"] = output.values.map(Int.init) }
            object["top"] = ranked.prefix(top).map { ["index": $0, "value": Int(output.values[$0])] }
            if let steps { object["steps"] = steps }
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("output  \(output.dtype) \(output.shape)")
            print("hash    \(hash)")
            if showAll { print("values  \(output.values.map(String.init).joined(separator: " "))") }
            print("top     " + ranked.prefix(top).map { "\($0):\(output.values[$0])" }.joined(separator: " "))
            if let steps { print("steps   \(steps)") }
            print("seconds \(String(format: "%.6f", seconds))")
        }
    }
}

/// `chainlearn ml trace MODEL --input FILE [--json]`: the phase-1 state root after every node
/// (docs/PROTOCOL.md, "Graph state"), computed natively.
struct MLTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Print the graph-state root before the first node and after every node, with each node's operator and time.")

    @Argument(help: "The model file (.clml).") var model: String
    @Option(help: "The input: tensor encodings, one per graph input.") var input: String
    @Option(help: "Also re-run position K (1…N) in the ML guest's node mode in the FPVM and check its S_K.")
    var fpvmNode: Int?
    @Option(help: "The ML guest ELF for --fpvm-node.") var guest = "Fixtures/ml/ml-guest.elf"
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let graph = try loadModel(model)
        let inputs = try readTensors(input)
        let started = DispatchTime.now().uptimeNanoseconds
        let trace: GraphTrace
        do { trace = try GraphTrace(model: graph, inputs: inputs) } catch {
            throw MLCommandError(description: "evaluation failed: \(error)")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let modelHash = Keccak256.hash(trace.modelCommitment.descriptor).hex
        var check: [String: Any]? = nil
        if let position = fpvmNode {
            if position < 1 || position > graph.nodes.count {
                throw MLCommandError(description: "--fpvm-node must be in 1…\(graph.nodes.count)")
            }
            let elf = try readBytes(guest)
            let nodeStarted = DispatchTime.now().uptimeNanoseconds
            let run: NodeModeRun
            do { run = try NodeModeRunner.run(elf: elf, trace: trace, position: position) } catch {
                throw MLCommandError(description: "node-mode run failed: \(error)")
            }
            let nodeSeconds = Double(DispatchTime.now().uptimeNanoseconds - nodeStarted) / 1e9
            check = ["position": position, "steps": run.steps, "seconds": nodeSeconds, "root": run.root.hex,
                     "matches": run.root == trace.root(after: position), "preimages_read": run.requestedKeys.count]
        }
        if json {
            var states: [[String: Any]] = [["index": 0, "root": trace.initialRoot.hex]]
            for step in trace.steps {
                states.append(["index": step.index, "node": step.index - 1, "op": "\(step.op)", "seconds": step.seconds,
                               "output_key": step.outputKey.hex, "root": step.root.hex])
            }
            var object: [String: Any] = ["model_hash": modelHash, "model_commitment": trace.modelCommitment.commitment.hex,
                                         "nodes": graph.nodes.count, "states": states, "seconds": seconds]
            if let check { object["fpvm_node"] = check }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            if let check, check["matches"] as? Bool != true { throw MLCommandError(description: "node-mode root differs") }
            return
        }
        print("model hash        \(modelHash)")
        print("model commitment  \(trace.modelCommitment.commitment.hex)")
        func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + fill : fill + text
        }
        print("   i  node  operator              ms  root")
        let dash: String = pad("-", 15, left: true)
        print(pad("0", 4) + "  " + pad("-", 4) + "  " + dash + " " + pad("-", 9) + "  " + trace.initialRoot.hex)
        for step in trace.steps {
            let position: String = pad(String(step.index), 4) + "  " + pad(String(step.index - 1), 4)
            let op: String = pad(String(describing: step.op), 15, left: true)
            let ms: String = pad(String(format: "%.3f", step.seconds * 1000), 9)
            print(position + "  " + op + " " + ms + "  " + step.root.hex)
        }
        print(String(format: "total %.6f s", seconds))
        if let check, let position = fpvmNode {
            let verdict = (check["matches"] as? Bool) == true ? "matches the native S_\(position)" : "DIFFERS from the native S_\(position)"
            print("fpvm node mode, position \(position): \(check["steps"]!) steps, \(check["preimages_read"]!) preimages read, "
                  + String(format: "%.3f s", check["seconds"] as! Double) + ", root \(check["root"]!) \(verdict)")
            if check["matches"] as? Bool != true { throw MLCommandError(description: "node-mode root differs") }
        }
    }
}

/// `chainlearn ml eval MODEL --dataset FILE`: accuracy on a labelled test split.
struct MLEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Accuracy of a classifier on a data set file (inputs then labels).")

    @Argument(help: "The model file (.clml).") var model: String
    @Option(help: "The data set file (.cld).") var dataset: String
    @Option(help: "Evaluate only the first N samples.") var limit: Int?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let graph = try loadModel(model)
        let data: Dataset
        do { data = try Dataset(decoding: try readBytes(dataset)) } catch let error as MLError {
            throw MLCommandError(description: "\(dataset): invalid data set (\(error))")
        }
        let count = min(limit ?? data.count, data.count)
        let bar = ProgressBar(total: count, enabled: isatty(STDERR_FILENO) != 0 && !json)
        let started = DispatchTime.now().uptimeNanoseconds
        let outputs: [[Int32]]
        do {
            outputs = try BatchRunner.outputs(of: graph, samples: count, input: { data.sample($0) }, progress: { bar.update($0) })
        } catch {
            throw MLCommandError(description: "evaluation failed: \(error)")
        }
        bar.finish()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        var correct = 0
        for index in 0..<count where BatchRunner.argmax(outputs[index]) == Int(data.labels[index]) { correct += 1 }
        let accuracy = count == 0 ? 0 : Double(correct) / Double(count)
        if json {
            let object: [String: Any] = ["samples": count, "correct": correct, "accuracy": accuracy, "seconds": seconds,
                                         "model_hash": ModelFormat.modelHash(graph).hex]
            let encoded = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: encoded, as: UTF8.self))
        } else {
            print("accuracy \(String(format: "%.4f", accuracy)) (\(correct)/\(count)) in \(String(format: "%.2f", seconds)) s")
        }
    }
}

/// A one-line progress bar on standard error, redrawn at most every percent.
final class ProgressBar: @unchecked Sendable {
    let total: Int
    let enabled: Bool
    private var shown = -1

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func update(_ done: Int) {
        guard enabled, total > 0 else { return }
        let percent = done * 100 / total
        if percent == shown { return }
        shown = percent
        let filled = percent * 30 / 100
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled) + "] \(done)/\(total)"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// The tensor encodings of a `.clt` file, back to back (typed error naming the file when one is invalid).
func readTensors(_ path: String) throws -> [Tensor] {
    var reader = ByteReader(try readBytes(path))
    var tensors: [Tensor] = []
    do {
        while reader.remaining > 0 { tensors.append(try TensorCoding.decode(&reader)) }
    } catch {
        throw MLCommandError(description: "\(path): invalid tensor (\(error))")
    }
    return tensors
}
