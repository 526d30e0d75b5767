import CLABI
import CLEVM
import CLPrimitives

/// geth's `callTracer`: the tree of call frames (type, from, to, value, gas, gasUsed, input, output,
/// error, revertReason, calls), built from the EVM's frame events. The top frame's gas and gasUsed
/// are the transaction's (intrinsic gas included), as geth reports them.
final class CallTracer: EVMTracer {
    final class Frame {
        var type: String
        var from: Address
        var to: Address
        var value: UInt256?
        var gas: Int
        var gasUsed = 0
        var input: [UInt8]
        var output: [UInt8] = []
        var error: String?
        var revertReason: String?
        var calls: [Frame] = []

        init(type: String, from: Address, to: Address, value: UInt256?, gas: Int, input: [UInt8]) {
            self.type = type
            self.from = from
            self.to = to
            self.value = value
            self.gas = gas
            self.input = input
        }
    }

    /// geth's `onlyTopCall`: the nested frames are left out.
    let onlyTopCall: Bool
    private var open: [Frame] = []
    private(set) var root: Frame?

    init(onlyTopCall: Bool) { self.onlyTopCall = onlyTopCall }

    func step(_ step: TraceStep) {}

    func enterFrame(_ message: Message) {
        let type: String
        var value: UInt256? = message.value
        switch message.kind {
        case .call: type = "CALL"
        case .callCode: type = "CALLCODE"
        case .delegateCall: type = "DELEGATECALL"; value = nil
        case .staticCall: type = "STATICCALL"; value = nil
        case .create: type = "CREATE"
        case .create2: type = "CREATE2"
        }
        let isCreate = message.kind == .create || message.kind == .create2
        let target = message.kind == .delegateCall || message.kind == .callCode ? message.codeAddress : message.target
        open.append(Frame(type: type, from: message.caller, to: target, value: value, gas: message.gas,
                          input: isCreate ? message.initcode : message.input))
    }

    func exitFrame(_ result: FrameResult) {
        guard let frame = open.popLast() else { return }
        frame.gasUsed = frame.gas - result.gasLeft
        switch result.status {
        case .success:
            frame.output = result.output
        case .revert:
            frame.output = result.output
            frame.error = "execution reverted"
            if case .error(let reason) = RevertReason(data: result.output) { frame.revertReason = reason }
        default:
            frame.error = CallTracer.gethError(result.status)
        }
        if let parent = open.last {
            if !onlyTopCall { parent.calls.append(frame) }
        } else {
            root = frame
        }
    }

    /// geth's words for an exceptional halt (core/vm/errors.go).
    static func gethError(_ status: ExecutionStatus) -> String {
        switch status {
        case .outOfGas: "out of gas"
        case .stackUnderflow: "stack underflow"
        case .stackOverflow: "stack limit reached 1024 (1023)"
        case .invalidJump: "invalid jump destination"
        case .invalidOpcode: "invalid opcode"
        case .staticStateChange: "write protection"
        case .returnDataOutOfBounds: "return data out of bounds"
        case .invalidCodePrefix: "invalid code: must not begin with 0xef"
        case .codeSizeExceeded: "max code size exceeded"
        case .initcodeSizeExceeded: "max initcode size exceeded"
        case .addressCollision: "contract address collision"
        case .precompileFailure: "precompile failed"
        default: String(describing: status)
        }
    }

    /// The tree as geth's JSON, with the top frame's gas set to the transaction's.
    func json(gasLimit: UInt64, gasUsed: UInt64) -> JSON {
        guard let root else { return .null }
        root.gas = Int(gasLimit)
        root.gasUsed = Int(gasUsed)
        return CallTracer.json(root)
    }

    static func json(_ frame: Frame) -> JSON {
        var members: [(String, JSON)] = [("from", RPCFormat.address(frame.from)), ("gas", RPCFormat.quantity(frame.gas)),
                                         ("gasUsed", RPCFormat.quantity(frame.gasUsed)), ("to", RPCFormat.address(frame.to)),
                                         ("input", RPCFormat.data(frame.input))]
        if !frame.output.isEmpty { members.append(("output", RPCFormat.data(frame.output))) }
        if let error = frame.error { members.append(("error", .string(error))) }
        if let reason = frame.revertReason { members.append(("revertReason", .string(reason))) }
        if !frame.calls.isEmpty { members.append(("calls", .array(frame.calls.map(json)))) }
        if let value = frame.value { members.append(("value", RPCFormat.quantity(value))) }
        members.append(("type", .string(frame.type)))
        return .object(members)
    }
}

/// geth's `prestateTracer` (default mode): the accounts a transaction touched, with their balance,
/// nonce, code and the storage slots it read or wrote, as they were before it. This tracer only
/// gathers the addresses and slots; their earlier values are read from the state before the
/// transaction afterwards.
final class PrestateTracer: EVMTracer {
    private(set) var touched: [Address: Set<UInt256>] = [:]
    private(set) var created: Set<Address> = []
    private var frames: [Address] = []

    init(_ initial: [Address]) { for address in initial { touched[address] = touched[address] ?? [] } }

    private func touch(_ address: Address) { if touched[address] == nil { touched[address] = [] } }

    func enterFrame(_ message: Message) {
        touch(message.caller)
        touch(message.target)
        touch(message.codeAddress)
        if message.kind == .create || message.kind == .create2 { created.insert(message.target) }
        frames.append(message.target)
    }

    func exitFrame(_ result: FrameResult) { if !frames.isEmpty { frames.removeLast() } }

    func step(_ step: TraceStep) {
        let n = step.stack.count
        guard n >= 1 else { return }
        let top = step.stack[n - 1]
        switch step.opcode {
        case 0x54, 0x55:
            if let contract = frames.last { touched[contract, default: []].insert(top) }
        case 0x31, 0x3b, 0x3c, 0x3f, 0xff:
            touch(Address(word: top))
        case 0xf1, 0xf2, 0xf4, 0xfa:
            if n >= 2 { touch(Address(word: step.stack[n - 2])) }
        default:
            break
        }
    }

    /// geth's JSON from the earlier values: accounts the transaction created that were empty before are left out.
    static func json(_ before: [Address: PrestateAccount], created: Set<Address>) -> JSON {
        var members: [(String, JSON)] = []
        for (address, a) in before.sorted(by: { $0.key.hex < $1.key.hex }) {
            let empty = !a.exists || (a.nonce == 0 && a.balance.isZero && a.code.isEmpty)
            if created.contains(address) && empty { continue }
            var fields: [(String, JSON)] = [("balance", RPCFormat.quantity(a.exists ? a.balance : .zero))]
            if a.exists && a.nonce != 0 { fields.append(("nonce", .number(String(a.nonce)))) }
            if a.exists && !a.code.isEmpty { fields.append(("code", RPCFormat.data(a.code))) }
            let slots = a.storage.sorted { $0.key < $1.key }
            if !slots.isEmpty {
                fields.append(("storage", .object(slots.map { ($0.key.bytes32.hex, RPCFormat.hash($0.value.bytes32)) })))
            }
            members.append((address.hex, .object(fields)))
        }
        return .object(members)
    }
}

extension Address {
    /// The address in a stack word's low 20 bytes.
    init(word: UInt256) {
        self = Address(bytes: Array(word.bytes32.bytes[12...]))!
    }
}
