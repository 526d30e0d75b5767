import CLPrimitives

extension RPCServer {
    /// `txpool_status`, `txpool_content` and `txpool_inspect`, shaped as geth's; nil for other methods.
    func poolMethod(_ method: String, _ p: RPCParams) throws(RPCError) -> JSON? {
        switch method {
        case "txpool_status":
            let content = chain.poolContent
            return .object([("pending", RPCFormat.quantity(content.pending.count)), ("queued", RPCFormat.quantity(content.queued.count))])
        case "txpool_content":
            let content = chain.poolContent
            return .object([("pending", RPCServer.bySender(content.pending) { tx, sender in
                RPCFormat.transaction(tx, sender: sender, blockHash: nil, blockNumber: nil, index: nil, baseFee: nil)
            }), ("queued", RPCServer.bySender(content.queued) { tx, sender in
                RPCFormat.transaction(tx, sender: sender, blockHash: nil, blockNumber: nil, index: nil, baseFee: nil)
            })])
        case "txpool_inspect":
            let content = chain.poolContent
            return .object([("pending", RPCServer.bySender(content.pending, RPCServer.summary)),
                            ("queued", RPCServer.bySender(content.queued, RPCServer.summary))])
        default:
            return nil
        }
    }

    /// `{sender: {nonce: value}}` with checksummed senders and decimal nonces, as geth groups its pool.
    static func bySender(_ transactions: [(Transaction, Address)], _ value: (Transaction, Address) -> JSON) -> JSON {
        var order: [Address] = []
        var grouped: [Address: [(String, JSON)]] = [:]
        for (tx, sender) in transactions {
            if grouped[sender] == nil { order.append(sender) }
            grouped[sender, default: []].append((String(tx.nonce), value(tx, sender)))
        }
        return .object(order.map { ($0.checksummed, .object(grouped[$0] ?? [])) })
    }

    /// geth's one-line summary: `0xTo: 1 wei + 21000 gas × 1000000000 wei`.
    static func summary(_ tx: Transaction, _ sender: Address) -> JSON {
        let target = tx.to.map { $0.checksummed } ?? "contract creation"
        return .string("\(target): \(tx.value) wei + \(tx.gasLimit) gas × \(tx.feeCap) wei")
    }
}
