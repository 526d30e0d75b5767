import ArgumentParser
import CLDispute
import CLHarness
import CLML
import Foundation

/// `chainlearn sim ...`: simulations of the protocol's incentives.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sim", abstract: "Simulate the protocol's incentives.",
                                                    subcommands: [SimIncentivesCommand.self, SimCostCommand.self])
}

/// One point of the sweep over p_t · G / C.
struct SweepPoint {
    let ratio: Double
    let bond: Double
    let mixed: IncentiveOutcome
    let validatorsCheck: Bool
    let equilibrium: IncentiveOutcome
    var submitterCheats: Bool { equilibrium.cheatingSubmitter > equilibrium.honestSubmitter }
}

struct SimIncentivesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incentives",
        abstract: "Agent-based simulation of the attention challenge: when does checking pay, and does a rational submitter cheat?",
        discussion: """
            Sweeps r = p_t·G/C across 1 (G = r·C/p_t). At each point it runs the tasks with a mixed population \
            (half the validators check, half are lazy) and measures each strategy's average utility; the \
            validators' best response is the strategy with the higher measured utility. It then runs the tasks \
            with every validator playing that response and measures the submitter's utility when honest and \
            when cheating. Selection uses the protocol's rule (attention hash below the threshold) on a fresh \
            random final state per task. Amounts are in US dollars.
            """)

    @Option(help: "C: computation cost per task ($); default: the measured native cost of the model times --cpu-price.")
    var computeCost: Double?
    @Option(help: "$ per CPU-second for the default C.") var cpuPrice = 0.0001
    @Option(help: "The model whose native cost sets the default C.") var model = "Fixtures/ml/fashion-mlp.clml"
    @Option(help: "Its input.") var input = "Fixtures/ml/fashion-sample.clt"
    @Option(help: "p_t, the selection probability.") var selection = 0.01
    @Option(help: "R: a validator's gain for defeating a wrong result, in units of C.") var reward = 100.0
    @Option(help: "L: a cheating submitter's loss when defeated, in units of C.") var loss = 100.0
    @Option(help: "The task fee, in units of C.") var fee = 2.0
    @Option(help: "t: the cost of a response transaction ($).") var responseCost = 0.0
    @Option(help: "p_c: the probability that the submitter cheats in the mixed runs.") var cheating = 0.0
    @Option(help: "Validators of the class.") var validators = 10
    @Option(help: "Tasks per run.") var tasks = 20000
    @Option(help: "Seed.") var seed: UInt64 = 17
    @Option(help: "The ratios p_t·G/C to sweep, comma-separated.")
    var ratios = "0.25,0.5,0.75,0.9,0.95,1,1.05,1.1,1.25,1.5,2,4"
    @Flag(help: "Print only JSON.") var json = false
    @Option(help: "Write the plot of U(check) − U(lazy) against p_t·G/C to this SVG file.") var svg: String?

    func run() async throws {
        guard selection > 0, selection <= 1 else { throw ValidationError("--selection must be in (0, 1]") }
        guard validators >= 2 else { throw ValidationError("--validators must be at least 2") }
        guard tasks > 0 else { throw ValidationError("--tasks must be positive") }
        guard cheating >= 0, cheating <= 1 else { throw ValidationError("--cheating must be in [0, 1]") }
        let sweep = ratios.split(separator: ",").compactMap { Double($0) }
        guard !sweep.isEmpty, sweep.allSatisfy({ $0 > 0 }) else { throw ValidationError("--ratios must be positive numbers") }
        var nativeSeconds: Double?
        let cost: Double
        if let computeCost {
            guard computeCost > 0 else { throw ValidationError("--compute-cost must be positive") }
            cost = computeCost
        } else {
            nativeSeconds = try measureNative()
            cost = nativeSeconds! * cpuPrice
        }
        var points: [SweepPoint] = []
        for ratio in sweep {
            let bond = ratio * cost / selection
            func parameters(checkers: Int, cheating: Double) -> IncentiveParameters {
                IncentiveParameters(computeCost: cost, bond: bond, selection: selection, reward: reward * cost, loss: loss * cost,
                                    fee: fee * cost, responseCost: responseCost, cheating: cheating, validators: validators,
                                    checkers: checkers, tasks: tasks, seed: seed)
            }
            let mixed = IncentiveSimulation.run(parameters(checkers: validators / 2, cheating: cheating))
            let check = mixed.checker > mixed.lazy
            let equilibrium = IncentiveSimulation.run(parameters(checkers: check ? validators : 0, cheating: 0))
            points.append(SweepPoint(ratio: ratio, bond: bond, mixed: mixed, validatorsCheck: check, equilibrium: equilibrium))
        }
        if let svg { try plot(points).write(toFile: svg, atomically: true, encoding: .utf8) }
        if json {
            print(JSON.object([
                ("compute_cost", .number(String(cost))), ("native_seconds", nativeSeconds.map { .number(String($0)) } ?? .null),
                ("selection", .number(String(selection))), ("tasks", .int(tasks)), ("validators", .int(validators)),
                ("cheating", .number(String(cheating))), ("seed", .number(String(seed))),
                ("points", .array(points.map { p in
                    .object([("ratio", .number(String(p.ratio))), ("bond", .number(String(p.bond))),
                             ("u_check", .number(String(p.mixed.checker))), ("u_lazy", .number(String(p.mixed.lazy))),
                             ("u_check_minus_u_lazy_over_c", .number(String((p.mixed.checker - p.mixed.lazy) / cost))),
                             ("validators_check", .bool(p.validatorsCheck)),
                             ("u_submitter_honest", .number(String(p.equilibrium.honestSubmitter))),
                             ("u_submitter_cheat", .number(String(p.equilibrium.cheatingSubmitter))),
                             ("submitter_cheats", .bool(p.submitterCheats))])
                })),
            ]).text)
            return
        }
        print("C = \(cost) $" + (nativeSeconds.map { " (native run \(String(format: "%.6f", $0)) s × \(cpuPrice) $/s)" } ?? "")
              + ", p_t = \(selection), \(validators) validators, \(tasks) tasks, p_c = \(cheating) in the mixed runs, seed \(seed)")
        print("| p_t·G/C | G ($) | U(check)/C | U(lazy)/C | (U(check) − U(lazy))/C | validators | U(honest)/C | U(cheat)/C | submitter |")
        print("|---|---|---|---|---|---|---|---|---|")
        for p in points {
            print("| \(p.ratio) | \(String(format: "%.3g", p.bond)) | \(f(p.mixed.checker / cost)) | \(f(p.mixed.lazy / cost)) | "
                  + "\(f((p.mixed.checker - p.mixed.lazy) / cost)) | \(p.validatorsCheck ? "check" : "lazy") | "
                  + "\(f(p.equilibrium.honestSubmitter / cost)) | \(f(p.equilibrium.cheatingSubmitter / cost)) | \(p.submitterCheats ? "cheats" : "honest") |")
        }
    }

    private func f(_ value: Double) -> String { String(format: "%+.3f", value) }

    /// Median seconds of five native runs of the model's graph (what a validator pays to check a task).
    private func measureNative() throws -> Double {
        let graph = try loadModel(model)
        let inputs = try readTensors(input)
        var times: [Double] = []
        for _ in 0..<5 {
            let start = Date()
            do { _ = try GraphTrace(model: graph, inputs: inputs) } catch { throw ValidationError("\(model): \(error)") }
            times.append(Date().timeIntervalSince(start))
        }
        return times.sorted()[2]
    }

    /// The SVG plot: (U(check) − U(lazy)) / C against p_t·G/C, with the zero line and r = 1 marked.
    private func plot(_ points: [SweepPoint]) -> String {
        let width = 640.0, height = 400.0, left = 70.0, right = 20.0, top = 30.0, bottom = 50.0
        let xs = points.map(\.ratio), ys = points.map { ($0.mixed.checker - $0.mixed.lazy) / ($0.bond * selection / $0.ratio) }
        let xMax = (xs.max() ?? 1) * 1.05, xMin = 0.0
        let yMin = min(ys.min() ?? -1, -0.1) * 1.1, yMax = max(ys.max() ?? 1, 0.1) * 1.1
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * (width - left - right) }
        func py(_ y: Double) -> Double { top + (yMax - y) / (yMax - yMin) * (height - top - bottom) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(width / 2)\" y=\"18\" text-anchor=\"middle\">Measured U(check) − U(lazy), in units of C (p_t = \(selection), \(tasks) tasks)</text>\n"
        svg += "<line x1=\"\(left)\" y1=\"\(py(0))\" x2=\"\(width - right)\" y2=\"\(py(0))\" stroke=\"black\"/>\n"
        svg += "<line x1=\"\(px(1))\" y1=\"\(top)\" x2=\"\(px(1))\" y2=\"\(height - bottom)\" stroke=\"gray\" stroke-dasharray=\"4 3\"/>\n"
        svg += "<text x=\"\(px(1) + 4)\" y=\"\(top + 12)\" fill=\"gray\">p_t·G = C</text>\n"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        for tick in stride(from: 0.0, through: xMax, by: xMax > 3 ? 1 : 0.5) {
            svg += "<text x=\"\(px(tick))\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(tick)</text>\n"
        }
        for tick in [yMin / 1.1, 0, yMax / 1.1] {
            svg += "<text x=\"\(left - 6)\" y=\"\(py(tick) + 4)\" text-anchor=\"end\">\(String(format: "%.2f", tick))</text>\n"
        }
        svg += "<text x=\"\(width / 2)\" y=\"\(height - 12)\" text-anchor=\"middle\">p_t·G / C</text>\n"
        let path = zip(xs, ys).map { "\(px($0)),\(py($1))" }.joined(separator: " ")
        svg += "<polyline fill=\"none\" stroke=\"steelblue\" stroke-width=\"2\" points=\"\(path)\"/>\n"
        for (x, y) in zip(xs, ys) { svg += "<circle cx=\"\(px(x))\" cy=\"\(py(y))\" r=\"3\" fill=\"steelblue\"/>\n" }
        return svg + "</svg>\n"
    }
}

