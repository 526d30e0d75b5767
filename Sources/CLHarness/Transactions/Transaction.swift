import CLCrypto
import CLEVM
import CLPrimitives

/// The envelope type of a transaction (EIP-2718).
public enum TransactionType: UInt8, Sendable, Equatable {
    /// Untyped legacy transaction (with or without EIP-155 replay protection).
    case legacy = 0
    /// EIP-2930: access list, gas price.
    case accessList = 1
    /// EIP-1559: priority fee and fee cap.
    case dynamicFee = 2
    /// EIP-4844: blob-carrying transaction.
    case blob = 3
    /// EIP-7702: set-code transaction with an authorization list.
    case setCode = 4
}

/// One entry of an EIP-2930 access list.
public struct AccessListEntry: Equatable, Sendable {
    /// The account pre-warmed.
    public var address: Address
    /// The storage slots of that account pre-warmed.
    public var storageKeys: [Bytes32]

    /// An entry for `address` and its `storageKeys`.
    public init(address: Address, storageKeys: [Bytes32]) {
        self.address = address
        self.storageKeys = storageKeys
    }
}

/// An Ethereum transaction of any supported type, signed or not.
///
/// Fields that a type does not carry stay at their defaults: a legacy transaction's fee is
/// `gasPrice` (also mirrored into both EIP-1559 fee fields so fee code can treat all types alike).
public struct Transaction: Equatable, Sendable {
    /// The envelope type.
    public var type: TransactionType
    /// The chain id; nil only for a legacy transaction without EIP-155 protection.
    public var chainID: UInt64?
    /// The sender's nonce.
    public var nonce: UInt64
    /// Legacy and EIP-2930: the price per gas.
    public var gasPrice: UInt256
    /// EIP-1559 and later: the tip per gas.
    public var maxPriorityFeePerGas: UInt256
    /// EIP-1559 and later: the fee cap per gas.
    public var maxFeePerGas: UInt256
    /// The gas limit.
    public var gasLimit: UInt64
    /// The recipient; nil creates a contract.
    public var to: Address?
    /// Wei transferred.
    public var value: UInt256
    /// Call data or init code.
    public var data: [UInt8]
    /// EIP-2930 access list (empty for legacy).
    public var accessList: [AccessListEntry]
    /// EIP-4844: the fee cap per blob gas.
    public var maxFeePerBlobGas: UInt256
    /// EIP-4844: the versioned hashes of the blobs.
    public var blobVersionedHashes: [Bytes32]
    /// EIP-7702: the authorization tuples (their signatures are checked when the transaction runs).
    public var authorizationList: [CLEVM.Authorization] = []
    /// The signature (r, s, recovery id), or nil when unsigned.
    public var signature: RecoverableSignature?

    /// A transaction with every field given; fee fields default to zero.
    public init(type: TransactionType, chainID: UInt64?, nonce: UInt64, gasPrice: UInt256 = .zero,
                maxPriorityFeePerGas: UInt256 = .zero, maxFeePerGas: UInt256 = .zero, gasLimit: UInt64,
                to: Address?, value: UInt256, data: [UInt8], accessList: [AccessListEntry] = [],
                maxFeePerBlobGas: UInt256 = .zero, blobVersionedHashes: [Bytes32] = [],
                signature: RecoverableSignature? = nil) {
        self.type = type
        self.chainID = chainID
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
        self.maxFeePerBlobGas = maxFeePerBlobGas
        self.blobVersionedHashes = blobVersionedHashes
        self.signature = signature
    }

    /// The fee cap per gas, whatever the type (gas price for legacy and EIP-2930).
    public var feeCap: UInt256 { type == .legacy || type == .accessList ? gasPrice : maxFeePerGas }

    /// The tip cap per gas, whatever the type (gas price for legacy and EIP-2930).
    public var tipCap: UInt256 { type == .legacy || type == .accessList ? gasPrice : maxPriorityFeePerGas }

    /// The price actually paid per gas under `baseFee`: min(feeCap, baseFee + tipCap).
    public func effectiveGasPrice(baseFee: UInt256) -> UInt256 {
        let withTip = baseFee.addingReportingOverflow(tipCap)
        if withTip.overflow { return feeCap }
        return withTip.partialValue < feeCap ? withTip.partialValue : feeCap
    }

    /// The legacy `v` value: 27/28 without a chain id, chainID × 2 + 35/36 with one.
    public var legacyV: UInt256 {
        let parity = UInt64(signature?.v ?? 0)
        guard let chainID else { return UInt256(27 + parity) }
        return UInt256(chainID).multipliedFullWidth(by: 2).low &+ UInt256(35 + parity)
    }
}

