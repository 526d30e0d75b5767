import CLPrimitives

extension EVM {
    /// Validates and executes one transaction in the current block.
    ///
    /// The four phases: (1) validation against the fork's rules, the sender's account and the block (an invalid
    /// transaction throws and changes nothing); (2) buying gas and bumping the nonce; (3) running
    /// the top message call or create with the EIP-2929 warm set pre-filled; (4) refunds capped
    /// at a fifth of the gas used (EIP-3529), the priority fee to the coinbase, and deletion of
    /// self-destructed and touched empty accounts.
    ///
    /// - Parameters:
    ///   - blockGasAvailable: gas the block still has room for (default: its limit).
    ///   - allowSenderWithCode: skip the EIP-3607 check that the sender has no code. Only for
    ///     simulations (eth_call, eth_estimateGas), which geth and Anvil let any address make.
    public func executeTransaction(_ tx: Transaction, blockGasAvailable: UInt64? = nil,
                                   allowSenderWithCode: Bool = false)
        throws(TransactionError) -> TransactionResult {
        // Phase 1: validation.
        guard tx.type <= 3 || (tx.type == 4 && rules.setCode) else { throw .unsupportedType(tx.type) }
        if tx.type == 4 {
            if tx.to == nil { throw .invalidSetCodeTransaction("contract creation") }
            if tx.authorizationList.isEmpty { throw .invalidSetCodeTransaction("empty authorization list") }
        }
        let (intrinsic, floor) = rules.intrinsicGas(tx)
        let least = max(intrinsic, floor)
        if least > tx.gasLimit { throw .intrinsicGasTooLow(intrinsic: least, limit: tx.gasLimit) }
        if let cap = rules.transactionGasCap, tx.gasLimit > cap { throw .gasLimitAboveCap(cap: cap, limit: tx.gasLimit) }
        if tx.nonce == UInt64.max { throw .nonceIsMax }
        if tx.to == nil && tx.data.count > EVM.maxInitcodeSize { throw .initcodeTooLarge(size: tx.data.count) }
        if tx.gasLimit > (blockGasAvailable ?? block.gasLimit) { throw .gasLimitExceedsBlock }

        let baseFee = block.baseFee
        let effectiveGasPrice: UInt256
        let maxGasPrice: UInt256
        if tx.type >= 2 {
            if tx.maxFeePerGas < tx.maxPriorityFeePerGas { throw .priorityFeeAboveMaxFee }
            if tx.maxFeePerGas < baseFee { throw .feeBelowBaseFee }
            let tip = min(tx.maxPriorityFeePerGas, tx.maxFeePerGas &- baseFee)
            effectiveGasPrice = tip &+ baseFee
            maxGasPrice = tx.maxFeePerGas
        } else {
            if tx.gasPrice < baseFee { throw .feeBelowBaseFee }
            effectiveGasPrice = tx.gasPrice
            maxGasPrice = tx.gasPrice
        }
        var blobGasUsed: UInt64 = 0
        var blobFee = UInt256.zero
        var maxBlobFee = UInt256.zero
        if tx.type == 3 {
            if tx.to == nil { throw .invalidBlobTransaction("contract creation") }
            if tx.blobVersionedHashes.isEmpty { throw .invalidBlobTransaction("no blobs") }
            for hash in tx.blobVersionedHashes where hash[0] != 0x01 { throw .invalidBlobVersionedHash }
            let blobCount = UInt64(tx.blobVersionedHashes.count)
            blobGasUsed = BlobParameters.gasPerBlob * blobCount
            if blobGasUsed > rules.blobs.maxBlobGas || blobCount > rules.maxBlobsPerTransaction {
                throw .invalidBlobTransaction("too many blobs")
            }
            let blobPrice = blobBaseFee
            if tx.maxFeePerBlobGas < blobPrice { throw .blobFeeBelowBlobBaseFee }
            blobFee = UInt256(blobGasUsed) &* blobPrice
            maxBlobFee = UInt256(blobGasUsed) &* tx.maxFeePerBlobGas
        }

        let sender = state.account(tx.sender)
        // EIP-3607, relaxed by EIP-7702 for a sender whose code is a delegation designator.
        let senderDelegates = rules.setCode && Delegation.target(of: sender.code) != nil
        if !sender.code.isEmpty && !senderDelegates && !allowSenderWithCode { throw .senderNotEOA }
        if sender.nonce != tx.nonce { throw .nonceMismatch(expected: sender.nonce, got: tx.nonce) }
        let maxGasFee = UInt256(tx.gasLimit).multipliedFullWidth(by: maxGasPrice)
        guard maxGasFee.high.isZero else { throw .insufficientFunds }
        let withValue = maxGasFee.low.addingReportingOverflow(tx.value)
        let total = withValue.partialValue.addingReportingOverflow(maxBlobFee)
        if withValue.overflow || total.overflow || sender.balance < total.partialValue { throw .insufficientFunds }

        // Phase 2: buy gas, bump the nonce.
        context = TransactionContext(origin: tx.sender, gasPrice: effectiveGasPrice,
                                     blobHashes: tx.blobVersionedHashes)
        state.setNonce(sender, sender.nonce + 1)
        state.setBalance(sender, sender.balance &- (UInt256(tx.gasLimit) &* effectiveGasPrice) &- blobFee)

        // Phase 3: run the top frame.
        state.warmAddress(block.coinbase)
        state.warmAddress(tx.sender)
        for precompile in rules.precompiles { state.warmAddress(precompile.address) }
        for entry in tx.accessList {
            state.warmAddress(entry.address)
            for key in entry.storageKeys { state.warmSlot(SlotKey(entry.address, key)) }
        }
        let gas = Int(tx.gasLimit - intrinsic)
        var result: FrameResult
        var createdAddress: Address?
        if let to = tx.to {
            state.warmAddress(to)
            // EIP-7702: the authorizations take effect before the call (and stay if it fails); a designator at
            // `to` runs its delegate's code, the delegate warmed at no charge.
            if tx.type == 4 { state.refund += applyAuthorizations(tx.authorizationList) }
            var message = Message(kind: .call, caller: tx.sender, target: to, codeAddress: to, value: tx.value,
                                  input: tx.data, gas: gas, depth: 0, isStatic: false, transfersValue: true)
            if rules.setCode, let delegate = Delegation.target(of: state.account(to).code) {
                state.warmAddress(delegate)
                message.codeAddress = delegate
                message.delegated = true
            }
            result = call(message)
        } else {
            let address = createAddress(creator: tx.sender, nonce: tx.nonce)
            state.warmAddress(address)
            let target = state.account(address)
            if state.hasCreationCollision(target) {
                result = FrameResult(status: .addressCollision, gasLeft: 0, output: [])
            } else {
                let message = Message(kind: .create, caller: tx.sender, target: address, codeAddress: address,
                                      value: tx.value, input: [], initcode: tx.data, gas: gas, depth: 0,
                                      isStatic: false, transfersValue: true)
                result = create(message)
                if result.status == .success { createdAddress = address }
            }
        }

        // Phase 4: refunds (then the EIP-7623 floor), fees, cleanup.
        let gasUsedBeforeRefund = tx.gasLimit - UInt64(result.gasLeft)
        let refund = UInt64(max(0, min(Int(gasUsedBeforeRefund / 5), state.refund)))
        let gasUsedBeforeFloor = gasUsedBeforeRefund - refund
        let gasLeft = tx.gasLimit - max(gasUsedBeforeFloor, floor)
        state.addBalance(sender, UInt256(gasLeft) &* effectiveGasPrice)
        let priorityFee = effectiveGasPrice &- baseFee
        let coinbaseFee = UInt256(tx.gasLimit - gasLeft) &* priorityFee
        let coinbase = state.account(block.coinbase)
        if !coinbaseFee.isZero {
            state.addBalance(coinbase, coinbaseFee)
        } else {
            state.deleteIfEmpty(coinbase)
        }
        let logs = result.status == .success ? state.logs : []
        state.finishTransaction()
        return TransactionResult(status: result.status, gasUsed: tx.gasLimit - gasLeft, refund: refund, logs: logs,
                                 createdAddress: createdAddress, output: result.output,
                                 effectiveGasPrice: effectiveGasPrice, blobGasUsed: blobGasUsed,
                                 gasUsedBeforeFloor: gasUsedBeforeFloor)
    }

    /// Runs a call without changing the state (eth_call, eth_estimateGas): every change is
    /// reverted afterwards. No nonce, balance or fee checks; `from` pays nothing.
    public func simulateCall(from: Address, to: Address, data: [UInt8], value: UInt256 = .zero,
                             gas: Int = 30_000_000) -> FrameResult {
        let saved = context
        context = TransactionContext(origin: from, gasPrice: .zero)
        let point = state.checkpoint()
        state.warmAddress(from)
        state.warmAddress(to)
        state.warmAddress(block.coinbase)
        for precompile in rules.precompiles { state.warmAddress(precompile.address) }
        let message = Message(kind: .call, caller: from, target: to, codeAddress: to, value: value, input: data,
                              gas: gas, depth: 0, isStatic: false, transfersValue: !value.isZero)
        let result = call(message)
        state.revert(to: point)
        context = saved
        return result
    }
}
