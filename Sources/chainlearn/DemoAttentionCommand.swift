import ArgumentParser
import CLDispute
import CLHarness
import CLPrimitives
import Foundation

extension DemoCommand {
    /// `chainlearn demo --attention [--json]`.
    func runAttention() async throws {
        guard phases == 1 else { throw ValidationError("--attention runs one-phase tasks") }
        let (model, input) = Self.files(model: model, input: input)
        var url: URL?
        if let rpcUrl {
            guard let parsed = URL(string: rpcUrl), parsed.scheme == "http" || parsed.scheme == "https" else {
                throw ValidationError("--rpc-url must be an http(s) URL")
            }
            url = parsed
        }
        let demo = AttentionDemo(spec: try TaskFiles(guest: guest, model: model, input: input).spec(), rpcURL: url)
        demo.threshold = try parseSelection(selection)
        let quiet = json
        demo.log = { line in if !quiet { print(line) } }
        let outcomes = try await demo.run()
        func wei(_ value: UInt256) -> JSON { .string(value.uint64.map(String.init) ?? value.hexQuantity) }
        if json {
            print(JSON.object([
                ("threshold", .string(demo.threshold.hexQuantity)), ("bond_wei", wei(demo.bond)),
                ("tasks", .array(outcomes.map { task in
                    .object([("label", .string(task.label)), ("task_id", .int(Int(task.taskId))), ("result_final", .bool(task.resultFinal)),
                             ("defeated", .bool(task.defeated)), ("paid_to_submitter_wei", wei(task.paidToSubmitter)),
                             ("burned_wei", wei(task.burned)),
                             ("validators", .array(task.validators.map { v in
                                 .object([("name", .string(v.name)), ("selected", .bool(v.selected)), ("responded", .bool(v.responded)),
                                          ("accused", .bool(v.accused)), ("verdict", .string(v.verdict))])
                             }))])
                })),
                ("gas", .object(demo.gas.map { ($0.function, .object([("gas", .number(String($0.gas / UInt64(max($0.count, 1))))), ("count", .int($0.count))])) })),
            ]).text)
            return
        }
        print("")
        print("Summary (attention challenge)")
        for task in outcomes {
            print("  \(task.label) (task \(task.taskId)): " + (task.resultFinal ? "final" : (task.defeated ? "wrong result defeated, no final result" : "no result")))
            for v in task.validators {
                print("      \(v.name): \(v.selected ? "selected" : "not selected"), \(v.responded ? "responded" : "no response"), \(v.verdict)")
            }
            if !task.paidToSubmitter.isZero { print("      submitter credited \(Ether.text(task.paidToSubmitter)) ETH of the lazy validator's bond") }
            if !task.burned.isZero { print("      burned \(Ether.text(task.burned)) ETH") }
        }
        print("  gas: " + demo.gas.map { "\($0.function) \($0.gas / UInt64(max($0.count, 1))) (\($0.count)×)" }.joined(separator: ", "))
    }
}
