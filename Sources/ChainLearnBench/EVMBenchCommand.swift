import ArgumentParser
import CLEVM
import CLPrimitives
import CLStateTest
import Foundation

/// `chainlearn-bench evm`: runs each evm-benchmarks case (state-test files) as a message call
/// and prints one JSON line per case: name, gas used, best time. `Scripts/bench-evm` drives it
/// side by side with revm (pyrevm) and py-evm.
struct EVMBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evm", abstract: "Time evm-benchmarks cases as message calls (JSON lines out).")

    @Argument(help: "Benchmark state-test files or folders.")
    var paths: [String]

    @Option(help: "Stop repeating a case after this many seconds (at least 3 runs).")
    var seconds: Double = 0.5

    func run() throws {
        let files = StateTestRunner.collectFiles(paths)
        let budget = seconds
        let box = BenchLines()
        StateTestRunner.onLargeStack {
            for file in files {
                do {
                    let tests = try StateTest.parseFile(try Data(contentsOf: URL(fileURLWithPath: file)))
                    for test in tests { box.lines += EVMBenchCommand.bench(test, budget: budget) }
                } catch {
                    box.lines.append("{\"file\":\"\(file)\",\"error\":\"\(error)\"}")
                }
            }
        }
        for line in box.lines { print(line) }
    }

    /// Times every data index of one test; one JSON line each.
    static func bench(_ test: StateTest, budget: Double) -> [String] {
        guard let to = test.transaction.to else { return [] }
        var lines: [String] = []
        let gas = Int(test.transaction.gasLimits.first.flatMap { $0 } ?? 1_000_000_000)
        for (index, data) in test.transaction.data.enumerated() {
            var best = Double.infinity
            var total = 0.0
            var runs = 0
            var gasUsed = 0
            var status = ExecutionStatus.success
            let clock = ContinuousClock()
            while runs < 3 || (total < budget && runs < 50) {
                let backend = InMemoryBackend(accounts: test.pre, storages: test.preStorage)
                let evm = EVM(state: WorldState(backend: backend), block: test.block,
                              context: TransactionContext(origin: test.transaction.sender, gasPrice: .zero))
                var result: FrameResult?
                let elapsed = clock.measure {
                    result = evm.simulateCall(from: test.transaction.sender, to: to, data: data, gas: gas)
                }
                let secondsTaken = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                best = min(best, secondsTaken)
                total += secondsTaken
                runs += 1
                gasUsed = gas - (result?.gasLeft ?? 0)
                status = result?.status ?? .success
            }
            lines.append("{\"name\":\"\(test.name)/\(index)\",\"gasUsed\":\(gasUsed),\"seconds\":\(best),"
                + "\"runs\":\(runs),\"status\":\"\(status)\"}")
        }
        return lines
    }
}

private final class BenchLines: @unchecked Sendable {
    var lines: [String] = []
}
