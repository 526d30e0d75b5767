import CLPrimitives
import Foundation
import Testing
import TestSupport

/// Every file of ethereum-tests' TrieTests: ordered updates (null deletes), any-order inserts
/// (tried in several orders), secure variants, hex-encoded inputs, and next/previous key.
@Suite struct TrieFixtureTests {
    static let folder = "ethereum-tests/TrieTests"

    @Test func allFixtureFilesAreRun() {
        #expect(Fixtures.files(in: Self.folder) == [
            "ethereum-tests/TrieTests/hex_encoded_securetrie_test.json",
            "ethereum-tests/TrieTests/trieanyorder.json",
            "ethereum-tests/TrieTests/trieanyorder_secureTrie.json",
            "ethereum-tests/TrieTests/trietest.json",
            "ethereum-tests/TrieTests/trietest_secureTrie.json",
            "ethereum-tests/TrieTests/trietestnextprev.json",
        ])
    }

    @Test func emptyTrieRoot() {
        #expect(MerklePatriciaTrie.emptyRootHash.hex == "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
        var trie = MerklePatriciaTrie()
        #expect(trie.rootHash() == Keccak256.hash([0x80]))
        var secure = SecureMerklePatriciaTrie()
        #expect(secure.rootHash() == MerklePatriciaTrie.emptyRootHash)
    }

    /// A fixture string: `0x…` is hex, anything else its UTF-8 bytes; JSON null is nil.
    static func bytes(_ value: Any, hexEncoded: Bool = false) throws -> [UInt8]? {
        if value is NSNull { return nil }
        let text = try #require(value as? String)
        return hexEncoded || text.hasPrefix("0x") ? try Hex.decode(text) : Array(text.utf8)
    }

    /// Applies the pairs in order to a plain or secure trie and returns the root.
    static func root(of pairs: [([UInt8], [UInt8]?)], secure: Bool) -> Bytes32 {
        if secure {
            var trie = SecureMerklePatriciaTrie()
            for (key, value) in pairs { trie[key] = value }
            return trie.rootHash()
        }
        var trie = MerklePatriciaTrie()
        for (key, value) in pairs { trie[key] = value }
        return trie.rootHash()
    }

    @Test(arguments: ["trietest.json", "trietest_secureTrie.json"])
    func orderedUpdates(file: String) throws {
        let cases = try #require(try Fixtures.json(Self.folder + "/" + file) as? [String: Any])
        #expect(cases.count == (file == "trietest.json" ? 5 : 3))
        for (name, body) in cases {
            let test = try #require(body as? [String: Any])
            let operations = try #require(test["in"] as? [[Any]], "\(name)")
            let pairs = try operations.map { pair -> ([UInt8], [UInt8]?) in
                (try #require(try Self.bytes(pair[0])), try Self.bytes(pair[1]))
            }
            let root = Self.root(of: pairs, secure: file.contains("secure"))
            #expect(root.hex == test["root"] as? String, "\(file) \(name)")
        }
    }

    @Test(arguments: ["trieanyorder.json", "trieanyorder_secureTrie.json", "hex_encoded_securetrie_test.json"])
    func anyOrderInserts(file: String) throws {
        let cases = try #require(try Fixtures.json(Self.folder + "/" + file) as? [String: Any])
        #expect(cases.count == (file.hasPrefix("hex") ? 3 : 7))
        var random = RLPTestRandom(seed: 0x7e1e)
        for (name, body) in cases {
            let test = try #require(body as? [String: Any])
            let hexEncoded = test["hexEncoded"] as? Bool ?? false
            let input = try #require(test["in"] as? [String: Any], "\(name)")
            var pairs = try input.map { key, value -> ([UInt8], [UInt8]?) in
                (try #require(try Self.bytes(key, hexEncoded: hexEncoded)), try Self.bytes(value, hexEncoded: hexEncoded))
            }
            let expected = test["root"] as? String
            let secure = file.lowercased().contains("secure")
            // The root does not depend on insertion order.
            pairs.sort { $0.0.lexicographicallyPrecedes($1.0) }
            #expect(Self.root(of: pairs, secure: secure).hex == expected, "\(file) \(name) sorted")
            #expect(Self.root(of: pairs.reversed(), secure: secure).hex == expected, "\(file) \(name) reversed")
            for round in 0..<4 {
                pairs.shuffle(using: &random)
                #expect(Self.root(of: pairs, secure: secure).hex == expected, "\(file) \(name) shuffle \(round)")
            }
        }
    }

    @Test func nextAndPreviousKeys() throws {
        let cases = try #require(try Fixtures.json(Self.folder + "/trietestnextprev.json") as? [String: Any])
        #expect(cases.count == 1)
        for (name, body) in cases {
            let test = try #require(body as? [String: Any])
            var trie = MerklePatriciaTrie()
            for key in try #require(test["in"] as? [String]) { trie[Array(key.utf8)] = Array(key.utf8) }
            let probes = try #require(test["tests"] as? [[String]])
            #expect(probes.count == 12)
            for probe in probes {
                let (key, previous, next) = (Array(probe[0].utf8), Array(probe[1].utf8), Array(probe[2].utf8))
                #expect(trie.key(before: key) == (previous.isEmpty ? nil : previous), "\(name) before \(probe[0])")
                #expect(trie.key(after: key) == (next.isEmpty ? nil : next), "\(name) after \(probe[0])")
            }
        }
    }
}
