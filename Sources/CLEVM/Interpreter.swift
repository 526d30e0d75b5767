import CLPrimitives

extension Memory {
    /// Charges for and performs expansion to cover `[offset, offset+size)`.
    /// Returns false when the region is unpayable (out of gas). A zero size never expands.
    @inline(__always)
    mutating func expand(offset: UInt256, size: UInt256, gas: inout Int) -> Bool {
        if size.isZero { return true }
        guard let o = offset.uint64, let s = size.uint64, o <= 0xFFFF_FFFF, s <= 0xFFFF_FFFF else { return false }
        let end = Int(o + s)
        if end <= self.size { return true }
        return expand(toEnd: end, gas: &gas)
    }

    /// Charges for and performs growth to at least `end` bytes.
    mutating func expand(toEnd end: Int, gas: inout Int) -> Bool {
        let newWords = wordCount(end)
        let oldWords = size / 32
        let cost = memoryCost(words: newWords) - memoryCost(words: oldWords)
        gas -= cost
        if gas < 0 { return false }
        grow(to: newWords * 32)
        return true
    }
}

extension EVM {
    /// Runs `code` for `message`; the caller has set up the frame's state changes.
    func execute(code: AnalyzedCode, message: Message) -> FrameResult {
        let stack = stackBuffer(depth: message.depth)
        var n = 0
        var pc = 0
        var gas = message.gas
        var memory = Memory()
        defer { memory.release() }
        var returnData: [UInt8] = []
        var output: [UInt8] = []
        var status = ExecutionStatus.success
        let codePtr = code.padded
        let jumpBitmap = code.jumpdests
        let codeLength = UInt64(code.count)
        /// True when `d` is a JUMPDEST position (not inside PUSH data).
        @inline(__always) func isJumpdest(_ d: UInt256) -> Bool {
            guard (d.w1 | d.w2 | d.w3) == 0, d.w0 < codeLength else { return false }
            return jumpBitmap[Int(truncatingIfNeeded: d.w0 >> 6)] & (1 << (d.w0 & 63)) != 0
        }
        let table = packedTraits
        let hasCLZ = clzDefined
        let tracing = tracer != nil
        let selfAddress = message.target

        loop: while true {
            let op = codePtr[pc]
            let row = table[Int(op)]
            if tracing { beginTrace(pc: pc, op: op, gas: gas, stack: stack, n: n, memory: memory, depth: message.depth) }
            let minimum = Int(truncatingIfNeeded: (row >> 32) & 0xFFFF)
            let maximum = Int(truncatingIfNeeded: row >> 48)
            if UInt(bitPattern: n &- minimum) > UInt(bitPattern: maximum &- minimum) {
                status = n < minimum ? .stackUnderflow : .stackOverflow
                break loop
            }
            gas &-= Int(truncatingIfNeeded: row & 0xFFFF_FFFF)
            if gas < 0 { status = .outOfGas; break loop }

            switch op {
            case 0x00:
                break loop
            case 0x01: stack[n &- 2] = stack[n &- 1] &+ stack[n &- 2]; n &-= 1
            case 0x02: stack[n &- 2] = stack[n &- 1] &* stack[n &- 2]; n &-= 1
            case 0x03: stack[n &- 2] = stack[n &- 1] &- stack[n &- 2]; n &-= 1
            case 0x04: stack[n &- 2] = stack[n &- 1].div(stack[n &- 2]); n &-= 1
            case 0x05: stack[n &- 2] = stack[n &- 1].sdiv(stack[n &- 2]); n &-= 1
            case 0x06: stack[n &- 2] = stack[n &- 1].mod(stack[n &- 2]); n &-= 1
            case 0x07: stack[n &- 2] = stack[n &- 1].smod(stack[n &- 2]); n &-= 1
            case 0x08: stack[n &- 3] = stack[n &- 1].addmod(stack[n &- 2], stack[n &- 3]); n &-= 2
            case 0x09: stack[n &- 3] = stack[n &- 1].mulmod(stack[n &- 2], stack[n &- 3]); n &-= 2
            case 0x0a:
                let exponent = stack[n &- 2]
                gas -= 50 * exponent.byteWidth
                if gas < 0 { status = .outOfGas; break loop }
                stack[n &- 2] = stack[n &- 1].exp(exponent); n &-= 1
            case 0x0b: stack[n &- 2] = stack[n &- 1].signextend(stack[n &- 2]); n &-= 1
            case 0x10: stack[n &- 2] = stack[n &- 1] < stack[n &- 2] ? .one : .zero; n &-= 1
            case 0x11: stack[n &- 2] = stack[n &- 2] < stack[n &- 1] ? .one : .zero; n &-= 1
            case 0x12: stack[n &- 2] = stack[n &- 1].signedLessThan(stack[n &- 2]) ? .one : .zero; n &-= 1
            case 0x13: stack[n &- 2] = stack[n &- 2].signedLessThan(stack[n &- 1]) ? .one : .zero; n &-= 1
            case 0x14: stack[n &- 2] = stack[n &- 1] == stack[n &- 2] ? .one : .zero; n &-= 1
            case 0x15: stack[n &- 1] = stack[n &- 1].isZero ? .one : .zero
            case 0x16: stack[n &- 2] = stack[n &- 1] & stack[n &- 2]; n &-= 1
            case 0x17: stack[n &- 2] = stack[n &- 1] | stack[n &- 2]; n &-= 1
            case 0x18: stack[n &- 2] = stack[n &- 1] ^ stack[n &- 2]; n &-= 1
            case 0x19: stack[n &- 1] = ~stack[n &- 1]
            case 0x1a: stack[n &- 2] = stack[n &- 1].byte(stack[n &- 2]); n &-= 1
            case 0x1b: stack[n &- 2] = stack[n &- 1].shl(stack[n &- 2]); n &-= 1
            case 0x1c: stack[n &- 2] = stack[n &- 1].shr(stack[n &- 2]); n &-= 1
            case 0x1d: stack[n &- 2] = stack[n &- 1].sar(stack[n &- 2]); n &-= 1
            case 0x1e:
                // CLZ (EIP-7939): only Osaka's table defines 0x1e; elsewhere the row is undefined.
                guard hasCLZ else { status = .invalidOpcode; break loop }
                stack[n &- 1] = UInt256(UInt64(256 &- stack[n &- 1].bitWidth))
            case 0x20:
                let offset = stack[n &- 1], size = stack[n &- 2]
                guard memory.expand(offset: offset, size: size, gas: &gas) else { status = .outOfGas; break loop }
                let len = Int(size.w0)
                gas -= 6 * wordCount(len)
                if gas < 0 { status = .outOfGas; break loop }
                let hash = len == 0 ? emptyCodeHash
                    : Keccak256.hash(UnsafeRawBufferPointer(start: memory.base + Int(offset.w0), count: len))
                stack[n &- 2] = UInt256(hash); n &-= 1
            case 0x30: stack[n] = selfAddress.stackWord; n &+= 1
            case 0x31:
                let address = Address(stackWord: stack[n &- 1])
                gas -= state.warmAddress(address) ? 2600 : 100
                if gas < 0 { status = .outOfGas; break loop }
                stack[n &- 1] = state.account(address).balance
            case 0x32: stack[n] = context.origin.stackWord; n &+= 1
            case 0x33: stack[n] = message.caller.stackWord; n &+= 1
            case 0x34: stack[n] = message.value; n &+= 1
            case 0x35:
                let offset = stack[n &- 1]
                stack[n &- 1] = message.input.withUnsafeBytes { loadPadded($0, offset) }
            case 0x36: stack[n] = UInt256(message.input.count); n &+= 1
            case 0x37, 0x39, 0x3e:
                let memOffset = stack[n &- 1], dataOffset = stack[n &- 2], size = stack[n &- 3]
                n -= 3
                guard memory.expand(offset: memOffset, size: size, gas: &gas) else { status = .outOfGas; break loop }
                if op == 0x3e {
                    guard let d = dataOffset.uint64, let s = size.uint64, d <= UInt64(returnData.count),
                          s <= UInt64(returnData.count) - d else { status = .returnDataOutOfBounds; break loop }
                }
                let len = Int(size.w0)
                gas -= 3 * wordCount(len)
                if gas < 0 { status = .outOfGas; break loop }
                if len > 0 {
                    let dst = Int(memOffset.w0)
                    switch op {
                    case 0x37: message.input.withUnsafeBytes { memory.write(dst, len, from: $0, at: dataOffset) }
                    case 0x39:
                        memory.write(dst, len, from: UnsafeRawBufferPointer(start: codePtr, count: code.count), at: dataOffset)
                    default: returnData.withUnsafeBytes { memory.write(dst, len, from: $0, at: dataOffset) }
                    }
                }
            case 0x38: stack[n] = UInt256(code.count); n &+= 1
            case 0x3a: stack[n] = context.gasPrice; n &+= 1
            case 0x3b:
                let address = Address(stackWord: stack[n &- 1])
                gas -= state.warmAddress(address) ? 2600 : 100
                if gas < 0 { status = .outOfGas; break loop }
                stack[n &- 1] = UInt256(state.account(address).code.count)
            case 0x3c:
                let address = Address(stackWord: stack[n &- 1])
                let memOffset = stack[n &- 2], codeOffset = stack[n &- 3], size = stack[n &- 4]
                n -= 4
                guard memory.expand(offset: memOffset, size: size, gas: &gas) else { status = .outOfGas; break loop }
                gas -= 3 * wordCount(Int(size.w0)) + (state.warmAddress(address) ? 2600 : 100)
                if gas < 0 { status = .outOfGas; break loop }
                let len = Int(size.w0)
                if len > 0 {
                    state.account(address).code.withUnsafeBytes { memory.write(Int(memOffset.w0), len, from: $0, at: codeOffset) }
                }
            case 0x3d: stack[n] = UInt256(returnData.count); n &+= 1
            case 0x3f:
                let address = Address(stackWord: stack[n &- 1])
                gas -= state.warmAddress(address) ? 2600 : 100
                if gas < 0 { status = .outOfGas; break loop }
                let a = state.account(address)
                stack[n &- 1] = a.isAlive ? UInt256(a.codeHash) : .zero
            case 0x40:
                let number = stack[n &- 1]
                var result = UInt256.zero
                if let requested = number.uint64, requested < block.number, block.number - requested <= 256 {
                    result = UInt256(state.backend.blockHash(number: requested))
                }
                stack[n &- 1] = result
            case 0x41: stack[n] = block.coinbase.stackWord; n &+= 1
            case 0x42: stack[n] = UInt256(block.timestamp); n &+= 1
            case 0x43: stack[n] = UInt256(block.number); n &+= 1
            case 0x44: stack[n] = UInt256(block.prevRandao); n &+= 1
            case 0x45: stack[n] = UInt256(block.gasLimit); n &+= 1
            case 0x46: stack[n] = block.chainId; n &+= 1
            case 0x47: stack[n] = state.account(selfAddress).balance; n &+= 1
            case 0x48: stack[n] = block.baseFee; n &+= 1
            case 0x49:
                let index = stack[n &- 1]
                if let i = index.int, i < context.blobHashes.count {
                    stack[n &- 1] = UInt256(context.blobHashes[i])
                } else {
                    stack[n &- 1] = .zero
                }
            case 0x4a: stack[n] = blobBaseFee; n &+= 1
            case 0x50: n &-= 1
            case 0x51:
                let offset = stack[n &- 1]
                guard memory.expand(offset: offset, size: UInt256(32 as UInt64), gas: &gas) else {
                    status = .outOfGas; break loop
                }
                stack[n &- 1] = memory.loadWord(Int(offset.w0))
            case 0x52:
                let offset = stack[n &- 1]
                guard memory.expand(offset: offset, size: UInt256(32 as UInt64), gas: &gas) else {
                    status = .outOfGas; break loop
                }
                memory.storeWord(Int(offset.w0), stack[n &- 2]); n &-= 2
            case 0x53:
                let offset = stack[n &- 1]
                guard memory.expand(offset: offset, size: .one, gas: &gas) else { status = .outOfGas; break loop }
                memory.base.storeBytes(of: UInt8(truncatingIfNeeded: stack[n &- 2].w0), toByteOffset: Int(offset.w0),
                                       as: UInt8.self)
                n &-= 2
            case 0x54:
                let key = stack[n &- 1]
                gas -= state.warmSlot(SlotKey(selfAddress, key)) ? 2100 : 100
                if gas < 0 { status = .outOfGas; break loop }
                stack[n &- 1] = state.storageValue(state.account(selfAddress), key)
            case 0x55:
                if message.isStatic { status = .staticStateChange; break loop }
                if gas <= 2300 { status = .outOfGas; break loop }
                let key = stack[n &- 1], newValue = stack[n &- 2]
                n &-= 2
                sstore(key: key, value: newValue, address: selfAddress, gas: &gas)
                if gas < 0 { status = .outOfGas; break loop }
            case 0x56:
                let destination = stack[n &- 1]
                n &-= 1
                guard isJumpdest(destination) else { status = .invalidJump; break loop }
                pc = Int(destination.w0)
                if tracing { endTrace(gas: gas) }
                continue loop
            case 0x57:
                let destination = stack[n &- 1], condition = stack[n &- 2]
                n &-= 2
                if !condition.isZero {
                    guard isJumpdest(destination) else { status = .invalidJump; break loop }
                    pc = Int(destination.w0)
                    if tracing { endTrace(gas: gas) }
                    continue loop
                }
            case 0x58: stack[n] = UInt256(pc); n &+= 1
            case 0x59: stack[n] = UInt256(memory.size); n &+= 1
            case 0x5a: stack[n] = UInt256(gas); n &+= 1
            case 0x5b:
                // Runs of JUMPDESTs (1 gas each, no stack effect) are consumed in one step when untraced.
                if !tracing {
                    while codePtr[pc &+ 1] == 0x5b && gas >= 1 { gas &-= 1; pc &+= 1 }
                }
            case 0x5c: stack[n &- 1] = state.transientValue(SlotKey(selfAddress, stack[n &- 1]))
            case 0x5d:
                if message.isStatic { status = .staticStateChange; break loop }
                state.setTransient(SlotKey(selfAddress, stack[n &- 1]), stack[n &- 2])
                n &-= 2
            case 0x5e:
                let dst = stack[n &- 1], src = stack[n &- 2], size = stack[n &- 3]
                n -= 3
                if !size.isZero {
                    guard let d = dst.uint64, let s = src.uint64, let l = size.uint64,
                          d <= 0xFFFF_FFFF, s <= 0xFFFF_FFFF, l <= 0xFFFF_FFFF else { status = .outOfGas; break loop }
                    let end = Int(max(d, s) + l)
                    if end > memory.size {
                        guard memory.expand(toEnd: end, gas: &gas) else { status = .outOfGas; break loop }
                    }
                    gas -= 3 * wordCount(Int(l))
                    if gas < 0 { status = .outOfGas; break loop }
                    (memory.base + Int(d)).copyMemory(from: memory.base + Int(s), byteCount: Int(l))
                }
            case 0x5f: stack[n] = .zero; n &+= 1
            case 0x60...0x7f:
                let size = Int(op) - 0x5f
                stack[n] = readPush(codePtr + pc + 1, size)
                n += 1
                pc += size
            case 0x80...0x8f:
                stack[n] = stack[n &- 1 - Int(op - 0x80)]; n &+= 1
            case 0x90...0x9f:
                let depthIndex = n &- 2 &- Int(op &- 0x90)
                let top = stack[n &- 1]
                stack[n &- 1] = stack[depthIndex]
                stack[depthIndex] = top
            case 0xa0...0xa4:
                if message.isStatic { status = .staticStateChange; break loop }
                let topicCount = Int(op - 0xa0)
                let offset = stack[n &- 1], size = stack[n &- 2]
                guard memory.expand(offset: offset, size: size, gas: &gas) else { status = .outOfGas; break loop }
                let len = Int(size.w0)
                gas -= 8 * len
                if gas < 0 { status = .outOfGas; break loop }
                var topics: [Bytes32] = []
                topics.reserveCapacity(topicCount)
                for i in 0..<topicCount { topics.append(stack[n &- 3 - i].bytes32) }
                n -= 2 + topicCount
                state.logs.append(Log(address: selfAddress, topics: topics,
                                      data: memory.bytes(len == 0 ? 0 : Int(offset.w0), len)))
            case 0xf0, 0xf5:
                if let failure = createOperation(op: op, stack: stack, n: &n, gas: &gas, memory: &memory,
                                                 returnData: &returnData, message: message) {
                    status = failure; break loop
                }
            case 0xf1, 0xf2, 0xf4, 0xfa:
                if let failure = callOperation(op: op, stack: stack, n: &n, gas: &gas, memory: &memory,
                                               returnData: &returnData, message: message) {
                    status = failure; break loop
                }
            case 0xf3, 0xfd:
                let offset = stack[n &- 1], size = stack[n &- 2]
                n &-= 2
                guard memory.expand(offset: offset, size: size, gas: &gas) else { status = .outOfGas; break loop }
                output = memory.bytes(size.isZero ? 0 : Int(offset.w0), Int(size.w0))
                if op == 0xfd { status = .revert }
                break loop
            case 0xff:
                if message.isStatic { status = .staticStateChange; break loop }
                let beneficiary = Address(stackWord: stack[n &- 1])
                n &-= 1
                selfDestruct(beneficiary: beneficiary, address: selfAddress, gas: &gas)
                if gas < 0 { status = .outOfGas; break loop }
                break loop
            default:
                status = .invalidOpcode
                break loop
            }
            if tracing { endTrace(gas: gas) }
            pc &+= 1
        }

        if tracing { finishTrace(status: status, gas: gas) }
        switch status {
        case .success: return FrameResult(status: .success, gasLeft: gas, output: output)
        case .revert: return FrameResult(status: .revert, gasLeft: gas, output: output)
        default: return FrameResult(status: status, gasLeft: 0, output: [])
        }
    }

