import CLABI
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// The committed generated bindings (Tests/CLABITests/Generated) are current and work.
@Suite struct ABIBindingsTests {
    static func generatedText(_ file: String) throws -> String {
        let url = Fixtures.repositoryRoot.appendingPathComponent("Tests/CLABITests/Generated").appendingPathComponent(file)
        return String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    @Test func committedBindingsAreNotStale() throws {
        let vyper = try ContractArtifact(text: ABIFixtures.text("abi/artifacts/ABIFixture.vyper-combined.json"))
        #expect(SwiftBindingsGenerator.generate(contractName: "ABIFixture", abi: vyper.abi)
            == (try Self.generatedText("ABIFixtureBindings.swift")), "run Scripts/gen-abi-bindings.sh")
        let market = try ContractABI(json: ABIFixtures.text("abi/solidity-style-abi.json"))
        #expect(SwiftBindingsGenerator.generate(contractName: "MarketFixture", abi: market)
            == (try Self.generatedText("MarketFixtureBindings.swift")), "run Scripts/gen-abi-bindings.sh")
    }

    static func calldata(_ signature: String) throws -> [UInt8] {
        let vectors = try ABIFixtures.vectors("vectors/abi/calls.json")
        let vector = try #require(vectors.first { $0["signature"]?.stringValue == signature })
        return try ABIFixtures.hexBytes(vector["calldata"])
    }

    static let maker1 = Address(bytes: [UInt8](repeating: 0x11, count: 20))!
    static let maker2 = Address(bytes: [UInt8](repeating: 0xab, count: 20))!
    static let asset1 = Bytes32(bytes: Array(0..<32))!
    static let asset2 = Bytes32(bytes: Array(32..<64))!

    @Test func generatedScalarsCallMatchesEthAbi() throws {
        let data = try ABIFixture.encodeScalars(a: 200, b: -300, c: UInt256.one << 255, d: Self.maker2, e: true,
                                                f: [0xde, 0xad, 0xbe, 0xef], g: Self.asset1)
        #expect(data == (try Self.calldata("scalars(uint8,int16,int256,address,bool,bytes4,bytes32)")))
        // The function returns its arguments: decoding the argument block as the result gives them back.
        let result = try ABIFixture.decodeScalarsResult(Array(data.dropFirst(4)))
        #expect(result.value0 == 200 && result.value1 == -300 && result.value2 == UInt256.one << 255)
        #expect(result.value3 == Self.maker2 && result.value4 && result.value5 == [0xde, 0xad, 0xbe, 0xef])
        #expect(result.value6 == Self.asset1)
    }

    @Test func generatedNestedTupleCallMatchesEthAbi() throws {
        let orders: [[MarketFixture.Order]] = [[
            MarketFixture.Order(maker: Self.maker1, legs: [
                MarketFixture.Leg(asset: Self.asset1, size: -5, memo: "memo é"),
                MarketFixture.Leg(asset: Self.asset2, size: 7, memo: ""),
            ], expiry: 1_700_000_000),
            MarketFixture.Order(maker: Self.maker2, legs: [], expiry: 0),
        ]]
        let data = try MarketFixture.encodeSubmit(orders: orders, in_: [Array("abc".utf8), [0, 1, 2]])
        #expect(data == (try Self.calldata("submit((address,(bytes32,int64,string)[],uint40)[2][],bytes3[])")))
        let result = try MarketFixture.decodeSubmitResult(try Self.calldata("submit:result"))
        #expect(result.ids == [1, 2, 3])
        #expect(result.first == MarketFixture.Leg(asset: Self.asset2, size: -9, memo: "x"))
        #expect(throws: ABIError.self) {
            try MarketFixture.encodeSubmit(orders: [[orders[0][0]]], in_: [])
        }
    }

    @Test func generatedVyperStructCallMatchesEthAbi() throws {
        let shapes = [
            ABIFixture.ShapesItems(name: "tri", corners: [
                ABIFixture.ShapesItemsCorners(x: UInt256.one.negated, y: 2), ABIFixture.ShapesItemsCorners(x: 3, y: 4),
            ], tag: [1, 2, 3, 4]),
            ABIFixture.ShapesItems(name: "", corners: [], tag: [0, 0, 0, 0]),
        ]
        let data = try ABIFixture.encodeShapes(items: shapes)
        #expect(data == (try Self.calldata("shapes((string,(int128,uint256)[],bytes4)[])")))
        #expect(try ABIFixture.decodeShapesResult(Array(data.dropFirst(4))) == shapes)
    }

    @Test func generatedSelectorsMatchVyper() throws {
        let identifiers = try ABIFixtures.json("abi/artifacts/ABIFixture.method_identifiers.json")
        let expected: [(String, [UInt8])] = [
            ("scalars(uint8,int16,int256,address,bool,bytes4,bytes32)", ABIFixture.scalarsSelector),
            ("dynamic(bytes,string,uint256[])", ABIFixture.dynamicSelector),
            ("fixedList(uint256[3],int8[2][2])", ABIFixture.fixedListSelector),
            ("shapes((string,(int128,uint256)[],bytes4)[])", ABIFixture.shapesSelector),
            ("move(string,uint64,(string,(int128,uint256)[],bytes4))", ABIFixture.moveSelector),
            ("deposit()", ABIFixture.depositSelector),
        ]
        for (signature, selector) in expected {
            #expect(selector == (try Hex.decode(identifiers[signature]?.stringValue ?? "")), "\(signature)")
        }
    }

    @Test func generatedEventDecodesLogs() throws {
        let shape = ABIFixture.ShapesItems(name: "sq", corners: [ABIFixture.ShapesItemsCorners(x: 1, y: 1)], tag: [9, 9, 9, 9])
        let log = try ABIFixture.MovedEvent.event.encodeLog([
            .address(Self.maker1), .string("label"), .uint(42), shape.abiValue, .bool(true),
        ])
        #expect(log.topics.count == 4)
        #expect(log.topics[0] == ABIFixture.MovedEvent.topic0)
        let moved = try ABIFixture.MovedEvent(topics: log.topics, data: log.data)
        #expect(moved == ABIFixture.MovedEvent(who: Self.maker1, label: Keccak256.hash(Array("label".utf8)),
                                               amount: 42, shape: shape, ok: true))
        #expect(throws: ABIError.self) { try ABIFixture.PingEvent(topics: log.topics, data: log.data) }
        // Anonymous events have no signature topic.
        let filled = try MarketFixture.FilledEvent.event.encodeLog([
            MarketFixture.Leg(asset: Self.asset1, size: 1, memo: "m").abiValue, .array([.uint(1), .uint(255)]),
        ])
        #expect(filled.topics.count == 1)
        #expect(try MarketFixture.FilledEvent(topics: filled.topics, data: filled.data).tags == [1, 255])
    }

    @Test func generatedCustomErrorDecodesRevertData() throws {
        let vectors = try ABIFixtures.vectors("vectors/abi/reverts.json")
        let custom = try #require(vectors.first { $0["name"]?.stringValue == "InsufficientBalance" })
        let data = try ABIFixtures.hexBytes(custom["data"])
        let error = try MarketFixture.InsufficientBalanceError(revertData: data)
        let values = try ABIFixtures.values(custom["values"], [.uint256, .uint256])
        #expect([ABIValue.uint(error.needed), .uint(error.available)] == values)
        #expect(throws: ABIError.self) { try MarketFixture.UnauthorizedError(revertData: data) }
    }
}
