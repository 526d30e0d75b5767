/// secp256k1 signatures and recovery (libsecp256k1); SHA-256, RIPEMD-160 and modexp (OpenSSL libcrypto).
///
/// The parts live in the files beside this one:
/// - `Secp256k1Context.swift`: the one shared libsecp256k1 context;
/// - `Secp256k1Keys.swift`: `PrivateKey` and `PublicKey` (x ‖ y), Ethereum addresses;
/// - `Secp256k1Signing.swift`: `RecoverableSignature`, signing, verification, recovery;
/// - `ECRecover.swift`: the EVM `ecrecover` precompile's semantics;
/// - `Digests.swift`: SHA-256 and RIPEMD-160 through OpenSSL EVP;
/// - `ModExp.swift`: big-number modular exponentiation through OpenSSL BN.
public enum CLCryptoModule {}
