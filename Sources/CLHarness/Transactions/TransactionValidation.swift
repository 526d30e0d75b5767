import CLPrimitives

/// Gas constants of the Cancun fork used to price a transaction before execution.
public enum IntrinsicGas {
    /// Base cost of any transaction.
    public static let transaction: UInt64 = 21_000
    /// Extra base cost of a contract creation.
    public static let creation: UInt64 = 32_000
    /// Per zero byte of data.
    public static let zeroByte: UInt64 = 4
    /// Per non-zero byte of data (EIP-2028).
    public static let nonZeroByte: UInt64 = 16
    /// Per access-list address (EIP-2930).
    public static let accessListAddress: UInt64 = 2_400
    /// Per access-list storage key (EIP-2930).
    public static let accessListStorageKey: UInt64 = 1_900
    /// Per 32-byte word of init code (EIP-3860).
    public static let initCodeWord: UInt64 = 2
    /// Largest init code a creation may carry (EIP-3860).
    public static let maxInitCodeSize = 49_152
    /// Per EIP-7702 authorization (PER_EMPTY_ACCOUNT_COST; 12,500 of it comes back for an existing account).
    public static let perAuthorization: UInt64 = 25_000
}

extension Transaction {
    /// The gas charged before execution: base, data, access list and init-code costs.
    public var intrinsicGas: UInt64 {
        var gas = IntrinsicGas.transaction
        if to == nil {
            gas += IntrinsicGas.creation + IntrinsicGas.initCodeWord * UInt64((data.count + 31) / 32)
        }
        for byte in data { gas += byte == 0 ? IntrinsicGas.zeroByte : IntrinsicGas.nonZeroByte }
        for entry in accessList {
            gas += IntrinsicGas.accessListAddress + IntrinsicGas.accessListStorageKey * UInt64(entry.storageKeys.count)
        }
        gas += IntrinsicGas.perAuthorization * UInt64(authorizationList.count)
        return gas
    }

    /// Checks the rules that need no state: chain id, nonce bound, fee consistency, intrinsic gas,
    /// init-code size, blob fields and the signature; returns the sender.
    ///
    /// A legacy transaction without a chain id (pre-EIP-155) is accepted, as Ethereum still does.
    public func validate(chainID expected: UInt64) throws(TransactionError) -> Address {
        if let chainID, chainID != expected { throw .wrongChainID(expected: expected, actual: chainID) }
        if nonce == UInt64.max { throw .nonceTooBig }
        if tipCap > feeCap { throw .tipAboveFeeCap }
        let product = feeCap.multipliedFullWidth(by: UInt256(gasLimit))
        if !product.high.isZero { throw .feeOverflow }
        if to == nil && data.count > IntrinsicGas.maxInitCodeSize {
            throw .initCodeTooLarge(size: data.count, limit: IntrinsicGas.maxInitCodeSize)
        }
        if type == .blob {
            guard !blobVersionedHashes.isEmpty else { throw .invalidBlobTransaction("no blob hashes") }
            for hash in blobVersionedHashes where hash[0] != 0x01 {
                throw .invalidBlobTransaction("versioned hash \(hash.hex) does not start with 0x01")
            }
        }
        if type == .setCode {
            guard to != nil else { throw .invalidSetCodeTransaction("a set-code transaction cannot create a contract") }
            guard !authorizationList.isEmpty else { throw .invalidSetCodeTransaction("empty authorization list") }
        }
        let intrinsic = intrinsicGas
        if gasLimit < intrinsic { throw .intrinsicGasTooLow(intrinsic: intrinsic, limit: gasLimit) }
        return try sender()
    }
}
