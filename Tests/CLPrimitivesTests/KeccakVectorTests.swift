import CLPrimitives
import Foundation
import Testing
import TestSupport

/// Keccak-256 against pycryptodome at every length from 0 to 600 bytes and a few long messages
/// (`Fixtures/vectors/keccak256.json`, written by `Scripts/gen-digest-vectors.py`).
@Suite struct KeccakVectorTests {
    struct Case: Decodable {
        let message: String
        let keccak256: String
    }

    struct File: Decodable {
        let cases: [Case]
    }

    @Test func generatedVectors() throws {
        let file = try JSONDecoder().decode(File.self, from: Fixtures.data("vectors/keccak256.json"))
        #expect(file.cases.count == 605)
        for entry in file.cases {
            let message = try Hex.decode(entry.message)
            let expected = try Bytes32(hex: entry.keccak256)
            #expect(Keccak256.hash(message) == expected, "length \(message.count)")
            // The same message absorbed in two pieces split at a third of its length.
            var sponge = KeccakState()
            sponge.absorb(Array(message.prefix(message.count / 3)))
            sponge.absorb(Array(message.dropFirst(message.count / 3)))
            #expect(sponge.finalize() == expected, "length \(message.count), split")
        }
    }

    /// The Merkle-node form hashes the 64-byte concatenation.
    @Test func merkleNodeMatchesConcatenation() throws {
        let file = try JSONDecoder().decode(File.self, from: Fixtures.data("vectors/keccak256.json"))
        let entry = file.cases[64]
        let message = try Hex.decode(entry.message)
        let left = Bytes32(bytes: message.prefix(32))!, right = Bytes32(bytes: message.suffix(32))!
        #expect(Keccak256.hash(left, right) == (try Bytes32(hex: entry.keccak256)))
    }
}
