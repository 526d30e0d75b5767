import CLPrimitives
import Foundation

/// Installed filters (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter), as
/// geth keeps them: each gathers what happened since it was last polled (new block hashes, pending
/// transaction hashes, or logs of newly mined blocks that pass its `LogFilter`) until
/// eth_getFilterChanges takes it. A filter not polled for `timeout` seconds is removed (geth's
/// deadline is 5 minutes), as is one holding more than `maxEntries` unread entries; either way,
/// later calls with its id answer geth's `filter not found`.
final class FilterRegistry: ChainObserver, @unchecked Sendable {
    enum Kind {
        case logs(LogFilter)
        case blocks
        case pendingTransactions
    }

    struct Filter {
        var kind: Kind
        var entries: [JSON] = []
        var lastUsed: ContinuousClock.Instant
    }

    private let lock = NSLock()

    /// Runs `body` holding the lock (with typed throws, which `NSLock.withLock` lacks).
    private func guarded<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
    private var filters: [String: Filter] = [:]
    private var generator = SystemRandomNumberGenerator()
    /// Seconds an unpolled filter lives.
    let timeout: Double
    /// Unread entries one filter may hold.
    let maxEntries: Int
    /// Filters installed at once.
    let maxFilters: Int

    init(timeout: Double, maxEntries: Int, maxFilters: Int) {
        self.timeout = timeout
        self.maxEntries = maxEntries
        self.maxFilters = maxFilters
    }

    /// geth's error for an unknown, expired or removed filter id.
    static let notFound = RPCError.server("filter not found")

    /// Installs a filter; returns its id (128 random bits as a quantity, as geth's `rpc.NewID`).
    func install(_ kind: Kind) throws(RPCError) -> String {
        try guarded { () throws(RPCError) -> String in
            sweep()
            guard filters.count < maxFilters else {
                throw RPCLimits.exceeded("too many filters installed: the limit is \(maxFilters) (--max-filters)")
            }
            var id: String
            repeat {
                let high = generator.next() as UInt64, low = generator.next() as UInt64
                id = "0x" + (high == 0 ? String(low, radix: 16)
                    : String(high, radix: 16) + String(repeating: "0", count: 16 - String(low, radix: 16).count) + String(low, radix: 16))
            } while filters[id] != nil
            filters[id] = Filter(kind: kind, lastUsed: .now)
            return id
        }
    }

    /// The filter's kind, renewing its deadline.
    func kind(of id: String) throws(RPCError) -> Kind {
        try guarded { () throws(RPCError) -> Kind in
            sweep()
            guard filters[id] != nil else { throw FilterRegistry.notFound }
            filters[id]!.lastUsed = .now
            return filters[id]!.kind
        }
    }

    /// What the filter gathered since the last poll; the filter starts again empty.
    func takeChanges(_ id: String) throws(RPCError) -> [JSON] {
        try guarded { () throws(RPCError) -> [JSON] in
            sweep()
            guard var filter = filters[id] else { throw FilterRegistry.notFound }
            let entries = filter.entries
            filter.entries = []
            filter.lastUsed = .now
            filters[id] = filter
            return entries
        }
    }

    /// Removes a filter; false when there was none with this id.
    func uninstall(_ id: String) -> Bool {
        lock.withLock {
            sweep()
            return filters.removeValue(forKey: id) != nil
        }
    }

    /// Removes the filters whose deadline has passed. Caller holds the lock.
    private func sweep() {
        let now = ContinuousClock.Instant.now
        let limit = Duration.nanoseconds(Int64(min(timeout, 1e9) * 1e9))
        for (id, filter) in filters where now - filter.lastUsed > limit { filters[id] = nil }
    }

    private func append(_ entries: [JSON], where wanted: (Kind) -> Bool) {
        guard !entries.isEmpty else { return }
        lock.withLock {
            for (id, filter) in filters where wanted(filter.kind) {
                if filter.entries.count + entries.count > maxEntries { filters[id] = nil; continue }
                filters[id]!.entries += entries
            }
        }
    }

    func chainDidAddBlock(_ block: Block) {
        let hash = RPCFormat.hash(block.hash)
        lock.withLock {
            sweep()
            for (id, filter) in filters {
                switch filter.kind {
                case .blocks:
                    if filter.entries.count >= maxEntries { filters[id] = nil; continue }
                    filters[id]!.entries.append(hash)
                case .logs(let criteria):
                    let matching = block.placedLogs.filter(criteria.matches).map(RPCFormat.log)
                    if matching.isEmpty { continue }
                    if filter.entries.count + matching.count > maxEntries { filters[id] = nil; continue }
                    filters[id]!.entries += matching
                case .pendingTransactions:
                    break
                }
            }
        }
    }

    func chainDidAcceptTransaction(_ hash: Bytes32) {
        append([RPCFormat.hash(hash)]) { if case .pendingTransactions = $0 { true } else { false } }
    }
}

extension RPCServer {
    /// The filter methods; nil for other methods.
    func filterMethod(_ method: String, _ p: RPCParams) throws(RPCError) -> JSON? {
        switch method {
        case "eth_newFilter":
            return .string(try filters.install(.logs(try LogFilter(try p.required(0, "filter")))))
        case "eth_newBlockFilter":
            return .string(try filters.install(.blocks))
        case "eth_newPendingTransactionFilter":
            return .string(try filters.install(.pendingTransactions))
        case "eth_getFilterChanges":
            return .array(try filters.takeChanges(try RPCParams.string(try p.required(0, "filter id"), "filter id")))
        case "eth_getFilterLogs":
            let id = try RPCParams.string(try p.required(0, "filter id"), "filter id")
            guard case .logs(let criteria) = try filters.kind(of: id) else { throw FilterRegistry.notFound }
            return try logs(matching: criteria)
        case "eth_uninstallFilter":
            return .bool(filters.uninstall(try RPCParams.string(try p.required(0, "filter id"), "filter id")))
        default:
            return nil
        }
    }
}
