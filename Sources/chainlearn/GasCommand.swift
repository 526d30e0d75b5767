import ArgumentParser
import CLDispute
import CLEVM
import CLHarness
import CLFPVM
import CLPrimitives
import Foundation

/// `chainlearn gas …`: gas measurements of the on-chain parts.
struct GasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gas", abstract: "Measure on-chain gas.",
                                                    subcommands: [GasStepCommand.self])
}

/// `chainlearn gas step ELF`: runs a guest, proves sampled steps on an in-process chain and reports
/// gas per instruction class.
struct GasStepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Gas of RV32Step.step per instruction class, from sampled steps of a guest run.",
        discussion: """
            Runs ELF in the FPVM (proving mode), samples up to --samples steps of every instruction class, \
            calls RV32Step.step for each on an in-process dev chain (Cancun) and checks each result against \
            the Swift one-step verifier. Execution gas is what the contract's code used; transaction gas \
            adds the 21,000 base and the calldata (4 gas per zero byte, 16 per other byte).
            """)

    @Argument(help: "The guest ELF (RV32IM, static).") var elf: String
    @Option(help: "Steps proven per instruction class.") var samples = 20
    @Option(help: "Seed of the sampling.") var seed: UInt64 = 1
    @Option(help: "Stop the run after this many steps.") var maxSteps: UInt64 = 50_000_000
    @Option(help: "Guest input, hex.") var inputHex: String?
    @Option(help: "Guest input, read from a file.") var inputFile: String?
    @Option(help: "A file whose bytes the preimage oracle serves under keccak256(bytes) (repeatable).")
    var preimage: [String] = []
    @Flag(help: "Give the guest the key of the first --preimage as its input.") var inputPreimageKey = false
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "Fork of the dev chain the step runs on: cancun, prague (calldata floor) or osaka.")
    var hardfork: Hardfork = .newest
    @Option(help: "Write an SVG chart of transaction gas by class to this file.") var svg: String?

    func run() throws {
        let program = try GuestProgram(elf: Array(try Data(contentsOf: URL(fileURLWithPath: elf))))
        var store = PreimageStore()
        var firstKey: Bytes32?
        for path in preimage {
            let key = store.add(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            if firstKey == nil { firstKey = key }
        }
        var input: [UInt8] = []
        if let inputHex { input = try Hex.decode(inputHex) }
        if let inputFile { input = Array(try Data(contentsOf: URL(fileURLWithPath: inputFile))) }
        if inputPreimageKey {
            guard let firstKey else { throw ValidationError("--input-preimage-key needs a --preimage") }
            input = firstKey.bytes
        }
        let vm = try program.makeVM(input: input, oracle: store)
        var config = DevChainConfig()
        config.hardfork = hardfork
        let verifier = try OnChainStepVerifier(chain: try DevChain(config: config))
        let profiler = StepGasProfiler(samplesPerClass: samples, seed: seed, stepLimit: maxSteps)
        let report = try profiler.profile(vm, on: verifier)
        if json {
            print(Self.json(report))
        } else {
            print(Self.table(report, fork: hardfork))
        }
        if let svg {
            try Data(GasChart.svg(report).utf8).write(to: URL(fileURLWithPath: svg))
        }
        for mismatch in report.mismatches { FileHandle.standardError.write(Data("MISMATCH \(mismatch)\n".utf8)) }
        if !report.mismatches.isEmpty { throw ExitCode(1) }
    }

    static func table(_ report: StepGasProfiler.Report, fork: Hardfork) -> String {
        var lines = ["\(report.steps) steps; gas of RV32Step.step (\(fork.fixtureName)), min / median / max",
                     "class            executed   sampled   execution gas              transaction gas"]
        for c in report.classes {
            let e = c.execution, t = c.transaction
            lines.append(pad(c.instructionClass.rawValue, 15) + lpad("\(c.executed)", 10) + lpad("\(c.sampled)", 10)
                         + "   " + pad("\(e.min) / \(e.median) / \(e.max)", 26) + " \(t.min) / \(t.median) / \(t.max)")
        }
        lines.append("mismatches (Swift vs EVM): \(report.mismatches.count)")
        return lines.joined(separator: "\n")
    }

    static func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
    static func lpad(_ s: String, _ width: Int) -> String { s.count >= width ? s : String(repeating: " ", count: width - s.count) + s }

    static func json(_ report: StepGasProfiler.Report) -> String {
        let classes = report.classes.map { c in
            """
            {"class": "\(c.instructionClass.rawValue)", "executed": \(c.executed), "sampled": \(c.sampled), \
            "execution": {"min": \(c.execution.min), "median": \(c.execution.median), "max": \(c.execution.max)}, \
            "transaction": {"min": \(c.transaction.min), "median": \(c.transaction.median), "max": \(c.transaction.max)}}
            """
        }
        return "{\"steps\": \(report.steps), \"mismatches\": \(report.mismatches.count), \"classes\": [\n  "
            + classes.joined(separator: ",\n  ") + "\n]}"
    }
}

/// A bar chart of transaction gas per class (median bar, min–max whisker) with Cannon's MIPS.sol
/// figures at the same pricing as reference marks.
enum GasChart {
    /// Cannon MIPS.sol step, whole transaction with one proof, Cancun: ALU, load, store.
    static let cannon: [(InstructionClass, UInt64)] = [(.alu, 55_209), (.branch, 55_209), (.load, 73_902), (.store, 79_416)]

    static func svg(_ report: StepGasProfiler.Report) -> String {
        let rowHeight = 34, left = 130, width = 560, top = 40
        let maxGas = Double(max(report.classes.map(\.transaction.max).max() ?? 1, 80_000)) * 1.08
        func x(_ gas: UInt64) -> Int { left + Int(Double(width) * Double(gas) / maxGas) }
        let height = top + rowHeight * report.classes.count + 50
        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(left + width + 30)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">",
                   "<text x=\"10\" y=\"20\" font-size=\"14\">RV32Step.step transaction gas by instruction class (median, min–max; red: Cannon MIPS.sol)</text>"]
        for (row, c) in report.classes.enumerated() {
            let y = top + row * rowHeight
            out.append("<text x=\"10\" y=\"\(y + 18)\">\(c.instructionClass.rawValue)</text>")
            out.append("<rect x=\"\(left)\" y=\"\(y + 6)\" width=\"\(x(c.transaction.median) - left)\" height=\"18\" fill=\"#4a7ab5\"/>")
            out.append("<line x1=\"\(x(c.transaction.min))\" y1=\"\(y + 15)\" x2=\"\(x(c.transaction.max))\" y2=\"\(y + 15)\" stroke=\"black\"/>")
            out.append("<text x=\"\(x(c.transaction.max) + 6)\" y=\"\(y + 19)\">\(c.transaction.median)</text>")
            if let reference = cannon.first(where: { $0.0 == c.instructionClass })?.1 {
                out.append("<line x1=\"\(x(reference))\" y1=\"\(y + 2)\" x2=\"\(x(reference))\" y2=\"\(y + 28)\" stroke=\"red\" stroke-width=\"2\"/>")
            }
        }
        let axisY = top + rowHeight * report.classes.count + 10
        out.append("<line x1=\"\(left)\" y1=\"\(axisY)\" x2=\"\(left + width)\" y2=\"\(axisY)\" stroke=\"black\"/>")
        for tick in stride(from: 0, through: Int(maxGas), by: 20_000) {
            out.append("<text x=\"\(x(UInt64(tick)) - 10)\" y=\"\(axisY + 16)\">\(tick / 1000)k</text>")
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}
