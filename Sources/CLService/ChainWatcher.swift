import CLABI
import CLDispute
import CLPrimitives

/// What a service learns from one scan of the market's and the game's logs.
struct ChainNews: Sendable {
    /// Task ids of `TaskRequested` events.
    var requestedTasks: [UInt64] = []
    /// Challenges this account opened.
    var challengesOpened = 0
    /// Results this account committed.
    var commitments = 0
    /// Games this account won.
    var gamesWon = 0
    /// Games this account played and lost.
    var gamesLost = 0
}

/// Follows the TaskMarket's and the DisputeGame's logs from a block on, block range by block range, and
/// reports the events that concern a service: new tasks (its event-driven discovery; the service also polls
/// `taskCount`, so a missed log only delays a task) and this account's challenges, commitments and game
/// outcomes (its chain-derived metrics). A failed scan is retried from the same block.
final class ChainWatcher: @unchecked Sendable {
    private let client: MarketClient
    private let account: Address
    private var nextBlock: UInt64
    /// Blocks read per `eth_getLogs` call at most.
    private let span: UInt64 = 2_000

    /// A watcher for `account` from block `from`.
    init(client: MarketClient, account: Address, from: UInt64 = 0) {
        self.client = client
        self.account = account
        nextBlock = from
    }

    /// The news since the last successful scan.
    func scan() async throws(DisputeError) -> ChainNews {
        var news = ChainNews()
        let latest = try await client.connection.blockNumber()
        while nextBlock <= latest {
            let end = min(latest, nextBlock + span - 1)
            var decoded: [DecodedEvent] = []
            for (address, artifact) in [(client.deployment.market, client.contracts.market), (client.deployment.game, client.contracts.game)] {
                for log in try await client.connection.logs(address, from: nextBlock, to: end) {
                    if let event = try? artifact.abi.decodeLog(topics: log.topics, data: log.data) { decoded.append(event) }
                }
            }
            for event in decoded { try await take(event, into: &news) }
            nextBlock = end + 1
        }
        return news
    }

    private func take(_ event: DecodedEvent, into news: inout ChainNews) async throws(DisputeError) {
        switch event.event.name {
        case "TaskRequested":
            if let id = Self.uint(event, "taskId")?.uint64 { news.requestedTasks.append(id) }
        case "ChallengeOpened":
            if Self.address(event, "challenger") == account { news.challengesOpened += 1 }
        case "ResultCommitted":
            if Self.address(event, "submitter") == account { news.commitments += 1 }
        case "GameSettled":
            guard let gameId = Self.uint(event, "gameId")?.uint64 else { return }
            if Self.address(event, "winner") == account {
                news.gamesWon += 1
            } else {
                let game = try await client.game(gameId)
                if game.challenger == account || game.submitter == account { news.gamesLost += 1 }
            }
        default:
            break
        }
    }

    static func uint(_ event: DecodedEvent, _ name: String) -> UInt256? {
        if case .value(.uint(let value))? = event.argument(named: name) { return value }
        return nil
    }

    static func address(_ event: DecodedEvent, _ name: String) -> Address? {
        if case .value(.address(let value))? = event.argument(named: name) { return value }
        return nil
    }
}
