import CLHarness
import Testing

@Suite("JSON parser and writer")
struct JSONTests {
    @Test func roundTripsNestedValues() throws {
        let text = #"{"a":[1,-2.5e3,true,false,null],"b":{"c":"x\"y\\z\n\u00e9\ud83d\ude00"},"d":[]}"#
        let value = try JSON.parse(text)
        #expect(value["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        #expect(value["b"]?["c"]?.stringValue == "x\"y\\z\né😀")
        #expect(try JSON.parse(value.text) == value)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"abc", "tru", "[1] x", "{\"a\":1,}", "\"\\x\"", "\"\u{01}\""])
    func rejectsMalformed(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
    }

    @Test func limitsDepth() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError.self) { try JSON.parse(deep) }
    }
}
