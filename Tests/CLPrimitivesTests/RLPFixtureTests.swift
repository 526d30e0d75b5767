import CLPrimitives
import Foundation
import Testing
import TestSupport

/// Every vector of ethereum-tests' RLPTests: valid ones encode to `out` and decode back,
/// `INVALID` ones are rejected with a typed error, `VALID` ones decode and re-encode to themselves.
@Suite struct RLPFixtureTests {
    static let folder = "ethereum-tests/RLPTests"

    @Test func allFixtureFilesAreRun() {
        #expect(Fixtures.files(in: Self.folder) == [
            "ethereum-tests/RLPTests/RandomRLPTests/example.json",
            "ethereum-tests/RLPTests/invalidRLPTest.json",
            "ethereum-tests/RLPTests/rlptest.json",
        ])
    }

    @Test(arguments: Fixtures.files(in: folder))
    func fixtureFile(_ file: String) throws {
        let cases = try #require(try Fixtures.json(file) as? [String: Any])
        #expect(!cases.isEmpty)
        for (name, body) in cases.sorted(by: { $0.key < $1.key }) {
            let test = try #require(body as? [String: Any], "\(name)")
            let input = try #require(test["in"], "\(name)")
            let output = try Hex.decode(try #require(test["out"] as? String, "\(name)"))
            switch input as? String {
            case "INVALID":
                #expect(throws: RLPError.self, "\(name)") { try RLP.decode(output) }
            case "VALID":
                let item = try RLP.decode(output)
                #expect(RLP.encode(item) == output, "\(name)")
            default:
                let item = try RLPJSON.item(fromFixture: input)
                #expect(RLP.encode(item) == output, "\(name): encode")
                #expect(try RLP.decode(output) == item, "\(name): decode")
                try checkIntegerReading(input, encoded: output, name: name)
            }
        }
    }

    /// Integer inputs also read back through the typed integer readers.
    private func checkIntegerReading(_ input: Any, encoded: [UInt8], name: String) throws {
        let item = try RLP.decode(encoded)
        if let text = input as? String, text.hasPrefix("#") {
            #expect(try item.asUnsignedBigEndian() == RLPJSON.bigEndian(decimal: String(text.dropFirst())), "\(name)")
        } else if let number = input as? NSNumber, !(input is String) {
            #expect(try item.asUnsigned(UInt64.self) == number.uint64Value, "\(name)")
            #expect(RLP.encode(unsigned: number.uint64Value) == encoded, "\(name)")
        }
    }

    /// The exact error for each invalid vector, worked out from the RLP rules by hand.
    @Test(arguments: [
        ("int32Overflow", RLPError.truncatedPayload(offset: 0, declared: 0x0f00_0000_0000_0002, available: 2)),
        ("int32Overflow2", .truncatedPayload(offset: 0, declared: 0x0f00_0000_0000_0002, available: 2)),
        ("wrongSizeList", .longFormForShortLength(offset: 0)),
        ("wrongSizeList2", .longFormForShortLength(offset: 0)),
        ("incorrectLengthInArray", .leadingZeroInLength(offset: 0)),
        ("bytesShouldBeSingleByte00", .singleByteNotCanonical(offset: 0)),
        ("bytesShouldBeSingleByte01", .singleByteNotCanonical(offset: 0)),
        ("bytesShouldBeSingleByte7F", .singleByteNotCanonical(offset: 0)),
        ("leadingZerosInLongLengthArray1", .leadingZeroInLength(offset: 0)),
        ("leadingZerosInLongLengthArray2", .leadingZeroInLength(offset: 0)),
        ("leadingZerosInLongLengthList1", .leadingZeroInLength(offset: 0)),
        ("leadingZerosInLongLengthList2", .leadingZeroInLength(offset: 0)),
        ("nonOptimalLongLengthArray1", .longFormForShortLength(offset: 0)),
        ("nonOptimalLongLengthArray2", .longFormForShortLength(offset: 0)),
        ("nonOptimalLongLengthList1", .longFormForShortLength(offset: 0)),
        ("nonOptimalLongLengthList2", .longFormForShortLength(offset: 0)),
        ("emptyEncoding", .emptyInput),
        ("lessThanShortLengthArray1", .truncatedPayload(offset: 0, declared: 1, available: 0)),
        ("lessThanShortLengthArray2", .truncatedPayload(offset: 0, declared: 32, available: 31)),
        ("lessThanShortLengthList1", .truncatedPayload(offset: 0, declared: 5, available: 3)),
        ("lessThanShortLengthList2", .truncatedPayload(offset: 0, declared: 34, available: 7)),
        ("lessThanLongLengthArray1", .truncatedPayload(offset: 0, declared: 0x010000, available: 6)),
        ("lessThanLongLengthArray2", .truncatedPayload(offset: 0, declared: 64, available: 16)),
        ("lessThanLongLengthList1", .truncatedPayload(offset: 0, declared: 0x0180, available: 0)),
        ("lessThanLongLengthList2", .lengthOverflow(offset: 0)),
    ])
    func invalidFixtureError(name: String, expected: RLPError) throws {
        let cases = try #require(try Fixtures.json(Self.folder + "/invalidRLPTest.json") as? [String: Any])
        let test = try #require(cases[name] as? [String: Any])
        let encoded = try Hex.decode(try #require(test["out"] as? String))
        #expect(throws: expected) { try RLP.decode(encoded) }
    }
}

/// Conversions between JSON test data and RLP items.
enum RLPJSON {
    /// An ethereum-tests `in` value: a string (UTF-8, or `#` + decimal big integer), an integer, or a list.
    static func item(fromFixture value: Any) throws -> RLPItem {
        if let text = value as? String {
            if text.hasPrefix("#") { return .unsigned(bigEndian: bigEndian(decimal: String(text.dropFirst()))) }
            return .string(text)
        }
        if let list = value as? [Any] { return .list(try list.map(item(fromFixture:))) }
        let number = try #require(value as? NSNumber)
        return .unsigned(number.uint64Value)
    }

    /// A generated vector's item: `0x…` hex for a byte string, an array for a list.
    static func item(fromHexTree value: Any) throws -> RLPItem {
        if let text = value as? String { return .bytes(try Hex.decode(text)) }
        let list = try #require(value as? [Any])
        return .list(try list.map(item(fromHexTree:)))
    }

    /// Minimal big-endian bytes of a non-negative decimal number of any size.
    static func bigEndian(decimal: String) -> [UInt8] {
        var bytes: [UInt8] = []  // little-endian while building
        for digit in decimal.utf8 {
            var carry = Int(digit - UInt8(ascii: "0"))
            for index in bytes.indices {
                let product = Int(bytes[index]) * 10 + carry
                bytes[index] = UInt8(product & 0xff)
                carry = product >> 8
            }
            while carry > 0 { bytes.append(UInt8(carry & 0xff)); carry >>= 8 }
        }
        return Array(bytes.reversed())
    }
}
