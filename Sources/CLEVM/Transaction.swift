import CLPrimitives

/// One entry of an EIP-2930 access list.
public struct AccessListEntry: Sendable {
    /// The pre-warmed account.
    public var address: Address
    /// Its pre-warmed storage slots.
    public var storageKeys: [UInt256]
    /// Creates an entry.
    public init(address: Address, storageKeys: [UInt256]) { self.address = address; self.storageKeys = storageKeys }
}

/// One EIP-7702 authorization tuple: the authority (recovered from the signature over
/// `keccak256(0x05 ‖ rlp([chainId, address, nonce]))`) lets its code become `0xef0100 ‖ address`.
/// Its signature is checked when the transaction runs: an invalid tuple is skipped, not the transaction.
public struct Authorization: Sendable, Equatable {
    /// The chain the authorization is for (0: any chain).
    public var chainId: UInt256
    /// The code's address (the zero address clears the delegation).
    public var address: Address
    /// The authority's nonce the authorization is valid at.
    public var nonce: UInt64
    /// The signature's y parity (0 or 1 to be valid).
    public var yParity: UInt256
    /// The signature's r.
    public var r: UInt256
    /// The signature's s.
    public var s: UInt256

    /// An authorization tuple.
    public init(chainId: UInt256, address: Address, nonce: UInt64, yParity: UInt256, r: UInt256, s: UInt256) {
        self.chainId = chainId
        self.address = address
        self.nonce = nonce
        self.yParity = yParity
        self.r = r
        self.s = s
    }
}

/// A transaction with a known sender (signature recovery happens before the EVM).
public struct Transaction: Sendable {
    /// Envelope type: 0 legacy, 1 EIP-2930, 2 EIP-1559, 3 EIP-4844, 4 EIP-7702.
    public var type: UInt8
    /// The sender (recovered from the signature).
    public var sender: Address
    /// Sender nonce.
    public var nonce: UInt64
    /// Gas limit.
    public var gasLimit: UInt64
    /// Recipient; nil creates a contract.
    public var to: Address?
    /// Wei sent.
    public var value: UInt256
    /// Call data or initcode.
    public var data: [UInt8]
    /// Legacy and EIP-2930 gas price.
    public var gasPrice: UInt256
    /// EIP-1559 fee cap.
    public var maxFeePerGas: UInt256
    /// EIP-1559 tip cap.
    public var maxPriorityFeePerGas: UInt256
    /// EIP-2930 access list.
    public var accessList: [AccessListEntry]
    /// EIP-4844 fee cap per blob gas.
    public var maxFeePerBlobGas: UInt256
    /// EIP-4844 versioned blob hashes.
    public var blobVersionedHashes: [Bytes32]
    /// EIP-7702 authorization list.
    public var authorizationList: [Authorization]

    /// Creates a transaction; fee fields not used by `type` may stay zero.
    public init(type: UInt8 = 2, sender: Address, nonce: UInt64, gasLimit: UInt64, to: Address?,
                value: UInt256 = .zero, data: [UInt8] = [], gasPrice: UInt256 = .zero,
                maxFeePerGas: UInt256 = .zero, maxPriorityFeePerGas: UInt256 = .zero,
                accessList: [AccessListEntry] = [], maxFeePerBlobGas: UInt256 = .zero,
                blobVersionedHashes: [Bytes32] = [], authorizationList: [Authorization] = []) {
        self.type = type
        self.sender = sender
        self.nonce = nonce
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.gasPrice = gasPrice
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.accessList = accessList
        self.maxFeePerBlobGas = maxFeePerBlobGas
        self.blobVersionedHashes = blobVersionedHashes
        self.authorizationList = authorizationList
    }

    /// Intrinsic gas: 21,000, calldata (4 per zero byte, 16 per other), creation (32,000 plus
    /// 2 per initcode word, EIP-3860), access list (2,400 per address, 1,900 per key), authorizations
    /// (25,000 each, EIP-7702).
    public var intrinsicGas: UInt64 {
        var gas: UInt64 = 21_000
        for byte in data { gas += byte == 0 ? 4 : 16 }
        if to == nil { gas += 32_000 + 2 * UInt64((data.count + 31) / 32) }
        for entry in accessList { gas += 2_400 + 1_900 * UInt64(entry.storageKeys.count) }
        gas += Delegation.perEmptyAccountCost * UInt64(authorizationList.count)
        return gas
    }
}

