import ArgumentParser
import CLEVM
import CLStateTest
import Foundation

/// `chainlearn statetest`: runs ethereum/tests GeneralStateTests files for one fork's entries.
struct StateTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statetest",
        abstract: "Run Ethereum GeneralStateTests (one fork's entries): check post-state roots and logs hashes.")

    @Argument(help: "State-test JSON files or folders (searched recursively).")
    var paths: [String]

    @Flag(help: "Print one JSON summary object (passed, failed, skipped, failures).")
    var json = false

    @Flag(help: "Write EIP-3155 JSON trace lines to stderr.")
    var trace = false

    @Option(help: "Fork whose post entries run: cancun, prague or osaka.")
    var hardfork: Hardfork = .cancun

    func run() throws {
        let files = StateTestRunner.collectFiles(paths)
        let box = SummaryBox()
        let tracing = trace
        let fork = hardfork
        StateTestRunner.onLargeStack {
            let runner = StateTestRunner(fork: fork)
            let tracer = tracing ? EIP3155Tracer(fork: fork) : nil
            if let tracer {
                runner.tracer = tracer
                runner.onTransactionEnd = { output, gasUsed, error, root, passed in
                    tracer.finish(output: output, gasUsed: gasUsed, error: error, stateRoot: root, passed: passed)
                }
            }
            var summary = StateTestSummary()
            for file in files { runner.runFile(file, into: &summary) }
            box.summary = summary
        }
        let summary = box.summary
        if json {
            let object: [String: Any] = [
                "passed": summary.passed, "failed": summary.failed, "skipped": summary.skipped,
                "failures": summary.fileErrors + summary.failures, "skips": summary.skips,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for error in summary.fileErrors { print("ERROR \(error)") }
            for failure in summary.failures { print("FAIL \(failure)") }
            for skip in summary.skips { print("SKIP \(skip)") }
            print("\(summary.passed) passed, \(summary.failed) failed, \(summary.skipped) skipped")
        }
        if summary.failed > 0 { throw ExitCode.failure }
    }
}

/// Carries the summary out of the large-stack thread.
private final class SummaryBox: @unchecked Sendable {
    var summary = StateTestSummary()
}