struct SimCostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost",
        abstract: "The attention challenge's extra cost per request: r·G + t·p_t, least 2√(r·t·C) at G = √(t·C/r), p_t = √(r·C/t).")
    @Option(help: "r: the bond's interest per request.") var rate = 0.001
    @Option(help: "C: the computation cost of one request ($).") var computeCost = 0.001
    @Option(help: "t: the cost of a response ($); default from --response-gas, --gas-price-gwei and --eth-usd.") var responseCost: Double?
    @Option(help: "Gas of one response (measured: `chainlearn demo --attention --json`).") var responseGas: Double = 0
    @Option(help: "Gas of one accusation (measured likewise).") var accusationGas: Double = 0
    @Option(help: "Gas price in gwei.") var gasPriceGwei = 1.0
    @Option(help: "US dollars per ether.") var ethUsd = 3000.0

    func run() async throws {
        guard rate > 0, computeCost > 0 else { throw ValidationError("--rate and --compute-cost must be positive") }
        let dollarsPerGas = gasPriceGwei * 1e-9 * ethUsd
        let t = responseCost ?? responseGas * dollarsPerGas
        guard t > 0 else { throw ValidationError("give --response-cost or --response-gas") }
        let best = AttentionCost.optimum(rate: rate, responseCost: t, computeCost: computeCost)
        print("r = \(rate), t = \(t) $, C = \(computeCost) $")
        print("optimum: G = \(best.bond) $, p_t = \(best.selection), extra cost per request r·G + t·p_t = \(best.cost) $ (= 2√(r·t·C))")
        if accusationGas > 0 {
            let accusation = accusationGas * dollarsPerGas
            print("an accusation costs \(accusation) $ (paid only when a selected validator failed; it earns G/2 = \(best.bond / 2) $)")
            if best.bond / 2 <= accusation {
                let credible = AttentionCost.optimum(rate: rate, responseCost: t, computeCost: computeCost, minimumBond: 2 * accusation)
                print("with G/2 at least the accusation's cost: G = \(credible.bond) $, p_t = \(credible.selection), extra cost per request \(credible.cost) $")
            }
        }
    }
}
