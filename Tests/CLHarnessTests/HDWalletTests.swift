import CLCrypto
import CLHarness
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// BIP-39/BIP-32 keys against eth-account's derivation (Scripts/gen_dev_accounts.py).
@Suite("HD wallet (BIP-39 / BIP-32)")
struct HDWalletTests {
    struct Vector: Sendable, CustomStringConvertible {
        let mnemonic: String
        let passphrase: String
        let path: String
        let privateKey: String
        let address: String
        var description: String { path }
    }

    static func vectors() -> [Vector] {
        guard let root = try? Fixtures.json("harness/dev-accounts.json") as? [String: Any],
              let accounts = root["accounts"] as? [[String: String]], let mnemonic = root["mnemonic"] as? String,
              let extra = root["extra"] as? [String: String] else { return [] }
        var out = accounts.map { Vector(mnemonic: mnemonic, passphrase: "", path: $0["path"]!, privateKey: $0["privateKey"]!, address: $0["address"]!) }
        out.append(Vector(mnemonic: extra["mnemonic"]!, passphrase: extra["passphrase"]!, path: extra["path"]!,
                          privateKey: extra["privateKey"]!, address: extra["address"]!))
        return out
    }

    @Test func vectorsPresent() { #expect(HDWalletTests.vectors().count == 11) }

    @Test(arguments: HDWalletTests.vectors())
    func derivesKeyAndAddress(_ vector: Vector) throws {
        let wallet = HDWallet(mnemonic: vector.mnemonic, passphrase: vector.passphrase)
        let secret = try wallet.privateKey(path: vector.path)
        #expect(secret.hex == vector.privateKey)
        let address = Address(bytes: try PrivateKey(secret).ethereumAddress)!
        #expect(address.checksummed == vector.address)
    }

    @Test func devChainAccountsAreTheDevelopmentAccounts() throws {
        let chain = try DevChain()
        #expect(chain.accounts.map(\.checksummed) == HDWalletTests.vectors().prefix(10).map(\.address))
        #expect(chain.config.chainID == 31337)
    }

    @Test(arguments: ["", "m", "m/", "x/1", "m/1/a", "m/2147483648", "m/1''"])
    func rejectsMalformedPaths(_ path: String) {
        if path == "m" { #expect((try? HDWallet.parsePath(path)) == []); return }
        #expect(throws: HDWalletError.self) { try HDWallet.parsePath(path) }
    }
}
