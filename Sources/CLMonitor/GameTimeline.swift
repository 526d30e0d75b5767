import CLABI
import CLPrimitives

/// One move of a game as the chain logged it, with the disputed range after it: what the monitor page draws as
/// one row of a game's bisection timeline.
public struct TimelineMove: Sendable, Equatable {
    /// `opened`, `proposed`, `answered`, `transition`, `data`, `proven`, `timeout` or `resolved`.
    public var kind: String
    /// The block it was mined in.
    public var block: UInt64
    /// The phase (0-based) the move belongs to.
    public var level: UInt64
    /// The agreed position after the move.
    public var lo: UInt64
    /// The disputed position after the move.
    public var hi: UInt64
    /// The phase's length (positions 0 … total).
    public var total: UInt64
    /// The deadline of the next move (0 when the move ends the game).
    public var deadline: UInt64
    /// A sentence for the page.
    public var text: String
}

/// The moves of every game, built from the DisputeGame's logs in order (`GameOpened`, `MidpointProposed`,
/// `MidpointAnswered`, `PhaseTransitioned`, `DataRequested`, `OneStepProven`, `GameTimedOut`, `GameResolved`).
public struct GameTimelines: Sendable {
    /// Moves by game id, in chain order.
    public private(set) var moves: [UInt64: [TimelineMove]] = [:]

    /// No games yet.
    public init() {}

    /// Adds one decoded DisputeGame event mined in `block`; other events are ignored.
    public mutating func take(_ event: DecodedEvent, block: UInt64) {
        guard let gameId = Self.number(event, "gameId") else { return }
        var list = moves[gameId] ?? []
        let last = list.last
        var move = TimelineMove(kind: "", block: block, level: last?.level ?? 0, lo: last?.lo ?? 0, hi: last?.hi ?? 0,
                                total: last?.total ?? 0, deadline: Self.number(event, "deadline") ?? 0, text: "")
        let unit = move.level == 0 ? "position" : "step"
        switch event.event.name {
        case "GameOpened":
            let steps = Self.number(event, "steps") ?? 0
            move.kind = "opened"
            (move.level, move.lo, move.hi, move.total) = (0, 0, steps, steps)
            move.text = "game opened over positions 0…\(steps)"
        case "MidpointProposed":
            move.kind = "proposed"
            move.text = "challenger proposes the state at \(unit) \(Self.number(event, "step") ?? 0) = \(Self.word(event, "stateHash"))"
        case "MidpointAnswered":
            move.kind = "answered"
            move.lo = Self.number(event, "lo") ?? move.lo
            move.hi = Self.number(event, "hi") ?? move.hi
            let agreed = Self.flag(event, "agreed")
            move.text = "submitter \(agreed ? "agrees" : "disagrees") at \(unit) \(Self.number(event, "step") ?? 0): disputed \(move.lo)…\(move.hi)"
        case "PhaseTransitioned":
            let steps = Self.number(event, "steps") ?? 0
            move.kind = "transition"
            (move.level, move.lo, move.hi, move.total) = (Self.number(event, "level") ?? move.level + 1, 0, steps, steps)
            move.text = "phase \(move.level) narrowed to position \(Self.number(event, "position") ?? 0); phase \(move.level + 1) opens over steps 0…\(steps)"
        case "DataRequested":
            move.kind = "data"
            move.text = "the step reads an unproven preimage part (key \(Self.word(event, "preimageKey"))): data window"
        case "OneStepProven":
            move.kind = "proven"
            move.deadline = 0
            let post = Self.word(event, "postStateHash")
            let asserted = Self.word(event, "assertedHash")
            move.text = "one-step proof of step \(Self.number(event, "step") ?? 0): computed \(post), asserted \(asserted)"
                + (post == asserted ? " (match)" : " (mismatch)")
        case "GameTimedOut":
            move.kind = "timeout"
            move.deadline = 0
            move.text = "deadline missed (phase code \(Self.number(event, "phase") ?? 0))"
        case "GameResolved":
            move.kind = "resolved"
            move.deadline = 0
            let winner: String
            if case .value(.address(let address))? = event.argument(named: "winner") { winner = address.hex } else { winner = "?" }
            move.text = "\(Self.flag(event, "challengerWon") ? "challenger" : "submitter") \(winner) wins after \(Self.number(event, "rounds") ?? 0) rounds"
        default:
            return
        }
        list.append(move)
        moves[gameId] = list
    }

    static func number(_ event: DecodedEvent, _ name: String) -> UInt64? {
        if case .value(.uint(let value))? = event.argument(named: name) { return value.uint64 }
        return nil
    }

    static func word(_ event: DecodedEvent, _ name: String) -> String {
        if case .value(.fixedBytes(let bytes))? = event.argument(named: name) { return String(Hex.encode(bytes, prefix: true).prefix(14)) + "…" }
        return "?"
    }

    static func flag(_ event: DecodedEvent, _ name: String) -> Bool {
        if case .value(.bool(let value))? = event.argument(named: name) { return value }
        return false
    }
}
