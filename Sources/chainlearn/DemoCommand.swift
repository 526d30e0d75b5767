import ArgumentParser
import CLDispute
import CLML
import CLPrimitives
import Foundation

/// `chainlearn demo`: the whole protocol on the Fashion-MNIST MLP, end to end.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Deploy the task market, run an honest ML task to finality and a dishonest one to its defeat.",
        discussion: """
            Starts an in-process dev chain (SQLite in a temporary folder) unless --rpc-url names a node whose \
            first five accounts are the development mnemonic's (Anvil, Hardhat, `chainlearn node`). Every party \
            signs raw transactions locally and talks to the chain only through JSON-RPC.
            """)

    @Flag(help: "Print only the summary, as a JSON object.") var json = false
    @Option(help: "Use this JSON-RPC endpoint instead of an in-process chain.") var rpcUrl: String?
    @Option(help: "The ML guest ELF.") var guest = "Fixtures/ml/ml-guest.elf"
    @Option(help: "The model: fashion-mlp, fashion-cnn, fashion-cnn-tiled, attention-block (the fixtures) or a .clml path.") var model = "fashion-mlp"
    @Option(help: "The input tensor (.clt); default: the named model's fixture input.") var input: String?
    @Option(help: "Phases of the dispute game: 1 (the whole run in the FPVM) or 2 (graph nodes natively, then one node in the FPVM).")
    var phases = 1
    @Option(help: "Two phases: the graph position (1 … N) whose node the dishonest submitter gets wrong; default the middle.")
    var wrongNode: UInt64?
    @Flag(help: "The attention challenge: an honest and a lazy bonded validator (the lazy one is accused), then a cheating submitter.")
    var attention = false
    @Option(help: "With --attention: the selection probability p_t as N/D (default 1/1, so the lazy validator is surely selected).")
    var selection = "1/1"

    /// The model and input paths for a fixture name or a path.
    static func files(model: String, input: String?) -> (model: String, input: String) {
        let fixtures = ["fashion-mlp": "fashion-sample", "fashion-cnn": "fashion-sample", "fashion-cnn-tiled": "fashion-sample",
                        "attention-block": "attention-input"]
        if let sample = fixtures[model] { return ("Fixtures/ml/\(model).clml", input ?? "Fixtures/ml/\(sample).clt") }
        return (model, input ?? "Fixtures/ml/fashion-sample.clt")
    }

    func run() async throws {
        if attention { return try await runAttention() }
        let (model, input) = Self.files(model: model, input: input)
        guard phases == 1 || phases == 2 else { throw ValidationError("--phases must be 1 or 2") }
        let files = TaskFiles(guest: guest, model: model, input: input)
        let task: DemoTask
        if phases == 1 {
            task = .onePhase(try files.spec())
        } else {
            let graph = try files.graph()
            let count = UInt64(graph.model.nodes.count)
            let wrong = wrongNode ?? (count + 1) / 2
            guard wrong >= 1 && wrong <= count else { throw ValidationError("--wrong-node must be in 1 … \(count)") }
            task = .twoPhase(name: URL(fileURLWithPath: model).deletingPathExtension().lastPathComponent + " (two phases)",
                             graph: graph, nodeProgram: try readBytes(guest), wrongNode: wrong)
        }
        var url: URL?
        if let rpcUrl {
            guard let parsed = URL(string: rpcUrl), parsed.scheme == "http" || parsed.scheme == "https" else {
                throw ValidationError("--rpc-url must be an http(s) URL")
            }
            url = parsed
        }
        let demo = try Demo(task: task, rpcURL: url)
        let quiet = json
        demo.log = { line in if !quiet { print(line) } }
        let bar = TraceProgress(label: "computing trace")
        demo.progress = { steps in bar.update(steps) }
        let summary = try await demo.run()
        bar.finish()
        if json {
            print(summary.json.text)
            return
        }
        print("")
        print("Summary (\(summary.endpoint))")
        if summary.phases == 1 {
            print("  program: \(summary.taskName), \(summary.steps) FPVM steps, trace computed in \(String(format: "%.2f", summary.traceSeconds)) s")
        } else {
            print("  program: \(summary.taskName), \(summary.steps) graph nodes, native graph trace in \(String(format: "%.4f", summary.traceSeconds)) s")
        }
        for task in summary.tasks {
            let perPhase = task.roundsPerPhase.enumerated().map { "phase \($0.offset + 1): \($0.element)" }.joined(separator: ", ")
            print("  \(task.label) (task \(task.taskId), submitter \(task.strategy)): "
                  + (task.resultFinal ? "final, output \(task.output.hex.prefix(18))…" : (task.defeated ? "defeated" : "no result"))
                  + ", \(task.games) game(s), \(task.rounds) rounds" + (perPhase.isEmpty ? "" : " (\(perPhase))")
                  + (task.positions.isEmpty ? "" : ", disputed node position \(task.positions.map(String.init).joined(separator: "/"))"))
            if task.games > 0 {
                print("      honest challenger: \(String(format: "%.3f", task.challengerComputeSeconds)) s of compute, \(task.statesToProduce) states it had to be able to produce")
            }
            for (party, amount) in task.credited { print("      \(party) credited \(Ether.text(amount)) ETH") }
            if !task.burned.isZero { print("      burned \(Ether.text(task.burned)) ETH") }
        }
        print("  gas per party:")
        for party in summary.parties {
            let calls = party.byFunction.map { "\($0.function) \($0.count)× \($0.gas / UInt64(max($0.count, 1)))" }.joined(separator: ", ")
            print("    \(party.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(party.gasUsed) gas in \(party.transactions) transactions (\(calls))")
        }
        print("  wall time: \(String(format: "%.2f", summary.wallSeconds)) s, peak RSS \(summary.peakRSSBytes / 1_048_576) MiB")
    }
}

