import CLPrimitives
import Testing
import TestSupport

/// `Address`: EIP-55 (the EIP's own examples and eth-utils vectors), parsing errors,
/// word conversions, order and RLP.
@Suite struct AddressTests {
    /// The examples listed in EIP-55: two all-caps, two all-lower, four mixed-case.
    @Test(arguments: [
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ])
    func eip55Examples(_ text: String) throws {
        let address = try Address(hex: text)
        #expect(address.checksummed == text)
        #expect(Address.isChecksummed(text))
        #expect(try Address(hex: text.lowercased()) == address)
        #expect(address.hex == text.lowercased())
        #expect(address.description == text)
    }

    @Test func checksumsMatchEthUtils() throws {
        let vectors = try #require(try Fixtures.json("generated/encoding/address_reference.json") as? [[String: String]])
        #expect(vectors.count == 200)
        for vector in vectors {
            let lower = try #require(vector["lower"])
            let expected = try #require(vector["checksummed"])
            let address = try Address(hex: lower)
            #expect(address.checksummed == expected)
            #expect(try Address(hex: expected) == address)
            #expect(try Address(hex: "0x" + lower.dropFirst(2).uppercased()) == address)
            #expect(address.bytes == (try Hex.decode(lower)))
        }
    }

    /// Flipping the case of any one letter of a checksummed address breaks the checksum,
    /// unless the flip leaves the digits all in one case (then no checksum is claimed).
    @Test func wrongChecksumIsATypedError() throws {
        let text = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        var digits = Array(text.utf8)
        for index in 2..<digits.count where digits[index] >= UInt8(ascii: "A") {
            digits[index] ^= 0x20
            let flipped = String(decoding: digits, as: UTF8.self)
            #expect(throws: AddressError.invalidChecksum) { try Address(hex: flipped) }
            #expect(!Address.isChecksummed(flipped))
            digits[index] ^= 0x20
        }
        #expect(!Address.isChecksummed(text.lowercased()))
    }

    @Test func malformedHexIsATypedError() {
        #expect(throws: AddressError.wrongLength(digits: 38)) { try Address(hex: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA") }
        #expect(throws: AddressError.wrongLength(digits: 0)) { try Address(hex: "0x") }
        #expect(throws: AddressError.wrongLength(digits: 42)) { try Address(hex: "0x0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed") }
        #expect(throws: AddressError.invalidCharacter(offset: 3)) { try Address(hex: "5aaG6053f3e94c9b9a09f33669435e7ef1beaed0") }
        #expect(throws: AddressError.invalidCharacter(offset: 38)) { try Address(hex: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea z") }
        #expect((try? Address(hex: "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")) != nil)
        #expect(AddressError.invalidChecksum.description == "address: mixed-case hex fails the EIP-55 checksum")
    }

    @Test func wordConversions() throws {
        let address = try Address(hex: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        let word = address.word
        #expect(word.bytes == [UInt8](repeating: 0, count: 12) + address.bytes)
        #expect(Address(exactly: word) == address)
        #expect(Address(truncating: word) == address)
        var dirty = word
        dirty[0] = 1
        dirty[11] = 0xff
        #expect(Address(exactly: dirty) == nil)
        #expect(Address(truncating: dirty) == address)
        #expect(Address.zero.word == .zero)
        #expect(Address.zero.isZero && !address.isZero)
        #expect(MemoryLayout<Address>.size == 20)
    }

    @Test func bytesAndOrder() {
        var random = RLPTestRandom(seed: 0xadd7)
        let raw = (0..<100).map { _ in random.bytes(20) }
        let addresses = raw.map { Address(bytes: $0)! }
        #expect(addresses.map(\.bytes) == raw)
        #expect(addresses.sorted().map(\.bytes) == raw.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(Address(bytes: [UInt8](repeating: 1, count: 19)) == nil)
        var address = addresses[0]
        address[19] = 0xab
        #expect(address[19] == 0xab && address.bytes.prefix(19) == raw[0].prefix(19))
        let copied = raw[1].withUnsafeBytes { Address(copying: $0) }
        #expect(copied == addresses[1])
    }

    @Test func rlpRoundTrip() throws {
        let address = try Address(hex: "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")
        let encoded = RLP.encode(.address(address))
        #expect(encoded == [0x94] + address.bytes)
        #expect(try RLP.decode(encoded).asAddress() == address)
        #expect(throws: RLPError.wrongByteCount(expected: 20, actual: 19)) { try RLPItem.bytes(Array(address.bytes.prefix(19))).asAddress() }
    }
}
