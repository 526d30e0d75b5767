import CLABI
import CLPrimitives
import Testing

/// Hand-built hostile encodings: each must fail with the specific typed error, never crash or allocate
/// for a length the data cannot hold.
@Suite struct ABIMalformedInputTests {
    /// A 32-byte big-endian word.
    static func word(_ value: UInt256) -> [UInt8] { value.bigEndianBytes }

    @Test func hugeArrayLengthIsRejectedWithoutAllocating() throws {
        let data = Self.word(32) + Self.word(UInt256.max >> 1)
        #expect(throws: ABIError.lengthOutOfRange(at: 32)) { try ABIDecoder.decode([.array(.uint256)], from: data) }
        let plausible = Self.word(32) + Self.word(1 << 40)
        #expect(throws: ABIError.lengthOutOfRange(at: 32)) { try ABIDecoder.decode([.array(.bytes)], from: plausible) }
    }

    @Test func arrayLengthOneBeyondTheDataIsRejected() throws {
        let data = Self.word(32) + Self.word(2) + Self.word(7)
        #expect(throws: ABIError.lengthOutOfRange(at: 32)) { try ABIDecoder.decode([.array(.uint256)], from: data) }
        #expect(try ABIDecoder.decode([.array(.uint256)], from: data + Self.word(9))
            == [.array([.uint(7), .uint(9)])])
    }

    @Test func hugeBytesLengthIsRejected() throws {
        for length in [UInt256(33), UInt256(1 << 62), .max] {
            let data = Self.word(32) + Self.word(length) + [UInt8](repeating: 0x61, count: 32)
            #expect(throws: ABIError.lengthOutOfRange(at: 32)) { try ABIDecoder.decode([.string], from: data) }
        }
    }

    @Test func offsetsOutsideTheDataOrIntoTheHeadAreRejected() throws {
        let tail = Self.word(0)
        #expect(throws: ABIError.offsetOutOfRange(at: 0)) { try ABIDecoder.decode([.bytes], from: Self.word(64) + tail) }
        #expect(throws: ABIError.offsetOutOfRange(at: 0)) { try ABIDecoder.decode([.bytes], from: Self.word(UInt256.max) + tail) }
        #expect(throws: ABIError.offsetOutOfRange(at: 0)) { try ABIDecoder.decode([.bytes], from: Self.word(0) + tail) }
        #expect(try ABIDecoder.decode([.bytes], from: Self.word(32) + tail) == [.bytes([])])
    }

    @Test func truncatedStaticValuesAreRejected() throws {
        #expect(throws: ABIError.truncated(offset: 0, needed: 32, available: 31)) {
            try ABIDecoder.decode([.uint256], from: [UInt8](repeating: 0, count: 31))
        }
        #expect(throws: ABIError.truncated(offset: 32, needed: 32, available: 0)) {
            try ABIDecoder.decode([.uint256, .bool], from: Self.word(1))
        }
        #expect(throws: ABIError.truncated(offset: 0, needed: 96, available: 64)) {
            try ABIDecoder.decode([.fixedArray(.uint256, 3)], from: Self.word(1) + Self.word(2))
        }
    }

    @Test func dirtyHighBitsAreRejected() throws {
        #expect(throws: ABIError.dirtyBits(type: "uint8", at: 0)) { try ABIDecoder.decode([.uint(bits: 8)], from: Self.word(256)) }
        #expect(throws: ABIError.dirtyBits(type: "bool", at: 0)) { try ABIDecoder.decode([.bool], from: Self.word(2)) }
        #expect(throws: ABIError.dirtyBits(type: "address", at: 0)) {
            try ABIDecoder.decode([.address], from: Self.word(UInt256.one << 160))
        }
        // int8: 0x80 without sign extension is not a valid encoding of -128; 0xff..80 is.
        #expect(throws: ABIError.dirtyBits(type: "int8", at: 0)) { try ABIDecoder.decode([.int(bits: 8)], from: Self.word(0x80)) }
        #expect(try ABIDecoder.decode([.int(bits: 8)], from: Self.word(UInt256(0x80).negated)) == [.int(-128)])
        var fixed = [UInt8](repeating: 0, count: 32)
        fixed[0] = 0xab
        fixed[4] = 1
        #expect(throws: ABIError.dirtyBits(type: "bytes4", at: 0)) { try ABIDecoder.decode([.fixedBytes(4)], from: fixed) }
    }

    @Test func dirtyPaddingAfterBytesIsRejected() throws {
        var data = Self.word(32) + Self.word(1) + [UInt8](repeating: 0, count: 32)
        data[64] = 0x61
        #expect(try ABIDecoder.decode([.string], from: data) == [.string("a")])
        data[95] = 1
        #expect(throws: ABIError.dirtyBits(type: "string", at: 65)) { try ABIDecoder.decode([.string], from: data) }
    }

    @Test func invalidUTF8IsRejected() throws {
        let data = Self.word(32) + Self.word(1) + [0xff] + [UInt8](repeating: 0, count: 31)
        #expect(throws: ABIError.invalidUTF8(at: 32)) { try ABIDecoder.decode([.string], from: data) }
        #expect(try ABIDecoder.decode([.bytes], from: data) == [.bytes([0xff])])
    }

    @Test func aliasedOffsetsCannotExplode() throws {
        // uint256[][]: n inner arrays all pointing at one shared array of m elements. Each level is
        // individually in range, but together they would expand to n*m values from n+m words.
        let n = 200, m = 200
        var data = Self.word(32) + Self.word(UInt256(UInt64(n)))
        let shared = UInt256(UInt64(32 * n))
        for _ in 0..<n { data += Self.word(shared) }
        data += Self.word(UInt256(UInt64(m)))
        for index in 0..<m { data += Self.word(UInt256(UInt64(index))) }
        #expect(throws: ABIError.decodingBudgetExceeded) {
            try ABIDecoder.decode([.array(.array(.uint256))], from: data)
        }
    }

    @Test func encoderRejectsOutOfRangeValues() throws {
        #expect(throws: ABIError.valueOutOfRange(type: "uint8")) { try ABIEncoder.encode(.uint(256), as: .uint(bits: 8)) }
        #expect(throws: ABIError.valueOutOfRange(type: "int8")) { try ABIEncoder.encode(.int(128), as: .int(bits: 8)) }
        #expect(throws: ABIError.valueOutOfRange(type: "int8")) { try ABIEncoder.encode(.int(-129), as: .int(bits: 8)) }
        #expect(throws: ABIError.wrongByteCount(type: "bytes4", expected: 4, found: 3)) {
            try ABIEncoder.encode(.fixedBytes([1, 2, 3]), as: .fixedBytes(4))
        }
        #expect(throws: ABIError.wrongElementCount(type: "uint256[2]", expected: 2, found: 1)) {
            try ABIEncoder.encode(.array([.uint(1)]), as: .fixedArray(.uint256, 2))
        }
        #expect(throws: ABIError.typeMismatch(expected: "address", found: "bool")) {
            try ABIEncoder.encode(.bool(true), as: .address)
        }
    }

    @Test func selectorMismatchIsTyped() throws {
        let function = try ABIFunction(signature: "f(uint256)")
        #expect(throws: ABIError.self) { try function.decodeCall([0, 0]) }
        #expect(throws: ABIError.self) { try function.decodeCall([1, 2, 3, 4] + Self.word(1)) }
        #expect(try function.decodeCall(try function.encodeCall([.uint(5)])) == [.uint(5)])
    }

    @Test(arguments: ["", "uint7", "uint264", "uint0", "uint08", "bytes0", "bytes33", "int", "(uint256", "uint256[",
                      "uint256[0]", "uint256[01]", "uint256]", "(,)", "foo", "tuple", "uint256[99999999999]",
                      String(repeating: "(", count: 100) + "uint8" + String(repeating: ")", count: 100),
                      "uint8" + String(repeating: "[]", count: 100), "(uint256,)"])
    func malformedTypeStrings(text: String) throws {
        if text == "int" {
            #expect(try ABIType(parsing: text) == .int256)
            return
        }
        #expect(throws: ABIError.self) { try ABIType(parsing: text) }
    }

    @Test func typeStringsParseToCanonicalNames() throws {
        let cases: [(String, String)] = [
            ("uint", "uint256"), ("int[2][]", "int256[2][]"), ("(address, uint[])[2]", "(address,uint256[])[2]"),
            ("()", "()"), ("((bytes32,string)[],bool)", "((bytes32,string)[],bool)"), ("bytes1", "bytes1"),
        ]
        for (text, canonical) in cases { #expect(try ABIType(parsing: text).canonicalName == canonical) }
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"", "\"\u{01}\"", "[1] 2", "tru",
                      "\"\\ud800\"", String(repeating: "[", count: 600) + String(repeating: "]", count: 600)])
    func malformedJSON(text: String) {
        #expect(throws: JSONError.self) { try JSONValue(parsing: text) }
    }

    @Test func jsonRoundTrips() throws {
        let text = #"{"a":[1,-2.5e3,true,false,null],"b":"x\"\\\n\u00e9\ud83d\ude00","c":{}}"#
        let value = try JSONValue(parsing: text)
        #expect(value["b"]?.stringValue == "x\"\\\né😀")
        #expect(try JSONValue(parsing: value.serialized) == value)
        #expect(value["a"]?.arrayValue?.count == 5)
    }

    @Test func textArgumentsAreCheckedAgainstTheirType() throws {
        let lower = "0x" + String(repeating: "ab", count: 20)
        #expect(try ABIValue(text: lower, type: .address) == .address(Address(bytes: [UInt8](repeating: 0xab, count: 20))!))
        // Mixed case that is not the EIP-55 checksum of these bytes is rejected.
        let mixed = "0xAb" + String(repeating: "ab", count: 19)
        #expect(throws: ABIError.invalidArgument(type: "address", text: mixed)) { try ABIValue(text: mixed, type: .address) }
        #expect(try ABIValue(text: "-128", type: .int(bits: 8)) == .int(-128))
        #expect(throws: ABIError.valueOutOfRange(type: "int8")) { try ABIValue(text: "-129", type: .int(bits: 8)) }
        #expect(throws: ABIError.valueOutOfRange(type: "int256")) {
            try ABIValue(text: "0x8000000000000000000000000000000000000000000000000000000000000000", type: .int256)
        }
        #expect(try ABIValue(text: "0xff", type: .uint(bits: 8)) == .uint(255))
        #expect(throws: ABIError.wrongElementCount(type: "uint8[2]", expected: 2, found: 3)) {
            try ABIValue(text: "[1,2,3]", type: .fixedArray(.uint(bits: 8), 2))
        }
        #expect(throws: ABIError.self) { try ABIValue(text: "[1,", type: .array(.uint256)) }
    }

    @Test func logsThatDoNotMatchTheEventAreTyped() throws {
        let event = ABIEvent(name: "Transfer", inputs: [
            ABIParameter(name: "from", type: .address, indexed: true),
            ABIParameter(name: "value", type: .uint256),
        ])
        let log = try event.encodeLog([.address(.zero), .uint(5)])
        #expect(try event.decodeLog(topics: log.topics, data: log.data).arguments == [.value(.address(.zero)), .value(.uint(5))])
        #expect(throws: ABIError.self) { try event.decodeLog(topics: [log.topics[0]], data: log.data) }
        #expect(throws: ABIError.self) { try event.decodeLog(topics: [log.topics[1], log.topics[1]], data: log.data) }
        var dirty = log.topics
        dirty[1] = UInt256.max.bytes32
        #expect(throws: ABIError.dirtyBits(type: "address", at: 0)) { try event.decodeLog(topics: dirty, data: log.data) }
        #expect(RevertReason(data: [1, 2, 3]) == .unrecognized([1, 2, 3]))
        #expect(RevertReason(data: []) == .empty)
        #expect(RevertReason(data: RevertReason.errorSelector + [0]) == .unrecognized(RevertReason.errorSelector + [0]))
    }
}
