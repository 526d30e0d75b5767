import CLPrimitives
import Testing

@Suite struct HexTests {
    @Test func roundTrip() throws {
        #expect(try Hex.decode("0x00ff10Ab") == [0x00, 0xff, 0x10, 0xab])
        #expect(try Hex.decode("") == [])
        #expect(try Hex.decode("0x") == [])
        #expect(Hex.encode([0xde, 0xad]) == "0xdead")
        #expect(Hex.encode([0xde, 0xad], prefix: false) == "dead")
    }

    @Test func badHexIsATypedError() {
        #expect(throws: HexError.oddLength) { try Hex.decode("0xabc") }
        #expect(throws: HexError.invalidCharacter(offset: 1)) { try Hex.decode("0xag") }
        #expect(throws: HexError.wrongLength(expected: 32, actual: 1)) { try Bytes32(hex: "0x01") }
    }
}
