import CLPrimitives
import Testing
import TestSupport

/// The trie against py-trie (vectors from Scripts/gen_encoding_vectors.py) and against a
/// dictionary model: roots after every update and delete, copies that stay independent,
/// lookups, ordered listing and next/previous keys.
@Suite struct TrieReferenceTests {
    static let file = "generated/encoding/trie_reference.json"

    private func vectors() throws -> [String: Any] {
        try #require(try Fixtures.json(Self.file) as? [String: Any])
    }

    /// One update (nil value: delete) and the py-trie root after it.
    private struct Step {
        var key: [UInt8]
        var value: [UInt8]?
        var root: String
    }

    private func sequences() throws -> [(String, [Step])] {
        let cases = try #require(try vectors()["sequences"] as? [[String: Any]])
        return try cases.map { test in
            let operations = try #require(test["ops"] as? [[Any]])
            let steps = try operations.map { operation in
                Step(key: try Hex.decode(try #require(operation[0] as? String)),
                     value: try (operation[1] as? String).map { try Hex.decode($0) },
                     root: try #require(operation[2] as? String))
            }
            return (try #require(test["name"] as? String), steps)
        }
    }

    @Test func rootAfterEveryUpdateMatchesPyTrie() throws {
        let all = try sequences()
        #expect(all.count == 24)
        for (name, steps) in all {
            var trie = MerklePatriciaTrie()
            var model: [[UInt8]: [UInt8]] = [:]
            for (index, step) in steps.enumerated() {
                // A copy taken before the update must keep its contents and root.
                var before = trie
                let rootBefore = before.rootHash()
                trie[step.key] = step.value
                model[step.key] = step.value
                #expect(trie.rootHash().hex == step.root, "\(name) step \(index)")
                #expect(before.rootHash() == rootBefore, "\(name) step \(index): copy changed")
                #expect(trie.value(forKey: step.key) == step.value, "\(name) step \(index): lookup")
            }
            try checkAgainstModel(trie, model, name)
        }
    }

    /// Lookups, ordered listing and next/previous keys agree with a sorted dictionary.
    private func checkAgainstModel(_ trie: MerklePatriciaTrie, _ model: [[UInt8]: [UInt8]], _ name: String) throws {
        let sorted = model.keys.sorted { $0.lexicographicallyPrecedes($1) }
        #expect(trie.entries.map(\.key) == sorted, "\(name): entries")
        #expect(trie.entries.map(\.value) == sorted.map { model[$0]! }, "\(name): entries")
        #expect(trie.isEmpty == model.isEmpty)
        var probes = sorted
        for key in sorted { probes.append(key + [0]); probes.append(key + [0xff]); if !key.isEmpty { probes.append(Array(key.dropLast())) } }
        probes.append([])
        for probe in probes {
            let next = sorted.first { probe.lexicographicallyPrecedes($0) }
            let previous = sorted.last { $0.lexicographicallyPrecedes(probe) }
            #expect(trie.key(after: probe) == next, "\(name): after \(Hex.encode(probe))")
            #expect(trie.key(before: probe) == previous, "\(name): before \(Hex.encode(probe))")
            #expect(trie.value(forKey: probe) == model[probe], "\(name): lookup \(Hex.encode(probe))")
        }
    }

    /// Replaying each sequence's final contents in one batch, in any order, gives the same root.
    @Test func finalContentsGiveTheSameRootInAnyOrder() throws {
        var random = RLPTestRandom(seed: 0x7e1e_0002)
        for (name, steps) in try sequences() {
            var model: [[UInt8]: [UInt8]] = [:]
            for step in steps { model[step.key] = step.value }
            var pairs = model.map { ($0.key, $0.value) }
            pairs.shuffle(using: &random)
            #expect(MerklePatriciaTrie.rootHash(of: pairs).hex == steps.last!.root, "\(name)")
        }
    }

    @Test func largeTrieOf32ByteKeys() throws {
        let large = try #require(try vectors()["large"] as? [String: Any])
        let pairs = try #require(large["pairs"] as? [[String]]).map { (try Hex.decode($0[0]), try Hex.decode($0[1])) }
        #expect(pairs.count == 2000)
        let expected = large["root"] as? String
        var trie = MerklePatriciaTrie(pairs)
        #expect(trie.rootHash().hex == expected)
        #expect(MerklePatriciaTrie.rootHash(of: pairs.reversed()).hex == expected)
        // Deleting half and re-inserting it restores the root; deleting all empties the trie.
        var copy = trie
        for (key, _) in pairs.prefix(1000) {
            let removed = copy.removeValue(forKey: key)
            #expect(removed)
        }
        #expect(copy.rootHash() != trie.rootHash())
        for (key, value) in pairs.prefix(1000) { copy.update(value, forKey: key) }
        #expect(copy.rootHash().hex == expected)
        for (key, _) in pairs.shuffled() { copy.removeValue(forKey: key) }
        #expect(copy.isEmpty)
        #expect(copy.rootHash() == MerklePatriciaTrie.emptyRootHash)
        #expect(trie.rootHash().hex == expected)
        let removedAbsent = trie.removeValue(forKey: [1, 2, 3])
        #expect(!removedAbsent)
    }

    @Test func orderedRootsOfLists() throws {
        let cases = try #require(try vectors()["ordered"] as? [[String: Any]])
        #expect(cases.count == 9)
        for test in cases {
            let values = try #require(test["values"] as? [String]).map { try Hex.decode($0) }
            #expect(MerklePatriciaTrie.orderedRootHash(values).hex == test["root"] as? String, "\(values.count) items")
        }
    }

    @Test func secureTrieHashesKeys() {
        var secure = SecureMerklePatriciaTrie()
        var plain = MerklePatriciaTrie()
        for index in 0..<50 {
            let key = RLP.encode(unsigned: UInt64(index * 977))
            secure[key] = [UInt8(index + 1)]
            plain[Keccak256.hash(key).bytes] = [UInt8(index + 1)]
        }
        #expect(secure.rootHash() == plain.rootHash())
        #expect(secure[RLP.encode(unsigned: UInt64(977))] == [2])
        let removed = secure.removeValue(forKey: RLP.encode(unsigned: UInt64(0)))
        #expect(removed)
        #expect(secure[RLP.encode(unsigned: UInt64(0))] == nil)
        #expect(secure.hashedTrie.entries.count == 49)
    }
}