// MARK: - Encoding

extension Transaction {
    fileprivate static func item(_ value: UInt256) -> RLPItem { .bytes(value.minimalBigEndianBytes) }

    fileprivate var accessListItem: RLPItem {
        .list(accessList.map { .list([.bytes($0.address.bytes), .list($0.storageKeys.map { .bytes($0.bytes) })]) })
    }

    fileprivate var toItem: RLPItem { .bytes(to?.bytes ?? []) }

    /// The fields common to typed payloads, without signature.
    fileprivate var unsignedFields: [RLPItem] {
        let chain = RLPItem.unsigned(chainID ?? 0)
        switch type {
        case .legacy:
            return [.unsigned(nonce), Transaction.item(gasPrice), .unsigned(gasLimit), toItem, Transaction.item(value), .bytes(data)]
        case .accessList:
            return [chain, .unsigned(nonce), Transaction.item(gasPrice), .unsigned(gasLimit), toItem,
                    Transaction.item(value), .bytes(data), accessListItem]
        case .dynamicFee:
            return [chain, .unsigned(nonce), Transaction.item(maxPriorityFeePerGas), Transaction.item(maxFeePerGas),
                    .unsigned(gasLimit), toItem, Transaction.item(value), .bytes(data), accessListItem]
        case .blob:
            return [chain, .unsigned(nonce), Transaction.item(maxPriorityFeePerGas), Transaction.item(maxFeePerGas),
                    .unsigned(gasLimit), toItem, Transaction.item(value), .bytes(data), accessListItem,
                    Transaction.item(maxFeePerBlobGas), .list(blobVersionedHashes.map { .bytes($0.bytes) })]
        case .setCode:
            return [chain, .unsigned(nonce), Transaction.item(maxPriorityFeePerGas), Transaction.item(maxFeePerGas),
                    .unsigned(gasLimit), toItem, Transaction.item(value), .bytes(data), accessListItem,
                    .list(authorizationList.map {
                        .list([Transaction.item($0.chainId), .bytes($0.address.bytes), .unsigned($0.nonce),
                               Transaction.item($0.yParity), Transaction.item($0.r), Transaction.item($0.s)])
                    })]
        }
    }

    private static func trimmed(_ word: Bytes32) -> [UInt8] { Array(word.bytes.drop { $0 == 0 }) }

    /// The bytes whose Keccak-256 is signed.
    public var signingPayload: [UInt8] {
        var fields = unsignedFields
        if type == .legacy {
            if let chainID { fields += [.unsigned(chainID), .bytes([]), .bytes([])] }
            return RLP.encode(.list(fields))
        }
        return [type.rawValue] + RLP.encode(.list(fields))
    }

    /// The hash a sender signs.
    public var signingHash: Bytes32 { Keccak256.hash(signingPayload) }

    /// The canonical encoding (EIP-2718): `rlp(fields)` for legacy, `type ‖ rlp(fields)` otherwise.
    /// An unsigned transaction encodes with zero signature values.
    public var encoded: [UInt8] {
        var fields = unsignedFields
        let r = signature.map { Transaction.trimmed($0.r) } ?? []
        let s = signature.map { Transaction.trimmed($0.s) } ?? []
        if type == .legacy {
            fields += [Transaction.item(legacyV), .bytes(r), .bytes(s)]
            return RLP.encode(.list(fields))
        }
        fields += [.unsigned(UInt8(signature?.v ?? 0)), .bytes(r), .bytes(s)]
        return [type.rawValue] + RLP.encode(.list(fields))
    }

    /// The transaction hash: Keccak-256 of the canonical encoding.
    public var hash: Bytes32 { Keccak256.hash(encoded) }

    /// Signs with `key` (sets `signature`); the chain id must already be set (nil only for an
    /// unprotected legacy transaction).
    public mutating func sign(with key: PrivateKey) throws(Secp256k1Error) {
        signature = try key.sign(hash: signingHash)
    }

    /// The sender recovered from the signature (EIP-2 low-s rule enforced).
    public func sender() throws(TransactionError) -> Address {
        guard let signature else { throw .unsigned }
        do {
            let key = try PublicKey(recoveringFrom: signature, hash: signingHash)
            return Address(bytes: key.ethereumAddress)!
        } catch {
            throw .invalidSignature(String(describing: error))
        }
    }
}
