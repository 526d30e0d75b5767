import CLPrimitives
import Foundation
import Testing
import TestSupport

/// RLP against pyrlp (vectors from Scripts/gen_encoding_vectors.py): random nested items,
/// long headers up to 3 length bytes, and accept/reject decisions on malformed input.
@Suite struct RLPReferenceTests {
    static let file = "generated/encoding/rlp_reference.json"

    private func vectors() throws -> [String: Any] {
        try #require(try Fixtures.json(Self.file) as? [String: Any])
    }

    @Test func randomItemsEncodeLikePyrlp() throws {
        let cases = try #require(try vectors()["encode"] as? [[String: Any]])
        #expect(cases.count == 200)
        for (index, test) in cases.enumerated() {
            let item = try RLPJSON.item(fromHexTree: try #require(test["item"]))
            let expected = try Hex.decode(try #require(test["encoded"] as? String))
            #expect(RLP.encode(item) == expected, "vector \(index)")
            #expect(try RLP.decode(expected) == item, "vector \(index)")
        }
    }

    /// Strings and one-item lists of 55 … 70000 bytes: header bytes and the hash of the whole encoding.
    @Test func longHeadersMatchPyrlp() throws {
        let cases = try #require(try vectors()["bigStrings"] as? [[String: Any]])
        #expect(cases.count == 8)
        for test in cases {
            let length = try #require(test["length"] as? Int)
            let data = (0..<length).map { UInt8(($0 * 7 + 3) % 251) }
            let string = RLP.encode(.bytes(data))
            let list = RLP.encode(.list([.bytes(data)]))
            let stringHeader = try Hex.decode(try #require(test["stringHeader"] as? String))
            let listHeader = try Hex.decode(try #require(test["listHeader"] as? String))
            #expect(Array(string.prefix(stringHeader.count)) == stringHeader, "string of \(length)")
            #expect(Array(list.prefix(listHeader.count)) == listHeader, "list of \(length)")
            #expect(Keccak256.hash(string).hex == test["stringKeccak"] as? String, "string of \(length)")
            #expect(Keccak256.hash(list).hex == test["listKeccak"] as? String, "list of \(length)")
            #expect(try RLP.decode(list) == .list([.bytes(data)]))
            #expect(RLP.encode(bytes: data) == string)
        }
    }

    /// Random bytes, truncated, mutated and extended encodings: we accept exactly what pyrlp's
    /// strict decoder accepts, decode to the same item, and reject the rest with a typed error.
    @Test func malformedInputDecisionsMatchPyrlp() throws {
        let cases = try #require(try vectors()["decode"] as? [[String: Any]])
        #expect(cases.count == 1400)
        var accepted = 0
        for (index, test) in cases.enumerated() {
            let input = try Hex.decode(try #require(test["input"] as? String))
            let valid = try #require(test["valid"] as? Bool)
            let result = Result { () throws(RLPError) in try RLP.decode(input) }
            switch result {
            case .success(let item):
                #expect(valid, "vector \(index) accepted, pyrlp rejects it")
                #expect(item == (try RLPJSON.item(fromHexTree: try #require(test["item"]))), "vector \(index)")
                accepted += 1
            case .failure(let error):
                #expect(!valid, "vector \(index) rejected (\(error)), pyrlp accepts it")
            }
        }
        #expect(accepted > 100)
    }
}
