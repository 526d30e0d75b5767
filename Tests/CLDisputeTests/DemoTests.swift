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

    /// The two-phase demo on the Fashion MLP (2 graph nodes): the wrong node is narrowed in phase 1, the
    /// transition is narrated, and the summary counts rounds per phase and what the challenger computed.
    @Test func twoPhaseDemoNarratesBothPhasesAndTheTransition() async throws {
        let graph = try TwoPhase.graph("ml/fashion-mlp.clml", "ml/fashion-sample.clt")
        let demo = try Demo(task: .twoPhase(name: "fashion-mlp", graph: graph, nodeProgram: TwoPhase.elf, wrongNode: 2), rpcURL: nil)
        let lines = LineLog()
        demo.log = { lines.append($0) }
        let summary = try await demo.run()
        #expect(summary.phases == 2 && summary.steps == 2)
        let honest = summary.tasks[0], dishonest = summary.tasks[1]
        #expect(honest.resultFinal && honest.output == graph.steps.last!.outputKey)
        #expect(dishonest.defeated && dishonest.positions == [2] && dishonest.roundsPerPhase.count == 2)
        #expect(dishonest.roundsPerPhase.reduce(0, +) == dishonest.rounds && dishonest.roundsPerPhase[1] > 0)
        #expect(lines.count(containing: "phase 1 narrowed to node position 2") == 1)
        #expect(lines.count(containing: "one-step contract computes") == 1)
        #expect(dishonest.statesToProduce > 3 && dishonest.challengerComputeSeconds > 0)
        let challenger = try #require(summary.parties.first { $0.name == "honest challenger" })
        #expect(challenger.byFunction.contains { $0.function == "propose (phase 2)" })
    }
}

/// Lines collected from the demo's narration.
final class LineLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    func count(containing text: String) -> Int { lock.withLock { lines.filter { $0.contains(text) }.count } }
}