    /// SSTORE's dynamic gas and refunds (EIP-2200, EIP-2929, EIP-3529), then the write.
    @inline(__always)
    func sstore(key: UInt256, value newValue: UInt256, address: Address, gas: inout Int) {
        var cost = 0
        if state.warmSlot(SlotKey(address, key)) { cost += 2100 }
        let account = state.account(address)
        let current = state.storageValue(account, key)
        let original = state.originalStorageValue(account, key)
        if original == current && current != newValue {
            cost += original.isZero ? 20_000 : 2_900
        } else {
            cost += 100
        }
        gas -= cost
        if gas < 0 { return }
        if current != newValue {
            if !original.isZero && !current.isZero && newValue.isZero { state.refund += 4_800 }
            if !original.isZero && current.isZero { state.refund -= 4_800 }
            if original == newValue {
                state.refund += original.isZero ? 19_900 : 2_800
            }
            state.setStorage(account, key, newValue)
        }
    }

    /// SELFDESTRUCT under EIP-6780: moves the balance; deletes the account only when it
    /// was created in the same transaction.
    func selfDestruct(beneficiary: Address, address: Address, gas: inout Int) {
        if state.warmAddress(beneficiary) { gas -= 2600 }
        let target = state.account(beneficiary)
        let originator = state.account(address)
        if !target.isAlive && !originator.balance.isZero { gas -= 25_000 }
        if gas < 0 { return }
        let balance = originator.balance
        if beneficiary != address {
            state.setBalance(originator, .zero)
            state.addBalance(target, balance)
        }
        if state.wasCreatedInTransaction(address) {
            state.setBalance(originator, .zero)
            state.markSelfDestructed(address)
        }
        if target.isEmpty { state.touch(beneficiary) }
    }
}

