import CLPrimitives

extension EVM {
    // MARK: Message processing

    /// Runs a message call: value transfer, then the target's code or a precompile.
    /// State changes are undone unless the frame succeeds.
    public func call(_ message: Message) -> FrameResult {
        tracer?.enterFrame(message)
        let checkpoint = state.checkpoint()
        state.touch(message.target)
        if message.transfersValue && !message.value.isZero {
            state.transfer(from: state.account(message.caller), to: state.account(message.target), value: message.value)
        }
        let result: FrameResult
        if !message.delegated, let precompile = Precompile(address: message.codeAddress), rules.has(precompile) {
            result = runPrecompile(precompile, input: message.input, gas: message.gas)
        } else {
            let codeAccount = state.account(message.codeAddress)
            if codeAccount.code.isEmpty {
                result = FrameResult(status: .success, gasLeft: message.gas, output: [])
            } else {
                result = execute(code: analysis(of: codeAccount), message: message)
            }
        }
        if result.status != .success { state.revert(to: checkpoint) }
        tracer?.exitFrame(result)
        return result
    }

    /// Runs a create message: fresh account, initcode, then the code deposit (EIP-170, EIP-3541).
    /// The caller has checked for an address collision and bumped the creator's nonce.
    public func create(_ message: Message) -> FrameResult {
        guard let tracer else { return runCreate(message) }
        tracer.enterFrame(message)
        let result = runCreate(message)
        tracer.exitFrame(result)
        return result
    }

    private func runCreate(_ message: Message) -> FrameResult {
        let checkpoint = state.checkpoint()
        let account = state.account(message.target)
        state.beginContractCreation(account)
        state.setNonce(account, 1)
        state.touch(message.target)
        if !message.value.isZero {
            state.transfer(from: state.account(message.caller), to: account, value: message.value)
        }
        var result = execute(code: AnalyzedCode(message.initcode), message: message)
        if result.status == .success {
            let code = result.output
            var failure: ExecutionStatus?
            if code.first == 0xEF {
                failure = .invalidCodePrefix
            } else if result.gasLeft < 200 * code.count {
                failure = .outOfGas
            } else if code.count > EVM.maxCodeSize {
                failure = .codeSizeExceeded
            }
            if let failure {
                state.revert(to: checkpoint)
                return FrameResult(status: failure, gasLeft: 0, output: [])
            }
            result.gasLeft -= 200 * code.count
            state.setCode(account, code)
            return FrameResult(status: .success, gasLeft: result.gasLeft, output: code)
        }
        state.revert(to: checkpoint)
        return result
    }

    // MARK: CALL, CALLCODE, DELEGATECALL, STATICCALL

    /// Runs one of the call instructions; returns a halting status, or nil to continue.
    func callOperation(op: UInt8, stack: UnsafeMutablePointer<UInt256>, n: inout Int, gas: inout Int,
                       memory: inout Memory, returnData: inout [UInt8], message: Message) -> ExecutionStatus? {
        let hasValue = op == 0xf1 || op == 0xf2
        let requestedGas = stack[n - 1]
        let to = Address(stackWord: stack[n - 2])
        var i = n - 3
        var value = UInt256.zero
        if hasValue { value = stack[i]; i -= 1 }
        let argsOffset = stack[i], argsSize = stack[i - 1], retOffset = stack[i - 2], retSize = stack[i - 3]
        n -= hasValue ? 7 : 6

        var end = 0
        for (offset, size) in [(argsOffset, argsSize), (retOffset, retSize)] where !size.isZero {
            guard let o = offset.uint64, let s = size.uint64, o <= 0xFFFF_FFFF, s <= 0xFFFF_FFFF else { return .outOfGas }
            end = max(end, Int(o + s))
        }
        var memoryGas = 0
        if end > memory.size {
            memoryGas = memoryCost(words: wordCount(end)) - memoryCost(words: memory.size / 32)
        }
        var extra = state.warmAddress(to) ? 2600 : 100
        // EIP-7702: a designator's delegate is a second account access.
        let (codeAddress, delegated, delegateCost) = resolveDelegation(to)
        extra += delegateCost
        if !value.isZero {
            extra += 9000
            if op == 0xf1 && !state.account(to).isAlive { extra += 25_000 }
        }
        if gas < extra + memoryGas { return .outOfGas }
        let available = gas - memoryGas - extra
        let cap = available - available / 64
        let childGasBase = requestedGas < UInt256(cap) ? Int(requestedGas.w0) : cap
        gas -= childGasBase + extra + memoryGas
        if op == 0xf1 && message.isStatic && !value.isZero { return .staticStateChange }
        if end > memory.size { memory.grow(to: wordCount(end) * 32) }
        if tracer != nil { flushTrace(gas: gas) }

        returnData = []
        let childGas = childGasBase + (value.isZero ? 0 : 2300)
        if (hasValue && state.account(message.target).balance < value) || message.depth + 1 > EVM.maxCallDepth {
            gas += childGas
            stack[n] = .zero; n += 1
            return nil
        }
        let input = memory.bytes(argsSize.isZero ? 0 : Int(argsOffset.w0), Int(argsSize.w0))
        var child: Message
        switch op {
        case 0xf1:
            child = Message(kind: .call, caller: message.target, target: to, codeAddress: to, value: value,
                            input: input, gas: childGas, depth: message.depth + 1, isStatic: message.isStatic,
                            transfersValue: true)
        case 0xf2:
            child = Message(kind: .callCode, caller: message.target, target: message.target, codeAddress: to,
                            value: value, input: input, gas: childGas, depth: message.depth + 1,
                            isStatic: message.isStatic, transfersValue: true)
        case 0xf4:
            child = Message(kind: .delegateCall, caller: message.caller, target: message.target, codeAddress: to,
                            value: message.value, input: input, gas: childGas, depth: message.depth + 1,
                            isStatic: message.isStatic, transfersValue: false)
        default:
            child = Message(kind: .staticCall, caller: message.target, target: to, codeAddress: to, value: .zero,
                            input: input, gas: childGas, depth: message.depth + 1, isStatic: true,
                            transfersValue: true)
        }
        child.codeAddress = codeAddress
        child.delegated = delegated
        let result = call(child)
        gas += result.gasLeft
        returnData = result.output
        let copy = min(Int(retSize.w0), result.output.count)
        if copy > 0 {
            result.output.withUnsafeBytes { memory.write(Int(retOffset.w0), copy, from: $0, at: .zero) }
        }
        stack[n] = result.status == .success ? .one : .zero
        n += 1
        return nil
    }

