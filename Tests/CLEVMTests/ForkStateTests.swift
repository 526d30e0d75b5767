import CLEVM
import CLStateTest
import Foundation
import Testing
import TestSupport

/// The Prague and Osaka state tests filled by the execution specs (`Scripts/gen-fork-state-tests.py`,
/// `Fixtures/forks/state/`): every `post.Prague` and `post.Osaka` entry must match, through the same
/// runner as `chainlearn statetest --hardfork`.
@Suite struct ForkStateTests {
    static func run(_ fork: Hardfork) -> StateTestSummary {
        let files = StateTestRunner.collectFiles([Fixtures.url("forks/state").path])
        let box = SummaryBox()
        StateTestRunner.onLargeStack {
            let runner = StateTestRunner(fork: fork)
            var summary = StateTestSummary()
            for file in files { runner.runFile(file, into: &summary) }
            box.summary = summary
        }
        return box.summary
    }

    @Test(arguments: [Hardfork.prague, .osaka])
    func everyEntryPasses(_ fork: Hardfork) {
        let summary = Self.run(fork)
        #expect(summary.fileErrors.isEmpty, "\(summary.fileErrors)")
        #expect(summary.failed == 0, "\(summary.failures.prefix(20).joined(separator: "\n"))")
        #expect(summary.skipped == 0)
        // 60 entries from Scripts/gen-fork-state-tests.py, 19 from Scripts/gen-set-code-state-tests.py (EIP-7702).
        #expect(summary.passed == 79)
    }

    @Test func cancunHasNoEntriesThere() {
        #expect(Self.run(.cancun).passed == 0)
    }
}
