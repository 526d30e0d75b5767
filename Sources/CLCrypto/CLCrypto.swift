/// secp256k1 signatures and recovery (libsecp256k1); SHA-256, RIPEMD-160 and modexp (OpenSSL libcrypto).
///
/// This namespace marks the module; its parts live in the files beside it.
public enum CLCryptoModule {}
