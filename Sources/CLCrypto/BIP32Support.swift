internal import CSecp256k1
import CLPrimitives

/// The secp256k1 operations BIP-32 key derivation needs beyond signing: the compressed public key
/// of a secret, and adding a tweak to a secret modulo the group order.
public enum BIP32Curve {
    /// A context of our own for these two operations (libsecp256k1 contexts are safe to share
    /// across threads for every `const` use, which both calls are).
    private struct Context: @unchecked Sendable {
        let pointer: OpaquePointer
        static let shared: Context = {
            guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
                fatalError("libsecp256k1 could not allocate a context")
            }
            return Context(pointer: context)
        }()
    }

    /// The 33-byte compressed SEC1 encoding of `secret` × G, or nil when `secret` is not a valid
    /// private key (zero, or not below the group order).
    public static func compressedPublicKey(of secret: Bytes32) -> [UInt8]? {
        var point = secp256k1_pubkey()
        let created = secret.withUnsafeBytes { raw in
            secp256k1_ec_pubkey_create(Context.shared.pointer, &point, raw.bindMemory(to: UInt8.self).baseAddress!)
        }
        guard created == 1 else { return nil }
        var output = [UInt8](repeating: 0, count: 33)
        var length = 33
        let serialized = output.withUnsafeMutableBufferPointer { out in
            secp256k1_ec_pubkey_serialize(Context.shared.pointer, out.baseAddress!, &length, &point,
                                          UInt32(SECP256K1_EC_COMPRESSED))
        }
        precondition(serialized == 1 && length == 33, "secp256k1_ec_pubkey_serialize failed on a valid point")
        return output
    }

    /// (`secret` + `tweak`) mod n, or nil when `secret` is invalid, `tweak` ≥ n, or the sum is zero
    /// (the cases in which BIP-32 says to skip to the next index).
    public static func addTweak(_ tweak: Bytes32, to secret: Bytes32) -> Bytes32? {
        var key = secret.bytes
        let tweakBytes = tweak.bytes
        let ok = key.withUnsafeMutableBufferPointer { keyBuffer in
            tweakBytes.withUnsafeBufferPointer { tweakBuffer in
                secp256k1_ec_seckey_tweak_add(Context.shared.pointer, keyBuffer.baseAddress!, tweakBuffer.baseAddress!)
            }
        }
        guard ok == 1 else { return nil }
        return Bytes32(bytes: key)
    }
}