/// Why a transaction is invalid (it is not included; the state does not change).
public enum TransactionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Gas limit below the intrinsic gas.
    case intrinsicGasTooLow(intrinsic: UInt64, limit: UInt64)
    /// Nonce at 2^64-1 (EIP-2681).
    case nonceIsMax
    /// Nonce differs from the sender's.
    case nonceMismatch(expected: UInt64, got: UInt64)
    /// Creation initcode above 49,152 bytes (EIP-3860).
    case initcodeTooLarge(size: Int)
    /// Gas limit above the block's remaining gas.
    case gasLimitExceedsBlock
    /// Priority fee cap above the fee cap.
    case priorityFeeAboveMaxFee
    /// Fee cap or gas price below the base fee.
    case feeBelowBaseFee
    /// Balance below gas × price + value (+ blob fee).
    case insufficientFunds
    /// The sender has code (EIP-3607).
    case senderNotEOA
    /// A blob transaction without blobs, with too many, or creating a contract.
    case invalidBlobTransaction(String)
    /// A blob hash not starting with version byte 0x01.
    case invalidBlobVersionedHash
    /// Blob fee cap below the block's blob gas price.
    case blobFeeBelowBlobBaseFee
    /// An envelope type this fork does not know.
    case unsupportedType(UInt8)
    /// Gas limit above the fork's per-transaction cap (EIP-7825).
    case gasLimitAboveCap(cap: UInt64, limit: UInt64)
    /// A set-code transaction (EIP-7702) creating a contract or with an empty authorization list.
    case invalidSetCodeTransaction(String)

    /// A short reason.
    public var description: String {
        switch self {
        case .intrinsicGasTooLow(let i, let l): "intrinsic gas \(i) exceeds gas limit \(l)"
        case .nonceIsMax: "nonce is 2^64-1"
        case .nonceMismatch(let e, let g): "nonce mismatch: account has \(e), transaction has \(g)"
        case .initcodeTooLarge(let s): "initcode size \(s) exceeds 49152"
        case .gasLimitExceedsBlock: "gas limit exceeds block gas limit"
        case .priorityFeeAboveMaxFee: "max priority fee per gas above max fee per gas"
        case .feeBelowBaseFee: "fee per gas below base fee"
        case .insufficientFunds: "insufficient funds for gas * price + value"
        case .senderNotEOA: "sender has code (EIP-3607)"
        case .invalidBlobTransaction(let why): "invalid blob transaction: \(why)"
        case .invalidBlobVersionedHash: "blob versioned hash with wrong version"
        case .blobFeeBelowBlobBaseFee: "max fee per blob gas below blob base fee"
        case .unsupportedType(let t): "unsupported transaction type \(t)"
        case .gasLimitAboveCap(let cap, let limit): "gas limit \(limit) exceeds the transaction gas cap \(cap)"
        case .invalidSetCodeTransaction(let why): "invalid set-code transaction: \(why)"
        }
    }
}

/// The outcome of an included transaction.
public struct TransactionResult: Sendable {
    /// How the top frame ended.
    public var status: ExecutionStatus
    /// Gas used after the refund (what the sender pays for).
    public var gasUsed: UInt64
    /// Refund applied (already subtracted from `gasUsed`).
    public var refund: UInt64
    /// Logs (empty unless successful).
    public var logs: [Log]
    /// The new contract's address for a successful creation.
    public var createdAddress: Address?
    /// Return or revert data of the top frame.
    public var output: [UInt8]
    /// Effective gas price paid.
    public var effectiveGasPrice: UInt256
    /// Blob gas used (EIP-4844).
    public var blobGasUsed: UInt64
    /// Gas used after the refund but before the EIP-7623 floor (equal to `gasUsed` unless the floor
    /// raised it).
    public var gasUsedBeforeFloor: UInt64
}

/// EIP-4844 constants (the per-fork limits are `ForkRules.blobs`).
public enum BlobParameters {
    /// Gas per blob.
    public static let gasPerBlob: UInt64 = 131_072
    /// Most blob gas in a Cancun block (six blobs; `BlobSchedule.maxBlobGas` in general).
    public static let maxBlobGasPerBlock: UInt64 = 786_432
}
