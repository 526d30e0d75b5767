import CLPrimitives
import Testing

/// Keccak-256 known answers (Ethereum's padding), including every length around the 136-byte rate.
@Suite struct KeccakTests {
    @Test(arguments: [
        ("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
        ("abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
        ("The quick brown fox jumps over the lazy dog",
         "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"),
        ("testing", "5f16f4c7f149ac4f9510d9cf8cf384038ad348b3bcdc01915f95de12df9d1b02"),
    ])
    func knownAnswers(input: String, expected: String) throws {
        #expect(Keccak256.hash(Array(input.utf8)).hex == "0x" + expected)
    }

    /// The transfer-event topic, a value every Ethereum tool prints.
    @Test func transferTopic() {
        let topic = Keccak256.hash(Array("Transfer(address,address,uint256)".utf8))
        #expect(topic.hex == "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
    }

    /// Incremental absorption in uneven pieces equals one-shot hashing at every length up to 3 blocks.
    @Test func incrementalMatchesOneShot() {
        for length in 0...(3 * 136 + 1) {
            let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            var sponge = KeccakState()
            var offset = 0
            var piece = 1
            while offset < length {
                let end = min(length, offset + piece)
                sponge.absorb(Array(data[offset..<end]))
                offset = end
                piece = piece * 3 % 151 + 1
            }
            #expect(sponge.finalize() == Keccak256.hash(data), "length \(length)")
        }
    }
}