    // MARK: CREATE, CREATE2

    /// Runs CREATE or CREATE2; returns a halting status, or nil to continue.
    func createOperation(op: UInt8, stack: UnsafeMutablePointer<UInt256>, n: inout Int, gas: inout Int,
                         memory: inout Memory, returnData: inout [UInt8], message: Message) -> ExecutionStatus? {
        let value = stack[n - 1], offset = stack[n - 2], size = stack[n - 3]
        let salt = op == 0xf5 ? stack[n - 4] : .zero
        n -= op == 0xf5 ? 4 : 3
        guard memory.expand(offset: offset, size: size, gas: &gas) else { return .outOfGas }
        let length = Int(size.w0)
        gas -= (op == 0xf5 ? 8 : 2) * wordCount(length)
        if gas < 0 { return .outOfGas }
        if length > EVM.maxInitcodeSize { return .outOfGas }
        let initcode = memory.bytes(length == 0 ? 0 : Int(offset.w0), length)
        let creator = state.account(message.target)
        let address: Address
        if op == 0xf5 {
            address = create2Address(creator: message.target, salt: salt, initcodeHash: Keccak256.hash(initcode))
        } else {
            address = createAddress(creator: message.target, nonce: creator.nonce)
        }
        state.warmAddress(address)
        let childGas = gas - gas / 64
        gas -= childGas
        if message.isStatic { return .staticStateChange }
        if tracer != nil { flushTrace(gas: gas) }
        returnData = []
        if creator.balance < value || creator.nonce == UInt64.max || message.depth + 1 > EVM.maxCallDepth {
            gas += childGas
            stack[n] = .zero; n += 1
            return nil
        }
        let target = state.account(address)
        state.setNonce(creator, creator.nonce + 1)
        if state.hasCreationCollision(target) {
            stack[n] = .zero; n += 1
            return nil
        }
        let child = Message(kind: op == 0xf5 ? .create2 : .create, caller: message.target, target: address,
                            codeAddress: address, value: value, input: [], initcode: initcode, gas: childGas,
                            depth: message.depth + 1, isStatic: false, transfersValue: true)
        let result = create(child)
        gas += result.gasLeft
        if result.status == .success {
            returnData = []
            stack[n] = address.stackWord
        } else {
            returnData = result.output
            stack[n] = .zero
        }
        n += 1
        return nil
    }
}

/// CREATE's address: keccak256(rlp([creator, nonce]))[12...].
public func createAddress(creator: Address, nonce: UInt64) -> Address {
    var nonceBytes: [UInt8] = []
    var v = nonce
    while v > 0 { nonceBytes.insert(UInt8(truncatingIfNeeded: v), at: 0); v >>= 8 }
    var payload: [UInt8] = [0x94] + creator.bytes
    if nonce == 0 {
        payload.append(0x80)
    } else if nonce < 0x80 {
        payload.append(UInt8(nonce))
    } else {
        payload.append(0x80 + UInt8(nonceBytes.count))
        payload += nonceBytes
    }
    let hash = Keccak256.hash([0xc0 + UInt8(payload.count)] + payload)
    return Address(bytes: hash.bytes[12...])!
}

/// CREATE2's address: keccak256(0xff ‖ creator ‖ salt ‖ keccak256(initcode))[12...].
public func create2Address(creator: Address, salt: UInt256, initcodeHash: Bytes32) -> Address {
    let hash = Keccak256.hash([0xff] + creator.bytes + salt.bigEndianBytes + initcodeHash.bytes)
    return Address(bytes: hash.bytes[12...])!
}
