import CLEVM
import CLPrimitives
import Foundation

/// The outcome of one `post.<fork>[i]` case.
public struct CaseOutcome: Sendable {
    /// Passed, failed, or skipped.
    public enum Verdict: String, Sendable { case passed, failed, skipped }
    /// File path as given.
    public var file: String
    /// Test name.
    public var test: String
    /// Position in `post.<fork>`.
    public var position: Int
    /// Data, gas and value indexes.
    public var indexes: (data: Int, gas: Int, value: Int)
    /// The verdict.
    public var verdict: Verdict
    /// Why it failed or was skipped.
    public var reason: String

    /// `file test [i] (d=…, g=…, v=…): reason`.
    public var line: String {
        "\(file) \(test) [\(position)] (d=\(indexes.data), g=\(indexes.gas), v=\(indexes.value)): \(reason)"
    }
}

/// Totals over a run, with each failure and skip.
public struct StateTestSummary: Sendable {
    /// Cases that passed.
    public var passed = 0
    /// Cases that failed (including files that could not be read).
    public var failed = 0
    /// Cases skipped (no case is skipped since the KZG point-evaluation precompile landed; kept for reports).
    public var skipped = 0
    /// Failures, in order.
    public var failures: [String] = []
    /// Skips with their reason.
    public var skips: [String] = []
    /// Files that could not be parsed, with the reason.
    public var fileErrors: [String] = []

    /// Creates an empty summary.
    public init() {}
}

/// Runs GeneralStateTests files for the entries of one fork (`post.Cancun`, `post.Prague` or `post.Osaka`).
public final class StateTestRunner {
    /// The fork whose entries run, under that fork's rules.
    public let fork: Hardfork
    /// Receives EIP-3155 steps when tracing.
    public var tracer: (any EVMTracer)?
    /// Called after each transaction when tracing, with the EIP-3155 summary line values.
    public var onTransactionEnd: ((_ output: [UInt8], _ gasUsed: UInt64, _ error: String?, _ root: Bytes32,
                                   _ passed: Bool) -> Void)?

    /// Creates a runner for `fork`'s entries.
    public init(fork: Hardfork = .cancun) { self.fork = fork }

    /// Expands folders into their `.json` files (sorted); files are kept as given.
    public static func collectFiles(_ paths: [String]) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let base = URL(fileURLWithPath: path)
                var found: [String] = []
                if let walker = fm.enumerator(at: base, includingPropertiesForKeys: nil) {
                    for case let url as URL in walker where url.pathExtension == "json" { found.append(url.path) }
                }
                out += found.sorted()
            } else {
                out.append(path)
            }
        }
        return out
    }

    /// Runs every case of the runner's fork in one file; a file that cannot be read or parsed is reported
    /// in `summary.fileErrors` and counted as one failure.
    public func runFile(_ path: String, into summary: inout StateTestSummary, outcomes: ((CaseOutcome) -> Void)? = nil) {
        let tests: [StateTest]
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            tests = try StateTest.parseFile(data)
        } catch let error as StateTestError {
            summary.failed += 1
            summary.fileErrors.append("\(path): \(error.message)")
            return
        } catch {
            summary.failed += 1
            summary.fileErrors.append("\(path): cannot read (\(error.localizedDescription))")
            return
        }
        for test in tests {
            for expectation in test.expectations[fork] ?? [] {
                let outcome = runCase(test, expectation, file: path)
                switch outcome.verdict {
                case .passed: summary.passed += 1
                case .failed: summary.failed += 1; summary.failures.append(outcome.line)
                case .skipped: summary.skipped += 1; summary.skips.append(outcome.line)
                }
                outcomes?(outcome)
            }
        }
    }

    /// Runs one case and compares the state root and logs hash.
    public func runCase(_ test: StateTest, _ e: Expectation, file: String) -> CaseOutcome {
        var outcome = CaseOutcome(file: file, test: test.name, position: e.position,
                                  indexes: (e.dataIndex, e.gasIndex, e.valueIndex), verdict: .passed, reason: "")
        let backend = InMemoryBackend(accounts: test.pre, storages: test.preStorage)
        let world = WorldState(backend: backend)
        let template = test.transaction
        let evm = EVM(state: world, block: test.block, context: TransactionContext(origin: template.sender, gasPrice: .zero),
                      rules: ForkRules.of(fork))
        evm.tracer = tracer

        var rejection: String?
        var logs: [Log] = []
        var output: [UInt8] = []
        var gasUsed: UInt64 = 0
        var executionError: String?
        if let tx = buildTransaction(template, e) {
            do {
                let result = try evm.executeTransaction(tx)
                logs = result.logs
                output = result.output
                gasUsed = result.gasUsed
                if result.status != .success { executionError = result.status.description }
            } catch {
                rejection = error.description
            }
        } else {
            rejection = "transaction fields out of range"
        }
        let root = StateCommitment.stateRoot(pre: backend, world: world)
        defer { onTransactionEnd?(output, gasUsed, executionError ?? rejection, root, outcome.verdict == .passed) }

        var problems: [String] = []
        if let expected = e.expectException, rejection == nil {
            problems.append("expected exception \(expected) but the transaction was valid")
        }
        if let rejection, e.expectException == nil {
            problems.append("transaction rejected: \(rejection)")
        }
        if root != e.stateRoot { problems.append("state root \(root.hex) != expected \(e.stateRoot.hex)") }
        let logsHash = StateCommitment.logsHash(logs)
        if logsHash != e.logsHash { problems.append("logs hash \(logsHash.hex) != expected \(e.logsHash.hex)") }
        if !problems.isEmpty {
            outcome.verdict = .failed
            outcome.reason = problems.joined(separator: "; ")
        }
        return outcome
    }

    /// The case's transaction, or nil when a field is out of range (such a transaction is invalid).
    func buildTransaction(_ t: TransactionTemplate, _ e: Expectation) -> Transaction? {
        guard !t.hasOversizedField, let nonce = t.nonce, let gas = t.gasLimits[e.gasIndex],
              let value = t.values[e.valueIndex] else { return nil }
        let accessList = t.accessLists[e.dataIndex]
        let type: UInt8
        if t.authorizationList != nil {
            type = 4
        } else if t.blobVersionedHashes != nil {
            type = 3
        } else if t.maxFeePerGas != nil {
            type = 2
        } else if accessList != nil {
            type = 1
        } else {
            type = 0
        }
        return Transaction(type: type, sender: t.sender, nonce: nonce, gasLimit: gas, to: t.to, value: value,
                           data: t.data[e.dataIndex], gasPrice: t.gasPrice ?? .zero,
                           maxFeePerGas: t.maxFeePerGas ?? .zero, maxPriorityFeePerGas: t.maxPriorityFeePerGas ?? .zero,
                           accessList: accessList ?? [], maxFeePerBlobGas: t.maxFeePerBlobGas ?? .zero,
                           blobVersionedHashes: t.blobVersionedHashes ?? [], authorizationList: t.authorizationList ?? [])
    }

    /// Runs `body` on a thread with a 512 MiB stack (deep call chains recurse natively) and waits.
    public static func onLargeStack(_ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        thread.stackSize = 512 << 20
        thread.start()
        done.wait()
    }
}