/// Reads a 32-byte word at `offset` of `data`, zero-padded past its end.
@inline(__always)
func loadPadded(_ data: UnsafeRawBufferPointer, _ offset: UInt256) -> UInt256 {
    guard let o = offset.int, o < data.count else { return .zero }
    if o + 32 <= data.count {
        var word = Bytes32()
        word.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: data[o..<(o + 32)])) }
        return UInt256(word)
    }
    var word = Bytes32()
    word.withUnsafeMutableBytes { dst in
        for i in 0..<(data.count - o) { dst[i] = data[o + i] }
    }
    return UInt256(word)
}

/// Reads a PUSH immediate of `size` bytes (big-endian) at `p`.
@inline(__always)
func readPush(_ p: UnsafePointer<UInt8>, _ size: Int) -> UInt256 {
    if size <= 8 {
        var v: UInt64 = 0
        for i in 0..<size { v = v << 8 | UInt64(p[i]) }
        return UInt256(v)
    }
    var limbs: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var i = 0
    while i < size {
        let byte = UInt64(p[i])
        let bitIndex = (size - 1 - i) * 8
        switch bitIndex >> 6 {
        case 0: limbs.0 |= byte << UInt64(bitIndex & 63)
        case 1: limbs.1 |= byte << UInt64(bitIndex & 63)
        case 2: limbs.2 |= byte << UInt64(bitIndex & 63)
        default: limbs.3 |= byte << UInt64(bitIndex & 63)
        }
        i += 1
    }
    return UInt256(w0: limbs.0, w1: limbs.1, w2: limbs.2, w3: limbs.3)
}
