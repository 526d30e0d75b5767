import CLEVM
import CLPrimitives

/// Gathers the access list a call needs, as geth's access-list tracer does: every storage slot
/// SLOAD or SSTORE touches (under the running contract's address), and every account that BALANCE,
/// EXTCODESIZE, EXTCODECOPY, EXTCODEHASH, SELFDESTRUCT or a call instruction names, except the
/// sender, the recipient and the precompiles (warm anyway). Kept in first-seen order.
final class AccessListTracer: EVMTracer {
    private let excluded: Set<Address>
    private var frames: [Address] = []
    private(set) var order: [Address] = []
    private(set) var slots: [Address: [Bytes32]] = [:]

    init(excluding: Set<Address>) { excluded = excluding }

    private func add(_ address: Address) {
        guard slots[address] == nil else { return }
        slots[address] = []
        order.append(address)
    }

    func enterFrame(_ message: Message) { frames.append(message.target) }
    func exitFrame(_ result: FrameResult) { if !frames.isEmpty { frames.removeLast() } }

    func step(_ step: TraceStep) {
        let n = step.stack.count
        guard n >= 1 else { return }
        let top = step.stack[n - 1]
        var named: Address?
        switch step.opcode {
        case 0x54, 0x55:
            guard let contract = frames.last else { return }
            add(contract)
            if !slots[contract]!.contains(top.bytes32) { slots[contract]!.append(top.bytes32) }
        case 0x31, 0x3b, 0x3c, 0x3f, 0xff: named = Address(word: top)
        case 0xf1, 0xf2, 0xf4, 0xfa: if n >= 2 { named = Address(word: step.stack[n - 2]) }
        default: break
        }
        if let named, !excluded.contains(named), Precompile(address: named) == nil { add(named) }
    }

    var list: [AccessListEntry] { order.map { AccessListEntry(address: $0, storageKeys: slots[$0] ?? []) } }
}

extension RPCServer {
    /// eth_createAccessList and eth_getBlockReceipts; nil for other methods.
    func accessListMethod(_ method: String, _ p: RPCParams, _ meter: ExecutionMeter) throws(RPCError) -> JSON? {
        switch method {
        case "eth_createAccessList":
            var request = capped(try RPCParams.callRequest(try p.required(0, "transaction")))
            let block = try stateBlock(try RPCParams.block(p.optional(1)))
            var excluded: Set<Address> = [request.from ?? .zero]
            if let to = request.to { excluded.insert(to) }
            // As geth: run with the list found so far until it no longer changes (a new list can
            // change the gas left, and so the path taken).
            var list = request.accessList
            var outcome: CallOutcome
            var rounds = 0
            repeat {
                request.accessList = list
                let tracer = AccessListTracer(excluding: excluded)
                outcome = try chainCall { () throws(ChainError) in try chain.simulate(request, block: block, tracer: tracer, meter: meter) }
                let found = tracer.list
                if found == list { break }
                list = found
                rounds += 1
            } while rounds < 8
            var members: [(String, JSON)] = [
                ("accessList", .array(list.map { entry in
                    .object([("address", RPCFormat.address(entry.address)), ("storageKeys", .array(entry.storageKeys.map(RPCFormat.hash)))])
                })),
                ("gasUsed", RPCFormat.quantity(outcome.gasUsed)),
            ]
            switch outcome.status {
            case .success: break
            case .revert: members.append(("error", .string(RevertMessage.message(outcome.output))))
            default: members.append(("error", .string(CallTracer.gethError(outcome.status))))
            }
            return .object(members)
        case "eth_getBlockReceipts":
            guard let number = blockNumber(try RPCParams.block(try p.required(0, "block"))), let block = chain.block(number: number) else {
                return .null
            }
            var receipts: [JSON] = []
            for tx in block.transactions {
                guard let found = chain.receipt(hash: tx.hash) else { throw .internalError("receipt of \(tx.hash.hex) missing") }
                receipts.append(RPCFormat.receipt(found.receipt, stored: found.transaction, blockHash: found.blockHash,
                                                  firstLogIndex: found.firstLogIndex))
            }
            return .array(receipts)
        default:
            return nil
        }
    }
}
