import CLABI
import CLPrimitives

/// Follows a deployment's TaskMarket and DisputeGame logs and renders each event as one line, so users
/// and the demo can watch every move of every game as it is mined.
public final class EventFeed: @unchecked Sendable {
    private let connection: ChainConnection
    private let contracts: ContractSet
    private let deployment: Deployment
    private var nextBlock: UInt64

    /// A feed starting at block `from`.
    public init(connection: ChainConnection, contracts: ContractSet, deployment: Deployment, from: UInt64 = 0) {
        self.connection = connection
        self.contracts = contracts
        self.deployment = deployment
        nextBlock = from
    }

    /// The lines for the events mined since the last call.
    public func poll() async throws(DisputeError) -> [String] {
        var entries: [(UInt64, UInt64, String)] = []
        let latest = try await connection.blockNumber()
        guard latest >= nextBlock else { return [] }
        for (address, artifact) in [(deployment.market, contracts.market), (deployment.game, contracts.game)] {
            for log in try await connection.logs(address, from: nextBlock, to: latest) {
                guard let decoded = try? artifact.abi.decodeLog(topics: log.topics, data: log.data) else { continue }
                entries.append((log.block, log.logIndex, EventFeed.render(decoded)))
            }
        }
        nextBlock = latest + 1
        return entries.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { "[block \($0.0)] \($0.2)" }
    }

    static func render(_ event: DecodedEvent) -> String {
        func text(_ name: String) -> String {
            guard let argument = event.argument(named: name) else { return "?" }
            switch argument {
            case .hashedTopic(let hash): return short(hash.bytes)
            case .value(let value):
                switch value {
                case .uint(let number): return number.uint64.map(String.init) ?? number.hexQuantity
                case .address(let address): return String(address.hex.prefix(10)) + "…"
                case .bool(let flag): return flag ? "yes" : "no"
                case .fixedBytes(let bytes): return short(bytes)
                default: return value.kindName
                }
            }
        }
        switch event.event.name {
        case "ProgramRegistered": return "program \(text("programHash")) registered (base memory root \(text("memRoot")))"
        case "TaskRequested": return "task \(text("taskId")) requested by \(text("requester")): fee \(text("fee")) wei, at most \(text("maxSteps")) steps, S0 \(text("initialStateHash"))"
        case "ResultCommitted": return "task \(text("taskId")): submission \(text("submissionId")) committed by \(text("submitter"))"
        case "ResultRevealed": return "submission \(text("submissionId")) revealed: final state \(text("finalStateHash")), output \(text("output")), \(text("steps")) steps"
        case "ChallengeOpened": return "submission \(text("submissionId")) challenged by \(text("challenger")): game \(text("gameId"))"
        case "GameOpened": return "game \(text("gameId")) opened over steps 0…\(text("steps"))"
        case "MidpointProposed": return "game \(text("gameId")): challenger proposes S_\(text("step")) = \(text("stateHash"))"
        case "MidpointAnswered": return "game \(text("gameId")): submitter \(text("agreed") == "yes" ? "agrees" : "disagrees") at step \(text("step")) → disputed range \(text("lo"))…\(text("hi"))"
        case "OneStepProven": return "game \(text("gameId")): one-step contract computes S_\(text("step")) = \(text("postStateHash")) (asserted \(text("assertedHash")))"
        case "GraphTaskRequested": return "task \(text("taskId")) is a two-phase task: \(text("nodeCount")) graph nodes, then at most \(text("maxNodeSteps")) FPVM steps of one node (verifier \(text("verifier")), node program \(text("nodeProgram")))"
        case "PhaseTransitioned": return "game \(text("gameId")): phase 1 narrowed to node position \(text("position")); phase \(UInt64(text("level")).map { String($0 + 1) } ?? "?") opens over FPVM steps 0…\(text("steps")) (start \(text("startHash")), claimed final \(text("claimHash")))"
        case "DataRequested": return "game \(text("gameId")): the step reads an unproven preimage part (key \(text("preimageKey")), offset \(text("offset"))); data window until \(text("deadline"))"
        case "GameTimedOut": return "game \(text("gameId")): deadline missed in phase \(text("phase"))"
        case "GameResolved": return "game \(text("gameId")) over after \(text("rounds")) rounds: \(text("challengerWon") == "yes" ? "challenger" : "submitter") \(text("winner")) wins"
        case "GameSettled": return "submission \(text("submissionId")), game \(text("gameId")): \(text("paidToWinner")) wei to the winner, \(text("burnedAmount")) wei burned, challenges until \(text("challengeDeadline"))"
        case "TaskFinalized":
            if text("submissionId") == "0" { return "task \(text("taskId")) closed without a result: fee \(text("fee")) wei back to the requester" }
            return "task \(text("taskId")) final: submission \(text("submissionId")) paid \(text("fee")) wei, output \(text("output"))"
        case "Credited": return "credited \(text("amount")) wei to \(text("account"))"
        case "Withdrawn": return "\(text("account")) withdrew \(text("amount")) wei to \(text("recipient"))"
        default: return event.event.name
        }
    }

    static func short(_ bytes: [UInt8]) -> String { String(Hex.encode(bytes, prefix: true).prefix(14)) + "…" }
}