/// The three files of an ML task.
struct TaskFiles {
    let guest: String
    let model: String
    let input: String

    func spec() throws -> TaskSpec {
        let elf = try readBytes(guest)
        let graph = try loadModel(model)
        var reader = ByteReader(try readBytes(input))
        var tensors: [Tensor] = []
        do {
            while reader.remaining > 0 { tensors.append(try TensorCoding.decode(&reader)) }
        } catch {
            throw ValidationError("\(input): invalid tensor (\(error))")
        }
        let name = URL(fileURLWithPath: model).deletingPathExtension().lastPathComponent
        return TaskSpec.mlInference(name: "\(name) in \(URL(fileURLWithPath: guest).lastPathComponent)", guest: elf,
                                    model: graph, inputs: tensors)
    }

    /// The native phase-1 trace of the model on the input.
    func graph() throws -> GraphTrace {
        do { return try GraphTrace(model: try loadModel(model), inputs: try readTensors(input)) } catch let error as MLError {
            throw ValidationError("\(model): \(error)")
        }
    }
}

/// Wei as ether with six decimals.
enum Ether {
    static func text(_ wei: UInt256) -> String {
        guard let value = wei.uint64 else { return wei.hexQuantity + " wei" }
        return String(format: "%.6f", Double(value) / 1e18)
    }
}

/// A one-line progress display on standard error: steps so far and rate, with a bar that fills towards
/// the expected total when one is known.
final class TraceProgress: @unchecked Sendable {
    let label: String
    let started = Date()
    var expected: UInt64?
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(label: String, expected: UInt64? = nil) {
        self.label = label
        self.expected = expected
    }

    func update(_ steps: UInt64) {
        let now = Date()
        guard isatty(STDERR_FILENO) != 0, now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let seconds = max(now.timeIntervalSince(started), 1e-6)
        let width = 30
        var bar: String
        if let expected, expected > 0 {
            let filled = min(width, Int(Double(width) * Double(steps) / Double(expected)))
            bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        } else {
            // Unknown total (the halting step is learnt by running): a block sweeping across the bar.
            let position = Int(now.timeIntervalSince(started) * 10) % (width - 4)
            bar = String(repeating: ".", count: position) + "####" + String(repeating: ".", count: width - 4 - position)
        }
        let line = "\r\(label) [\(bar)] \(steps) steps, \(String(format: "%.1f", Double(steps) / seconds / 1e6)) M steps/s"
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
