import CLStateTest
import Foundation
import Testing
import TestSupport

/// Every Cancun case of the ethereum/tests GeneralStateTests subset in `Fixtures/`, through the
/// same runner as `chainlearn statetest`: post-state root and logs hash must match.
@Suite struct StateTestConformanceTests {
    /// Test folders, each run as one parameterised case (so a failure names its folder).
    static let folders: [String] = {
        let base = Fixtures.url("ethereum-tests/GeneralStateTests")
        var out: [String] = []
        let fm = FileManager.default
        for top in ((try? fm.contentsOfDirectory(atPath: base.path)) ?? []).sorted() {
            let topPath = base.appendingPathComponent(top).path
            let children = ((try? fm.contentsOfDirectory(atPath: topPath)) ?? []).sorted()
            if top == "Cancun" || top == "Shanghai" || top == "VMTests" {
                out += children.map { "\(top)/\($0)" }
            } else {
                out.append(top)
            }
        }
        return out
    }()

    @Test(arguments: folders)
    func folderPasses(_ folder: String) {
        let files = StateTestRunner.collectFiles([Fixtures.url("ethereum-tests/GeneralStateTests/\(folder)").path])
        #expect(!files.isEmpty)
        let box = SummaryBox()
        StateTestRunner.onLargeStack {
            let runner = StateTestRunner()
            var summary = StateTestSummary()
            for file in files { runner.runFile(file, into: &summary) }
            box.summary = summary
        }
        let summary = box.summary
        #expect(summary.fileErrors.isEmpty, "\(summary.fileErrors)")
        #expect(summary.failed == 0, "\(summary.failures.prefix(20).joined(separator: "\n"))")
        #expect(summary.passed > 0)
        // Nothing is skipped: the KZG point-evaluation cases run like every other.
        #expect(summary.skipped == 0, "\(summary.skips.prefix(20).joined(separator: "\n"))")
    }

    @Test func totalsCoverTheWholeSubset() {
        let files = StateTestRunner.collectFiles([Fixtures.url("ethereum-tests/GeneralStateTests").path])
        #expect(files.count == 1043)
    }
}

/// Carries a summary out of the large-stack thread.
final class SummaryBox: @unchecked Sendable {
    var summary = StateTestSummary()
}
