import CLABI
import CLPrimitives
import Testing

/// ethereum/tests ABITests/basic_abi_tests.json: encode `args` as `types` to exactly `result`, and back.
@Suite struct EthereumABITests {
    static let cases: [String] = {
        (try? ABIFixtures.json("ethereum-tests/ABITests/basic_abi_tests.json").objectValue?.map(\.key)) ?? []
    }()

    @Test func fixtureIsPresent() { #expect(Self.cases.count >= 3) }

    @Test(arguments: cases) func basicABITest(name: String) throws {
        let document = try ABIFixtures.json("ethereum-tests/ABITests/basic_abi_tests.json")
        let test = try #require(document[name])
        let types = try ABIFixtures.types(test["types"])
        // The suite writes bytesN and bytes arguments as text strings, meaning their UTF-8 bytes.
        var values: [ABIValue] = []
        for (argument, type) in zip(test["args"]?.arrayValue ?? [], types) {
            switch (type, argument) {
            case (.fixedBytes(let size), .string(let text)):
                var bytes = Array(text.utf8)
                bytes.append(contentsOf: repeatElement(0, count: max(0, size - bytes.count)))
                values.append(.fixedBytes(bytes))
            case (.bytes, .string(let text)):
                values.append(.bytes(Array(text.utf8)))
            default:
                values.append(try ABIValue(json: argument, type: type))
            }
        }
        let expected = try Hex.decode(test["result"]?.stringValue ?? "")
        #expect(try ABIEncoder.encode(values, as: types) == expected)
        #expect(try ABIDecoder.decode(types, from: expected) == values)
    }
}
