import CLPrimitives

/// A log filter as eth_getLogs, eth_newFilter and the `logs` subscription take it: a block hash or
/// a range (bounds kept as given, so that `latest` is read when the filter is used), addresses, and
/// up to four topic positions, each any value (null) or one of a list.
struct LogFilter: Sendable {
    /// The one block to search (EIP-234), instead of a range.
    var blockHash: Bytes32?
    /// The range's first block (nil: the head when the query runs).
    var fromBlock: BlockSelector?
    /// The range's last block (nil: the head when the query runs).
    var toBlock: BlockSelector?
    /// Emitting contracts (empty: any).
    var addresses: [Address] = []
    /// Per position: nil for any topic, else one of these.
    var topics: [[Bytes32]?] = []

    /// Parses a filter object in geth's rules (`blockHash` excludes `fromBlock`/`toBlock`; at most
    /// 4 topic positions, 1,000 addresses and 1,000 alternatives per position).
    init(_ filter: JSON) throws(RPCError) {
        guard case .object = filter else { throw .invalidParams("filter: expected an object") }
        if let hash = filter["blockHash"], !hash.isNull {
            if filter["fromBlock"].map({ !$0.isNull }) == true || filter["toBlock"].map({ !$0.isNull }) == true {
                throw .invalidParams("cannot specify both blockHash and fromBlock/toBlock, choose one or the other")
            }
            blockHash = try RPCParams.hash(hash, "blockHash")
        } else {
            if let f = filter["fromBlock"], !f.isNull { fromBlock = try RPCParams.block(f) }
            if let t = filter["toBlock"], !t.isNull { toBlock = try RPCParams.block(t) }
        }
        switch filter["address"] {
        case nil, .null?: break
        case .array(let items)?:
            guard items.count <= 1000 else { throw RPCLimits.exceeded("more than 1000 addresses in a filter") }
            for item in items { addresses.append(try RPCParams.address(item)) }
        case let single?: addresses.append(try RPCParams.address(single))
        }
        if let list = filter["topics"], !list.isNull {
            guard let items = list.arrayValue else { throw .invalidParams("topics: expected an array") }
            guard items.count <= 4 else { throw .invalidParams("too many topics: \(items.count), at most 4") }
            for item in items {
                switch item {
                case .null: topics.append(nil)
                case .array(let options):
                    guard options.count <= 1000 else { throw RPCLimits.exceeded("more than 1000 alternatives for one topic") }
                    var values: [Bytes32] = []
                    for option in options { values.append(try RPCParams.hash(option, "topic")) }
                    topics.append(values.isEmpty ? nil : values)
                default: topics.append([try RPCParams.hash(item, "topic")])
                }
            }
        }
    }

    /// True when a log of a newly mined block passes the filter: its address and topics match, and
    /// its block is the filter's hash or inside numeric bounds (symbolic bounds follow the head).
    func matches(_ placed: PlacedLog) -> Bool {
        if let blockHash, placed.blockHash != blockHash { return false }
        if case .number(let n)? = fromBlock, placed.blockNumber < n { return false }
        if case .number(let n)? = toBlock, placed.blockNumber > n { return false }
        if !addresses.isEmpty && !addresses.contains(placed.log.address) { return false }
        for (position, options) in topics.enumerated() {
            guard let options else { continue }
            guard position < placed.log.topics.count, options.contains(placed.log.topics[position]) else { return false }
        }
        return true
    }
}

extension RPCServer {
    /// The logs a filter selects from the chain now (eth_getLogs, eth_getFilterLogs), within the
    /// block-range and result limits.
    func logs(matching filter: LogFilter) throws(RPCError) -> JSON {
        let head = chain.blockNumber
        var from = head, to = head
        if let hash = filter.blockHash {
            guard let block = chain.block(hash: hash) else { throw .server("unknown block") }
            from = block.header.number
            to = from
        } else {
            if let f = filter.fromBlock {
                guard let n = blockNumber(f) else { throw .server("unknown block") }
                from = n
            }
            if let t = filter.toBlock {
                guard let n = blockNumber(t) else { throw .server("unknown block") }
                to = n
            }
        }
        // Both bounds are compared as given (neither beyond 2^63 − 1, which RPCParams refuses);
        // blocks after the head hold no logs, so the span counted is the part up to the head.
        if from > to { throw .invalidParams("fromBlock is after toBlock") }
        if from <= head, min(to, head) - from >= limits.maxLogsBlockRange {
            throw RPCLimits.exceeded("block range of \(min(to, head) - from + 1) blocks exceeds the limit of \(limits.maxLogsBlockRange) (--max-logs-range)")
        }
        let limit = min(limits.maxLogs, Int.max - 1)
        let logs = try chainCall { () throws(ChainError) in
            try chain.logs(from: from, to: to, addresses: filter.addresses, topics: filter.topics, limit: limit + 1)
        }
        if logs.count > limit {
            throw RPCLimits.exceeded("query returned more than \(limit) results (--max-logs); narrow the block range or the filter")
        }
        return .array(logs.map(RPCFormat.log))
    }
}
