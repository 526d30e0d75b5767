import CLCrypto
import CLPrimitives
import Testing

/// SHA-256 and RIPEMD-160: published known answers, then generated vectors of every length to 300.
@Suite struct DigestTests {
    /// FIPS 180-2 appendix B examples and the empty string.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256KnownAnswers(message: String, expected: String) {
        #expect(Digests.sha256(Array(message.utf8)) == word(expected))
    }

    /// The test vectors from the RIPEMD-160 authors' page (Dobbertin, Bosselaers, Preneel).
    @Test(arguments: [
        ("", "9c1185a5c5e9fc54612808977ee8f548b2258d31"),
        ("a", "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe"),
        ("abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"),
        ("message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36"),
        ("abcdefghijklmnopqrstuvwxyz", "f71c27109c692c1b56bbdceb5b9d2865b3708dbc"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "12a053384a9c0c88e405a06c27dcf49ada62eb2b"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "9b752e45573d4b39f4dbd3323cab82bf63326bfb"),
    ])
    func ripemd160KnownAnswers(message: String, expected: String) {
        #expect(Digests.ripemd160(Array(message.utf8)) == bytes(expected))
        #expect(Digests.ripemd160Word(Array(message.utf8)).bytes == [UInt8](repeating: 0, count: 12) + bytes(expected))
    }

    /// One million 'a': the long-message vector both specifications publish.
    @Test func millionA() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Digests.sha256(message) == word("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"))
        #expect(Digests.ripemd160(message) == bytes("52783243c1697bdbe16d37f97f68f08325dc1528"))
    }

    @Test func generatedVectors() {
        let cases = CryptoVectors.digests
        #expect(cases.count == 301)
        for entry in cases {
            let message = bytes(entry.message)
            #expect(Digests.sha256(message) == word(entry.sha256), "length \(message.count)")
            #expect(Digests.ripemd160(message) == bytes(entry.ripemd160), "length \(message.count)")
        }
    }

    /// An empty buffer with no base address hashes as the empty message.
    @Test func emptyRawBuffer() {
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        #expect(Digests.sha256(empty) == Digests.sha256([]))
        #expect(Digests.ripemd160(empty) == bytes("9c1185a5c5e9fc54612808977ee8f548b2258d31"))
    }
}
