import CLPrimitives
import Foundation
import TestSupport

/// The generated vector files in `Fixtures/vectors/`, decoded once.
enum CryptoVectors {
    /// One signing vector: a key, a hash, and what the reference implementations derived from them.
    struct Signing: Decodable, Sendable {
        let private_key: String
        let hash: String
        let message: String?
        let public_key: String
        let address: String
        let r: String
        let s: String
        let v: UInt8
        let s_high: String
    }

    /// One recovery vector: an arbitrary in-range signature and the key it recovers (nil: none).
    struct Recovery: Decodable, Sendable {
        let hash: String
        let r: String
        let s: String
        let v: UInt8
        let high_s: Bool
        let public_key: String?
        let address: String?
    }

    /// `Fixtures/vectors/secp256k1.json`.
    struct Secp256k1File: Decodable, Sendable {
        let curve_order: String
        let invalid_private_keys: [String]
        let signing: [Signing]
        let recovery: [Recovery]
    }

    /// One modexp case.
    struct ModExpCase: Decodable, Sendable {
        let name: String
        let base: String
        let exponent: String
        let modulus: String
        let result: String
    }

    /// One digest case.
    struct DigestCase: Decodable, Sendable {
        let message: String
        let sha256: String
        let ripemd160: String
    }

    private struct Cases<Case: Decodable>: Decodable {
        let cases: [Case]
    }

    static func load<T: Decodable>(_ type: T.Type, _ relative: String) -> T {
        do {
            return try JSONDecoder().decode(type, from: Fixtures.data(relative))
        } catch {
            fatalError("cannot load Fixtures/\(relative): \(error)")
        }
    }

    static let secp256k1 = load(Secp256k1File.self, "vectors/secp256k1.json")
    static let modexp = load(Cases<ModExpCase>.self, "vectors/modexp.json").cases
    static let digests = load(Cases<DigestCase>.self, "vectors/digests.json").cases
}

/// Hex helpers for tests (the fixtures are trusted, so a decoding failure is a broken fixture).
func bytes(_ hex: String) -> [UInt8] {
    do { return try Hex.decode(hex) } catch { fatalError("bad hex in fixture: \(hex)") }
}

func word(_ hex: String) -> Bytes32 {
    do { return try Bytes32(hex: hex) } catch { fatalError("bad 32-byte hex in fixture: \(hex)") }
}
