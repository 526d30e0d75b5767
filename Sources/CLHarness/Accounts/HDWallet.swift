import CLCrypto
import CLPrimitives
import Foundation

/// Errors from BIP-39 / BIP-32 derivation.
public enum HDWalletError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A path segment is not a number (optionally followed by `'` for hardened).
    case malformedPath(String)
    /// The derived key is invalid (probability below 2^-127); BIP-32 says to use the next index.
    case invalidDerivedKey(index: UInt32)

    /// A sentence naming the problem.
    public var description: String {
        switch self {
        case .malformedPath(let path): "malformed derivation path \(path) (expected e.g. m/44'/60'/0'/0/0)"
        case .invalidDerivedKey(let index): "derived key at index \(index) is invalid; use the next index"
        }
    }
}

/// Hierarchical deterministic keys: a BIP-39 mnemonic turned into a seed, and BIP-32 private
/// derivation from that seed along paths such as `m/44'/60'/0'/0/i` (the Ethereum accounts of
/// Anvil, Hardhat and most wallets).
///
/// The mnemonic is used as given (NFKD-normalised, as BIP-39 prescribes); its checksum against the
/// English word list is not verified, since any phrase yields a valid seed.
public struct HDWallet: Sendable {
    /// The development mnemonic Anvil and Hardhat fund by default.
    public static let developmentMnemonic = "test test test test test test test test test test test junk"

    /// The 64-byte BIP-39 seed.
    public let seed: [UInt8]

    /// Derives the seed: PBKDF2-HMAC-SHA512(NFKD(mnemonic), "mnemonic" + NFKD(passphrase), 2048, 64).
    public init(mnemonic: String, passphrase: String = "") {
        let words = mnemonic.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let password = Array(words.decomposedStringWithCompatibilityMapping.utf8)
        let salt = Array(("mnemonic" + passphrase).decomposedStringWithCompatibilityMapping.utf8)
        seed = HMACSHA512.pbkdf2(password: password, salt: salt, iterations: 2048, length: 64)
    }

    /// The hardened-index offset (2^31).
    public static let hardened: UInt32 = 0x8000_0000

    /// Parses `m/44'/60'/0'/0/3` into indices (hardened ones offset by 2^31).
    public static func parsePath(_ path: String) throws(HDWalletError) -> [UInt32] {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.first == "m" else { throw .malformedPath(path) }
        parts.removeFirst()
        var indices: [UInt32] = []
        for part in parts {
            let isHardened = part.hasSuffix("'") || part.hasSuffix("h")
            let digits = isHardened ? String(part.dropLast()) : part
            guard let value = UInt32(digits), value < hardened else { throw .malformedPath(path) }
            indices.append(isHardened ? value | hardened : value)
        }
        return indices
    }

    /// The private key at `path` (BIP-32 private parent → private child derivation).
    public func privateKey(path: String) throws(HDWalletError) -> Bytes32 {
        let master = HMACSHA512.authenticate(key: Array("Bitcoin seed".utf8), message: seed)
        var key = Bytes32(bytes: master[0..<32])!
        var chainCode = Array(master[32..<64])
        for index in try HDWallet.parsePath(path) {
            var data: [UInt8]
            if index >= HDWallet.hardened {
                data = [0] + key.bytes
            } else {
                guard let point = BIP32Curve.compressedPublicKey(of: key) else { throw .invalidDerivedKey(index: index) }
                data = point
            }
            data += [UInt8(index >> 24), UInt8((index >> 16) & 0xff), UInt8((index >> 8) & 0xff), UInt8(index & 0xff)]
            let digest = HMACSHA512.authenticate(key: chainCode, message: data)
            guard let child = BIP32Curve.addTweak(Bytes32(bytes: digest[0..<32])!, to: key) else {
                throw .invalidDerivedKey(index: index)
            }
            key = child
            chainCode = Array(digest[32..<64])
        }
        return key
    }

    /// The private key of Ethereum account `index` (`m/44'/60'/0'/0/index`).
    public func accountKey(index: UInt32) throws(HDWalletError) -> Bytes32 {
        try privateKey(path: "m/44'/60'/0'/0/\(index)")
    }
}
