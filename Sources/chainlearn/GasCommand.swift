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
            calls RV32Step.step for each on an in-process dev chain (--hardfork) and checks each result against \
            the Swift one-step verifier. Execution gas is what the contract's code used; transaction gas \
            adds the 21,000 base and the calldata (4 gas per zero byte, 16 per other byte); the Prague column \
            applies EIP-7623's floor, max(that, 21,000 + 10 per token: a zero byte 1, any other 4). Cannon's \
            MIPS.sol figures stand beside them (its Prague figure a lower bound from its calldata layout).
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
        var lines = ["\(report.steps) steps; gas of RV32Step.step (execution on \(fork.fixtureName)), min / median / max",
                     "class            executed   sampled   execution gas           transaction gas (\(fork.fixtureName))"
                     + "    transaction gas (Prague, EIP-7623 floor)   Cannon MIPS.sol Cancun / Prague"]
        for c in report.classes {
            let e = c.execution, t = c.transaction, p = c.prague
            let cannon = CannonReference.figures(for: c.instructionClass).map { "\($0.cancun) / ≥\($0.pragueAtLeast)" } ?? "—"
            lines.append(pad(c.instructionClass.rawValue, 15) + lpad("\(c.executed)", 10) + lpad("\(c.sampled)", 10)
                         + "   " + pad("\(e.min) / \(e.median) / \(e.max)", 23) + " " + pad("\(t.min) / \(t.median) / \(t.max)", 28)
                         + pad("\(p.min) / \(p.median) / \(p.max)", 43) + cannon)
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
            "transaction": {"min": \(c.transaction.min), "median": \(c.transaction.median), "max": \(c.transaction.max)}, \
            "prague": {"min": \(c.prague.min), "median": \(c.prague.median), "max": \(c.prague.max)}, \
            "costliestStep": \(c.costliestStep)\(cannonJSON(c.instructionClass))}
            """
        }
        return "{\"steps\": \(report.steps), \"mismatches\": \(report.mismatches.count), \"classes\": [\n  "
            + classes.joined(separator: ",\n  ") + "\n]}"
    }

    static func cannonJSON(_ kind: InstructionClass) -> String {
        guard let figures = CannonReference.figures(for: kind) else { return "" }
        return ", \"cannon\": {\"cancun\": \(figures.cancun), \"pragueAtLeast\": \(figures.pragueAtLeast)}"
    }
}

/// Cannon's MIPS.sol step for comparison: its whole-transaction gas under Cancun (one memory proof for an ALU
/// or branch step, two for a load or store), and a lower bound of its Prague cost, the EIP-7623 floor of its
/// calldata counting only the proofs as nonzero: `step(bytes stateData, bytes proof, bytes32 localContext)`
/// carries a selector, three head words, a 226-byte state (padded to 256) with its length word, and the
/// proofs (896 bytes each: leaf and 27 siblings, all present, so nonzero hashes) with their length word.
enum CannonReference {
    /// Cancun figures, whole transaction.
    static let cancun: [(InstructionClass, UInt64)] = [(.alu, 55_209), (.branch, 55_209), (.mExtension, 55_209),
                                                       (.load, 73_902), (.store, 79_416)]

    /// Cancun figure and Prague lower bound for a class, nil where Cannon has no comparable figure.
    static func figures(for kind: InstructionClass) -> (cancun: UInt64, pragueAtLeast: UInt64)? {
        guard let cancun = cancun.first(where: { $0.0 == kind })?.1 else { return nil }
        let proofs: UInt64 = kind == .load || kind == .store ? 2 : 1
        let bytes: UInt64 = 4 + 3 * 32 + 32 + 256 + 32 + 896 * proofs
        let nonzero = 896 * proofs
        let floor = 21_000 + 10 * ((bytes - nonzero) + 4 * nonzero)
        return (cancun, max(cancun, floor))
    }
}

/// A bar chart of transaction gas per class under Cancun pricing and under Prague's calldata floor (median
/// bars, min–max whiskers), with Cannon's MIPS.sol figures as marks (red: Cancun; dashed: Prague lower bound).
enum GasChart {
    static func svg(_ report: StepGasProfiler.Report) -> String {
        let rowHeight = 50, left = 130, width = 600, top = 56
        let highest = report.classes.map { max($0.transaction.max, $0.prague.max) }.max() ?? 1
        let maxGas = Double(max(highest, 100_000)) * 1.08
        func x(_ gas: UInt64) -> Int { left + Int(Double(width) * Double(gas) / maxGas) }
        let height = top + rowHeight * report.classes.count + 50
        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(left + width + 40)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">",
                   "<text x=\"10\" y=\"20\" font-size=\"14\">RV32Step.step (witness v2) transaction gas by class: median, min–max</text>",
                   "<text x=\"10\" y=\"38\"><tspan fill=\"#4a7ab5\">■ Cancun</tspan>  <tspan fill=\"#e0a040\">■ Prague (EIP-7623 floor)</tspan>  <tspan fill=\"red\">| Cannon MIPS.sol Cancun</tspan>  <tspan fill=\"#900\">¦ Cannon Prague (lower bound)</tspan></text>"]
        for (row, c) in report.classes.enumerated() {
            let y = top + row * rowHeight
            out.append("<text x=\"10\" y=\"\(y + 24)\">\(c.instructionClass.rawValue)</text>")
            for (offset, summary, color) in [(4, c.transaction, "#4a7ab5"), (24, c.prague, "#e0a040")] {
                out.append("<rect x=\"\(left)\" y=\"\(y + offset)\" width=\"\(x(summary.median) - left)\" height=\"16\" fill=\"\(color)\"/>")
                out.append("<line x1=\"\(x(summary.min))\" y1=\"\(y + offset + 8)\" x2=\"\(x(summary.max))\" y2=\"\(y + offset + 8)\" stroke=\"black\"/>")
                out.append("<text x=\"\(x(summary.max) + 6)\" y=\"\(y + offset + 12)\">\(summary.max)</text>")
            }
            if let cannon = CannonReference.figures(for: c.instructionClass) {
                out.append("<line x1=\"\(x(cannon.cancun))\" y1=\"\(y + 2)\" x2=\"\(x(cannon.cancun))\" y2=\"\(y + 22)\" stroke=\"red\" stroke-width=\"2\"/>")
                out.append("<line x1=\"\(x(cannon.pragueAtLeast))\" y1=\"\(y + 22)\" x2=\"\(x(cannon.pragueAtLeast))\" y2=\"\(y + 42)\" stroke=\"#900\" stroke-width=\"2\" stroke-dasharray=\"3,2\"/>")
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
