import CLDispute
import CLPrimitives
import Foundation
import Testing

@Suite("chainlearn demo flow", .serialized)
struct DemoTests {
    /// The demo's whole flow (in-process chain with SQLite in a temporary folder) on the small guest.
    @Test func honestTaskFinalAndDishonestTaskDefeated() async throws {
        let demo = try Demo(spec: Guests.hello, rpcURL: nil)
        let lines = LineLog()
        demo.log = { lines.append($0) }
        let summary = try await demo.run()
        #expect(summary.steps == Guests.helloTrace.haltingStep)
        #expect(summary.tasks.count == 2)
        let honest = summary.tasks[0], dishonest = summary.tasks[1]
        #expect(honest.resultFinal && honest.output == Guests.helloTrace.output && honest.games == 0)
        #expect(!dishonest.resultFinal && dishonest.defeated && dishonest.games == 1 && dishonest.rounds > 0)
        #expect(summary.parties.allSatisfy { $0.gasUsed > 0 })
        // Every bisection round and the one-step proof were narrated from the chain's events.
        #expect(lines.count(containing: "challenger proposes") == Int(dishonest.rounds))
        #expect(lines.count(containing: "one-step contract computes") == 1)
        #expect(summary.json.text.contains("\"rounds\""))
    }
}

/// Lines collected from the demo's narration.
final class LineLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    func count(containing text: String) -> Int { lock.withLock { lines.filter { $0.contains(text) }.count } }
}
