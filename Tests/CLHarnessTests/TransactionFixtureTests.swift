import CLHarness
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// One case of ethereum/tests TransactionTests with its Cancun expectation.
struct TransactionFixtureCase: CustomStringConvertible, Sendable {
    let name: String
    let raw: String
    /// Expected hash, sender and intrinsic gas for a valid transaction; nil when Cancun rejects it.
    let expected: Expected?
    var description: String { name }

    struct Expected: Sendable {
        let hash: String
        let sender: String
        let intrinsicGas: String
    }

    /// Every case of every file. A case with no Cancun entry is one every listed fork rejects
    /// (the malformed-RLP files), so it is expected to be rejected too.
    static func all() -> [TransactionFixtureCase] {
        var cases: [TransactionFixtureCase] = []
        for file in Fixtures.files(in: "ethereum-tests/TransactionTests") {
            guard let root = try? Fixtures.json(file) as? [String: Any] else { continue }
            for (name, body) in root {
                guard let body = body as? [String: Any], let raw = body["txbytes"] as? String,
                      let results = body["result"] as? [String: Any] else { continue }
                var expected: Expected? = nil
                if let cancun = results["Cancun"] as? [String: Any], let hash = cancun["hash"] as? String {
                    expected = Expected(hash: hash, sender: cancun["sender"] as? String ?? "",
                                        intrinsicGas: cancun["intrinsicGas"] as? String ?? "")
                }
                cases.append(TransactionFixtureCase(name: file + ":" + name, raw: raw, expected: expected))
            }
        }
        return cases.sorted { $0.name < $1.name }
    }
}

@Suite("ethereum/tests TransactionTests (Cancun)")
struct TransactionFixtureTests {
    @Test("fixtures are present") func fixturesPresent() {
        #expect(TransactionFixtureCase.all().count > 200)
    }

    @Test(arguments: TransactionFixtureCase.all())
    func transactionCase(_ fixture: TransactionFixtureCase) throws {
        let bytes = (try? Hex.decode(fixture.raw)) ?? []
        let outcome: Result<(Transaction, Address), TransactionError>
        do {
            let tx = try Transaction.decode(bytes)
            outcome = .success((tx, try tx.validate(chainID: 1)))
        } catch {
            outcome = .failure(error)
        }
        switch (fixture.expected, outcome) {
        case (let expected?, .success(let (tx, sender))):
            #expect(tx.hash.hex == expected.hash.lowercased())
            #expect(sender.hex == expected.sender.lowercased())
            #expect(UInt64(expected.intrinsicGas.dropFirst(2), radix: 16) == tx.intrinsicGas)
            // Re-encoding a decoded valid transaction gives back the same bytes.
            #expect(tx.encoded == bytes)
        case (nil, .failure): break
        case (let expected?, .failure(let error)):
            Issue.record("expected valid (\(expected.hash)), got \(error)")
        case (nil, .success(let (tx, _))):
            Issue.record("expected rejection, accepted \(tx.type) transaction")
        }
    }
}
