import CLABI
import CLPrimitives
import Testing

/// Vectors produced by eth-abi 6.0.0 (Scripts/gen-abi-vectors.py): every type family and nesting.
@Suite struct ABIVectorTests {
    @Test func encodingVectorsRoundTripExactly() throws {
        let vectors = try ABIFixtures.vectors("vectors/abi/encoding.json")
        #expect(vectors.count >= 2000)
        var failures = 0
        for vector in vectors where failures < 5 {
            let types = try ABIFixtures.types(vector["types"])
            let values = try ABIFixtures.values(vector["values"], types)
            let expected = try ABIFixtures.hexBytes(vector["encoding"])
            let encoded = try ABIEncoder.encode(values, as: types)
            let decoded = try ABIDecoder.decode(types, from: expected)
            let ok = encoded == expected && decoded == values
                && decoded.map(\.json) == (vector["values"]?.arrayValue ?? []).map(ABIVectorTests.normalised)
            if !ok { failures += 1 }
            #expect(ok, "vector \(ABIType.canonicalList(types)) failed")
        }
    }

    /// The JSON form of a vector value as CLABI writes it (hex lower-case; numbers as written).
    static func normalised(_ json: JSONValue) -> JSONValue {
        switch json {
        case .string(let text) where text.hasPrefix("0x"): return .string(text.lowercased())
        case .array(let items): return .array(items.map(normalised))
        default: return json
        }
    }

    @Test func malformedEncodingsMatchEthAbiVerdict() throws {
        let vectors = try ABIFixtures.vectors("vectors/abi/malformed.json")
        #expect(vectors.count >= 1000)
        var rejected = 0
        var failures = 0
        for vector in vectors where failures < 5 {
            let types = try ABIFixtures.types(vector["types"])
            let data = try ABIFixtures.hexBytes(vector["encoding"])
            let accepted = vector["accepted"]?.boolValue ?? false
            do {
                let decoded = try ABIDecoder.decode(types, from: data)
                let expected = try ABIFixtures.values(vector["values"], types)
                if !(accepted && decoded == expected) { failures += 1 }
                #expect(accepted, "eth-abi rejects (\(vector["reason"]?.stringValue ?? "")) what CLABI accepts: \(vector["mutation"]?.stringValue ?? "") \(ABIType.canonicalList(types))")
                #expect(decoded == expected)
            } catch {
                rejected += 1
                if accepted { failures += 1 }
                #expect(!accepted, "CLABI rejects (\(error)) what eth-abi accepts: \(ABIType.canonicalList(types))")
            }
        }
        #expect(rejected > 500)
    }

    @Test func packedEncodingMatchesEthAbi() throws {
        for vector in try ABIFixtures.vectors("vectors/abi/packed.json") {
            let types = try ABIFixtures.types(vector["types"])
            let values = try ABIFixtures.values(vector["values"], types)
            #expect(try ABIEncoder.encodePacked(values, as: types) == ABIFixtures.hexBytes(vector["encoding"]))
        }
    }

    @Test func signaturesAndSelectorsMatchEthAbiAndEthUtils() throws {
        for vector in try ABIFixtures.vectors("vectors/abi/signatures.json") {
            let function = try ABIFunction(signature: vector["text"]?.stringValue ?? "")
            #expect(function.signature == vector["canonical"]?.stringValue)
            #expect(function.selector == (try ABIFixtures.hexBytes(vector["selector"])))
            let event = ABIEvent(name: function.name, inputs: function.inputs)
            #expect(event.topic0.bytes == (try ABIFixtures.hexBytes(vector["topic"])))
        }
    }

    @Test func indexedTopicsMatchReference() throws {
        for vector in try ABIFixtures.vectors("vectors/abi/topics.json") {
            let type = try ABIType(parsing: vector["type"]?.stringValue ?? "")
            let value = try ABIValue(json: vector["value"] ?? .null, type: type)
            let topic = try ABIEvent.topic(for: value, type: type)
            #expect(topic.bytes == (try ABIFixtures.hexBytes(vector["topic"])), "topic of \(type)")
        }
    }

    @Test func revertDataDecodes() throws {
        let abi = try ContractABI(json: ABIFixtures.text("abi/solidity-style-abi.json"))
        for vector in try ABIFixtures.vectors("vectors/abi/reverts.json") {
            let reason = RevertReason(data: try ABIFixtures.hexBytes(vector["data"]), abi: abi)
            switch vector["kind"]?.stringValue {
            case "error":
                #expect(reason == .error(vector["message"]?.stringValue ?? "?"))
            case "panic":
                guard case .number(let text) = vector["code"] ?? .null else { Issue.record("bad vector"); continue }
                #expect(reason == .panic(UInt256(decimal: text) ?? .max))
            default:
                guard case .custom(let definition, let values) = reason else { Issue.record("not custom: \(reason)"); continue }
                #expect(definition.name == vector["name"]?.stringValue)
                #expect(values == (try ABIFixtures.values(vector["values"], definition.inputs.map(\.type))))
            }
        }
    }
}
