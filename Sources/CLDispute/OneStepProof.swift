import CLPrimitives

/// Posting the one-step proof of a game's last disputed step (either party), and the data window that
/// follows when the step reads a preimage part the on-chain oracle lacks.
public enum OneStepProof {
    /// Proves any preimage part the step reads (when not yet proven on-chain and the agent holds a preimage the
    /// oracle can take), then posts the witness of S_lo.
    public static func post(gameId: UInt64, game: GameView, trace: Trace, client: MarketClient, who: String,
                            narrate: (@Sendable (String) -> Void)?) async throws(DisputeError) {
        let lo = try game.lo.position("game \(gameId) lo")
        let (witness, part) = try trace.witness(at: lo)
        try await load(part, gameId: gameId, client: client, who: who, narrate: narrate)
        try await client.prove(gameId: gameId, witness: witness)
        narrate?("game \(gameId): \(who) posts the one-step proof of step \(game.lo) → \(game.hi)")
    }

    /// In the data window: loads the part when the agent can, and settles the step once the part is proven or
    /// the window is over. Returns how many transactions it sent.
    public static func settleDataWindow(gameId: UInt64, game: GameView, trace: Trace, client: MarketClient, now: UInt64,
                                        who: String, narrate: (@Sendable (String) -> Void)?) async throws(DisputeError) -> Int {
        let lo = try game.lo.position("game \(gameId) lo")
        let (witness, part) = try trace.witness(at: lo)
        var sent = try await load(part, gameId: gameId, client: client, who: who, narrate: narrate) ? 1 : 0
        var proven = false
        if let part { proven = try await client.isPartProven(key: part.key, offset: part.offset) }
        guard proven || UInt256(now) > game.deadline else { return sent }
        try await client.prove(gameId: gameId, witness: witness)
        narrate?("game \(gameId): \(who) settles the step after the data window (\(proven ? "part proven" : "part never served"))")
        sent += 1
        return sent
    }

    @discardableResult
    private static func load(_ part: PreimageToLoad?, gameId: UInt64, client: MarketClient,
                             who: String, narrate: (@Sendable (String) -> Void)?) async throws(DisputeError) -> Bool {
        guard let part, try await !client.isPartProven(key: part.key, offset: part.offset) else { return false }
        try await client.loadPreimagePart(offset: part.offset, preimage: part.data)
        narrate?("game \(gameId): \(who) proves preimage part at offset \(part.offset) in the PreimageOracle")
        return true
    }
}
