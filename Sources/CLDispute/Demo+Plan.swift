import CLML
import CLPrimitives
import Foundation

/// What one demo run plays: its two tasks (honest and dishonest submitter), how each is requested, and how
/// the honest challenger computes its answers.
struct DemoPlan: Sendable {
    /// One task of the run.
    struct Entry: Sendable {
        var label: String
        var submitterIndex: Int
        var claim: any ResultClaim
    }

    var tasks: [Entry]
    /// Posts the task (from the requester).
    var request: @Sendable () async throws(DisputeError) -> UInt64
    /// A fresh honest computation for the challenger of one task.
    var challengerAnswers: @Sendable () -> any GameAnswers
    /// Seconds of the challenger's up-front computation (its FPVM trace, or the native graph trace).
    var traceSeconds: Double
    /// The same in CPU seconds of the process (the graph trace uses every core).
    var traceCPUSeconds: Double
    /// The FPVM steps of the whole run (one phase) or the graph's nodes (two phases).
    var steps: UInt64
    var phases: Int
    /// The states the challenger had to be able to produce, given the positions its game narrowed to.
    var states: @Sendable ([UInt64], any GameAnswers) throws(DisputeError) -> UInt64
}

extension Demo {
    /// The plan of this demo's task.
    func prepare(clients: [MarketClient], names: [String]) async throws(DisputeError) -> DemoPlan {
        let requester = clients[1]
        let fee = UInt256(100_000_000_000_000_000 as UInt64)
        switch task {
        case .onePhase(let spec):
            // The program hash (every party computes it to vet the task; the two-phase `GraphDispute` does so when
            // it is made) loads the program's base image, so neither game's timed trace pays for loading it.
            _ = try spec.programHash()
            let traceStart = Date(), traceCPUStart = ComputeClock.processSeconds()
            let trace = try Trace(spec: spec, stepLimit: Demo.maxSteps, progress: progress)
            let traceSeconds = Date().timeIntervalSince(traceStart)
            let traceCPUSeconds = ComputeClock.processSeconds() - traceCPUStart
            log?("trace: \(trace.haltingStep) steps in \(String(format: "%.2f", traceSeconds)) s, final state \(trace.finalStateHash.hex.prefix(18))…, output \(trace.output.hex.prefix(18))…")
            // Any step is disputable: a preimage-read step's part (at most 4096 bytes) is proven on-chain first.
            let wrongStep = max(1, trace.haltingStep * 2 / 3)
            let tasks = [DemoPlan.Entry(label: "honest task", submitterIndex: 2, claim: try Claim(strategy: .honest, trace: trace)),
                         DemoPlan.Entry(label: "dishonest task", submitterIndex: 4,
                                        claim: try Claim(strategy: .wrongStateFrom(wrongStep), trace: trace))]
            return DemoPlan(
                tasks: tasks,
                request: { () async throws(DisputeError) -> UInt64 in
                    try await requester.request(spec, maxSteps: Demo.maxSteps, fee: fee, commitWindow: 60, revealWindow: 60,
                                                challengePeriod: 600)
                },
                challengerAnswers: { trace }, traceSeconds: traceSeconds, traceCPUSeconds: traceCPUSeconds, steps: trace.haltingStep, phases: 1,
                states: { _, _ in trace.haltingStep + 1 })
        case .twoPhase(let name, let graph, let nodeProgram, let wrongNode):
            let verifier = requester.deployment.verifier
            let traceStart = Date(), traceCPUStart = ComputeClock.processSeconds()
            let timed: GraphTrace
            do { timed = try GraphTrace(model: graph.model, inputs: graph.inputs) } catch { throw .execution("\(name): \(error)") }
            let traceSeconds = Date().timeIntervalSince(traceStart)
            let traceCPUSeconds = ComputeClock.processSeconds() - traceCPUStart
            log?("native graph trace: \(timed.steps.count) nodes in \(String(format: "%.4f", traceSeconds)) s, S_0 \(timed.initialRoot.hex.prefix(18))…, S_N \(timed.root(after: timed.steps.count).hex.prefix(18))…")
            let requesterView = try GraphDispute(name: name, graph: timed, nodeProgram: nodeProgram, verifier: verifier)
            func claim(_ strategy: GraphSubmitterStrategy) throws(DisputeError) -> GraphClaim {
                try GraphClaim(strategy: strategy, dispute: try GraphDispute(name: name, graph: timed, nodeProgram: nodeProgram, verifier: verifier))
            }
            let tasks = [DemoPlan.Entry(label: "honest task", submitterIndex: 2, claim: try claim(.honest)),
                         DemoPlan.Entry(label: "dishonest task", submitterIndex: 4, claim: try claim(.wrongNode(wrongNode)))]
            return DemoPlan(
                tasks: tasks,
                request: { () async throws(DisputeError) -> UInt64 in
                    try await requesterView.request(client: requester, maxNodeSteps: Demo.maxSteps, fee: fee, commitWindow: 60,
                                                    revealWindow: 60, challengePeriod: 600)
                },
                challengerAnswers: {
                    // Same graph, fresh node traces: each task's challenger computes its own phase 2.
                    (try? GraphDispute(name: name, graph: timed, nodeProgram: nodeProgram, verifier: verifier)) ?? requesterView
                },
                traceSeconds: traceSeconds, traceCPUSeconds: traceCPUSeconds, steps: UInt64(timed.steps.count), phases: 2,
                states: { positions, answers throws(DisputeError) -> UInt64 in
                    let graphStates = UInt64(timed.steps.count) + 1
                    guard let k = positions.first, let dispute = answers as? GraphDispute else { return graphStates }
                    return graphStates + (try dispute.nodeTrace(position: k).haltingStep) + 1
                })
        }
    }
}
