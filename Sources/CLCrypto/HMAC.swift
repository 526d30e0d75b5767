internal import COpenSSL
import CLPrimitives

/// HMAC-SHA512 and PBKDF2-HMAC-SHA512 through OpenSSL libcrypto: the two primitives BIP-39 (mnemonic to
/// seed) and BIP-32 (hierarchical key derivation) are built from.
public enum HMACSHA512 {
    /// HMAC-SHA512 of `message` under `key` (RFC 2104): 64 bytes.
    public static func authenticate(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 64)
        var written = 0
        let result: UnsafeMutablePointer<UInt8>? = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBufferPointer { messageBytes in
                output.withUnsafeMutableBufferPointer { out in
                    EVP_Q_mac(nil, "HMAC", nil, "SHA512", nil,
                              keyBytes.baseAddress, keyBytes.count,
                              messageBytes.baseAddress, messageBytes.count,
                              out.baseAddress, out.count, &written)
                }
            }
        }
        // OpenSSL fails here only when the SHA-512 implementation is missing from the build.
        precondition(result != nil && written == 64, "OpenSSL HMAC-SHA512 is unavailable")
        return output
    }

    /// PBKDF2 (RFC 8018) with HMAC-SHA512 as the pseudo-random function: `length` derived bytes.
    public static func pbkdf2(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        precondition(iterations > 0 && length > 0, "PBKDF2 needs a positive iteration count and length")
        var output = [UInt8](repeating: 0, count: length)
        let status = password.withUnsafeBufferPointer { pass in
            salt.withUnsafeBufferPointer { saltBytes in
                output.withUnsafeMutableBufferPointer { out in
                    pass.withMemoryRebound(to: CChar.self) { passChars in
                        PKCS5_PBKDF2_HMAC(passChars.baseAddress, Int32(pass.count),
                                          saltBytes.baseAddress, Int32(saltBytes.count),
                                          Int32(iterations), EVP_sha512(), Int32(length), out.baseAddress)
                    }
                }
            }
        }
        precondition(status == 1, "OpenSSL PBKDF2-HMAC-SHA512 failed")
        return output
    }
}
