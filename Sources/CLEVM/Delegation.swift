import CLCrypto
import CLPrimitives

/// EIP-7702 delegation designators and authorization processing (docs/ARCHITECTURE.md, "EIP-7702").
///
/// An account whose code is the 23 bytes `0xef0100 ‖ address` delegates: a call to it (the transaction's own
/// call, CALL, CALLCODE, DELEGATECALL, STATICCALL) runs the code of `address` instead, one level only (the
/// delegate's own code is run as it is, designator or not), with precompiles disabled for that frame and the
/// delegate's access charged as a second account access. EXTCODE* read the designator itself.
public enum Delegation {
    /// The designator's prefix.
    public static let marker: [UInt8] = [0xef, 0x01, 0x00]
    /// The designator's length.
    public static let codeLength = 23
    /// Intrinsic gas per authorization.
    public static let perEmptyAccountCost: UInt64 = 25_000
    /// What an authorization for an existing account costs in the end (the rest is refunded).
    public static let perAuthBaseCost: UInt64 = 12_500
    /// The first byte of an authorization's signed message.
    public static let magic: UInt8 = 0x05

    /// The delegate of `code`, when it is a designator.
    @inline(__always) public static func target(of code: [UInt8]) -> Address? {
        guard code.count == codeLength, code[0] == 0xef, code[1] == 0x01, code[2] == 0x00 else { return nil }
        return Address(bytes: code[3..<23])
    }

    /// The designator for `address`.
    public static func designator(for address: Address) -> [UInt8] { marker + address.bytes }

    /// The hash an authority signs: `keccak256(0x05 ‖ rlp([chainId, address, nonce]))`.
    public static func signingHash(_ authorization: Authorization) -> Bytes32 {
        var payload: [UInt8] = []
        RLP.appendBytes(authorization.chainId.minimalBigEndianBytes, to: &payload)
        RLP.appendBytes(authorization.address.bytes, to: &payload)
        RLP.appendUnsigned(authorization.nonce, to: &payload)
        var message: [UInt8] = [magic]
        RLP.appendListHeader(payloadLength: payload.count, to: &message)
        message += payload
        return Keccak256.hash(message)
    }

    /// The authority of `authorization`, or nil when its signature is invalid: a y parity other than 0 or 1,
    /// r outside [1, n), s outside [1, n/2], or no recoverable key.
    public static func authority(of authorization: Authorization) -> Address? {
        guard authorization.yParity <= .one, !authorization.r.isZero, authorization.r < secp256k1Order,
              !authorization.s.isZero, authorization.s <= secp256k1HalfOrder else { return nil }
        let v = (UInt256(27 as UInt64) &+ authorization.yParity).bytes32
        guard let word = try? ECRecover.recoverAddressWord(hash: signingHash(authorization), v: v, r: authorization.r.bytes32,
                                                           s: authorization.s.bytes32) else { return nil }
        return Address(truncating: word)
    }

    /// The secp256k1 group order n.
    static let secp256k1Order = UInt256(hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")!
    /// ⌊n / 2⌋.
    static let secp256k1HalfOrder = UInt256(hex: "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")!
}

extension EVM {
    /// Applies a set-code transaction's authorizations in order (EIP-7702): a tuple for another chain, with the
    /// nonce 2^64 − 1, an invalid signature, an authority with code that is not a designator, or a nonce that
    /// differs from the authority's is skipped; otherwise the authority (warmed as soon as it is recovered) gets
    /// the designator (or no code, for the zero address) and its nonce goes up by one. Returns the refund for
    /// authorities that already existed (25,000 − 12,500 each).
    func applyAuthorizations(_ authorizations: [Authorization]) -> Int {
        var refund = 0
        for authorization in authorizations {
            if !authorization.chainId.isZero && authorization.chainId != block.chainId { continue }
            if authorization.nonce == UInt64.max { continue }
            guard let authority = Delegation.authority(of: authorization) else { continue }
            state.warmAddress(authority)
            let account = state.account(authority)
            if !account.code.isEmpty && Delegation.target(of: account.code) == nil { continue }
            if account.nonce != authorization.nonce { continue }
            if account.exists { refund += Int(Delegation.perEmptyAccountCost - Delegation.perAuthBaseCost) }
            state.setCode(account, authorization.address == .zero ? [] : Delegation.designator(for: authorization.address))
            state.setNonce(account, account.nonce + 1)
        }
        return refund
    }

    /// The code a call to `address` runs: its delegate when its code is a designator and the fork has EIP-7702
    /// (warming the delegate and returning its access cost, 100 warm or 2,600 cold), else itself at no cost.
    func resolveDelegation(_ address: Address) -> (codeAddress: Address, delegated: Bool, accessCost: Int) {
        guard rules.setCode, let delegate = Delegation.target(of: state.account(address).code) else { return (address, false, 0) }
        return (delegate, true, state.warmAddress(delegate) ? 2600 : 100)
    }
}
