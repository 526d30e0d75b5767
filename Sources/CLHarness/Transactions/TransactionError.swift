/// Why a transaction was refused: malformed bytes, or a rule of the protocol or of this chain.
public enum TransactionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not valid RLP, or not the shape of a transaction.
    case malformed(String)
    /// A typed envelope whose type this chain does not know.
    case unsupportedType(UInt8)
    /// The transaction carries no signature.
    case unsigned
    /// r, s or v is out of range, or no key recovers from the signature.
    case invalidSignature(String)
    /// The chain id differs from this chain's (or a legacy transaction lacks one where required).
    case wrongChainID(expected: UInt64, actual: UInt64?)
    /// The nonce is 2^64 − 1, which EIP-2681 forbids.
    case nonceTooBig
    /// max priority fee per gas above max fee per gas.
    case tipAboveFeeCap
    /// gas limit × fee cap does not fit in 256 bits.
    case feeOverflow
    /// The gas limit is below the intrinsic gas.
    case intrinsicGasTooLow(intrinsic: UInt64, limit: UInt64)
    /// Contract-creation code longer than EIP-3860's limit.
    case initCodeTooLarge(size: Int, limit: Int)
    /// An EIP-4844 rule: no blobs, a bad versioned hash, or no recipient.
    case invalidBlobTransaction(String)
    /// An EIP-7702 transaction creating a contract, with no authorizations, or before Prague.
    case invalidSetCodeTransaction(String)

    /// A sentence in the words geth uses where one exists (clients match on them).
    public var description: String {
        switch self {
        case .malformed(let why): "invalid transaction: \(why)"
        case .unsupportedType(let type): "transaction type not supported: \(type)"
        case .unsigned: "transaction is not signed"
        case .invalidSignature(let why): "invalid sender: \(why)"
        case .wrongChainID(let expected, let actual):
            "invalid chain id: have \(actual.map(String.init) ?? "none"), want \(expected)"
        case .nonceTooBig: "nonce has max value"
        case .tipAboveFeeCap: "max priority fee per gas higher than max fee per gas"
        case .feeOverflow: "gas limit times fee cap overflows 256 bits"
        case .intrinsicGasTooLow(let intrinsic, let limit): "intrinsic gas too low: have \(limit), want \(intrinsic)"
        case .initCodeTooLarge(let size, let limit): "max initcode size exceeded: code size \(size) limit \(limit)"
        case .invalidBlobTransaction(let why): "invalid blob transaction: \(why)"
        case .invalidSetCodeTransaction(let why): "invalid set-code transaction: \(why)"
        }
    }
}
