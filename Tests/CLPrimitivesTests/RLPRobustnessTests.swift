import CLPrimitives
import Testing

/// A small seeded generator (SplitMix64) so random tests replay exactly.
struct RLPTestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

/// Malformed input never crashes, every failure is typed and distinct, and nesting is capped.
@Suite struct RLPRobustnessTests {
    /// Decodes `input`; an accepted input must be canonical, so it re-encodes to itself.
    private func decodeOrReject(_ input: [UInt8]) -> Bool {
        switch Result(catching: { () throws(RLPError) in try RLP.decode(input) }) {
        case .success(let item):
            #expect(RLP.encode(item) == input, "accepted non-canonical \(Hex.encode(input))")
            return true
        case .failure:
            return false
        }
    }

    @Test func seededRandomBytesNeverCrash() {
        var random = RLPTestRandom(seed: 0x5eed_0001)
        var accepted = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...40, using: &random)
            var input = random.bytes(length)
            // Bias the first byte toward headers so long forms and lists are common.
            if !input.isEmpty && Bool.random(using: &random) { input[0] = UInt8.random(in: 0xb8...0xff, using: &random) }
            if decodeOrReject(input) { accepted += 1 }
        }
        #expect(accepted > 0)
    }

    @Test func everyTruncationAndExtensionOfValidEncodingsIsRejected() {
        var random = RLPTestRandom(seed: 0x5eed_0002)
        for _ in 0..<300 {
            let item = randomItem(depth: 0, random: &random)
            let encoded = RLP.encode(item)
            #expect((try? RLP.decode(encoded)) == item)
            for cut in 0..<encoded.count {
                #expect(!decodeOrReject(Array(encoded.prefix(cut))), "prefix \(cut) of \(Hex.encode(encoded))")
            }
            let extended = encoded + [UInt8.random(in: 0...255, using: &random)]
            #expect(throws: RLPError.trailingBytes(offset: encoded.count, count: 1)) { try RLP.decode(extended) }
        }
    }

    @Test func singleByteFlipsNeverCrash() {
        var random = RLPTestRandom(seed: 0x5eed_0003)
        for _ in 0..<300 {
            var encoded = RLP.encode(randomItem(depth: 0, random: &random))
            for _ in 0..<8 {
                let position = Int.random(in: 0..<encoded.count, using: &random)
                encoded[position] = UInt8.random(in: 0...255, using: &random)
                _ = decodeOrReject(encoded)
            }
        }
    }

    private func randomItem(depth: Int, random: inout RLPTestRandom) -> RLPItem {
        if depth < 5 && Int.random(in: 0..<3, using: &random) == 0 {
            return .list((0..<Int.random(in: 0...4, using: &random)).map { _ in randomItem(depth: depth + 1, random: &random) })
        }
        let length = [0, 1, 1, 2, 55, 56, 300].randomElement(using: &random)!
        return .bytes(random.bytes(length))
    }

    // MARK: Nesting

    /// `depth` lists nested in one another around an empty list at the bottom, built inside
    /// out in linear time: each level's payload is the encoding of the level below.
    private func nested(depth: Int) -> [UInt8] {
        var headers: [[UInt8]] = []
        var payload = 0
        for _ in 0..<depth {
            var header: [UInt8] = []
            RLP.appendListHeader(payloadLength: payload, to: &header)
            headers.append(header)
            payload += header.count
        }
        return Array(headers.reversed().joined())
    }

    @Test func nestingUpToTheLimitDecodes() throws {
        let item = try RLP.decode(nested(depth: RLP.defaultMaxDepth))
        var depth = 0
        var current = item
        while case .list(let items) = current {
            depth += 1
            guard let first = items.first else { break }
            current = first
        }
        #expect(depth == RLP.defaultMaxDepth)
    }

    @Test func nestingBeyondTheLimitIsATypedError() throws {
        let tooDeep = nested(depth: RLP.defaultMaxDepth + 1)
        #expect(throws: RLPError.self) { try RLP.decode(tooDeep) }
        // The innermost list starts one header after the limit's list; with short headers
        // (payloads below 56 bytes) the offset equals the depth of the rejected list.
        let shallowLimit = nested(depth: 11)
        #expect(throws: RLPError.nestingTooDeep(offset: 10, limit: 10)) { try RLP.decode(shallowLimit, maxDepth: 10) }
        #expect(try RLP.decode(shallowLimit, maxDepth: 11) != .list([]))
    }

    /// A well-formed million-fold nesting fails fast with a typed error, no stack overflow.
    @Test func millionFoldNestingDoesNotOverflowTheStack() throws {
        let hostile = nested(depth: 1_000_000)
        let error = try #require(throws: RLPError.self) { try RLP.decode(hostile) }
        guard case .nestingTooDeep(_, let limit) = error else {
            Issue.record("expected nestingTooDeep, got \(error)")
            return
        }
        #expect(limit == RLP.defaultMaxDepth)
    }

    // MARK: One input per error case

    @Test(arguments: [
        ([], RLPError.emptyInput),
        ([0xb9, 0x01], .truncatedHeader(offset: 0)),
        ([0x83, 0x61, 0x62], .truncatedPayload(offset: 0, declared: 3, available: 2)),
        ([0xc2, 0x83, 0x61, 0x62], .truncatedPayload(offset: 1, declared: 3, available: 1)),
        ([0xbf, 0x80, 0, 0, 0, 0, 0, 0, 0], .lengthOverflow(offset: 0)),
        ([0x80, 0x80], .trailingBytes(offset: 1, count: 1)),
        ([0x81, 0x7f], .singleByteNotCanonical(offset: 0)),
        ([0xb8, 0x37] + [UInt8](repeating: 0x61, count: 55), .longFormForShortLength(offset: 0)),
        ([0xb9, 0x00, 0x38] + [UInt8](repeating: 0x61, count: 56), .leadingZeroInLength(offset: 0)),
        ([0xc1, 0xc0], .nestingTooDeep(offset: 1, limit: 1)),
    ] as [([UInt8], RLPError)])
    func eachDecodingErrorHasItsOwnCase(input: [UInt8], expected: RLPError) {
        #expect(throws: expected) { try RLP.decode(input, maxDepth: 1) }
    }

    @Test func errorsDescribeThemselves() {
        let error = RLPError.truncatedPayload(offset: 4, declared: 9, available: 2)
        #expect(error.description == "RLP: item at 4 declares 9 payload bytes, only 2 remain")
    }

    // MARK: Typed readers

    @Test func readersCheckShape() throws {
        let list = RLPItem.list([.bytes([1, 2]), .unsigned(UInt64(0x0102))])
        #expect(throws: RLPError.expectedBytes) { try list.asBytes() }
        #expect(throws: RLPError.expectedList) { try RLPItem.bytes([1]).asList() }
        #expect(throws: RLPError.wrongItemCount(expected: 3, actual: 2)) { try list.asList(count: 3) }
        #expect(throws: RLPError.wrongByteCount(expected: 32, actual: 2)) { try list.asList()[0].asBytes32() }
        #expect(try list.asList(count: 2)[1].asUnsigned(UInt16.self) == 0x0102)
        let word = Bytes32(bytes: (0..<32).map { UInt8($0) })!
        #expect(try RLPItem.bytes(word.bytes).asBytes32() == word)
    }

    @Test func integerReadersAreCanonical() throws {
        #expect(throws: RLPError.integerLeadingZero) { try RLPItem.bytes([0x00]).asUnsigned(UInt64.self) }
        #expect(throws: RLPError.integerLeadingZero) { try RLPItem.bytes([0x00, 0x01]).asUnsignedBigEndian() }
        #expect(throws: RLPError.integerOverflow(bitWidth: 64)) {
            try RLPItem.bytes([UInt8](repeating: 0xff, count: 9)).asUnsigned(UInt64.self)
        }
        #expect(throws: RLPError.integerOverflow(bitWidth: 8)) { try RLPItem.bytes([1, 0]).asUnsigned(UInt8.self) }
        #expect(try RLPItem.bytes([]).asUnsigned(UInt64.self) == 0)
        #expect(RLPItem.unsigned(UInt64(0)) == .bytes([]))
        #expect(RLPItem.unsigned(bigEndian: [0, 0, 5, 0]) == .bytes([5, 0]))
        // Every UInt64 round-trips through the integer encoder and reader.
        var random = RLPTestRandom(seed: 0x5eed_0004)
        for _ in 0..<2000 {
            let value = UInt64.random(in: 0...UInt64.max, using: &random) >> UInt64.random(in: 0...63, using: &random)
            let decoded = try RLP.decode(RLP.encode(unsigned: value))
            #expect(try decoded.asUnsigned(UInt64.self) == value)
        }
        #expect(RLP.encode(unsigned: UInt64.max) == [0x88] + [UInt8](repeating: 0xff, count: 8))
    }

    @Test func lowLevelWritersMatchItemEncoding() {
        var random = RLPTestRandom(seed: 0x5eed_0005)
        for _ in 0..<200 {
            let strings = (0..<Int.random(in: 0...6, using: &random)).map { _ in
                random.bytes([0, 1, 3, 55, 56, 70].randomElement(using: &random)!)
            }
            var payload: [UInt8] = []
            for string in strings { RLP.appendBytes(string, to: &payload) }
            var out: [UInt8] = []
            RLP.appendListHeader(payloadLength: payload.count, to: &out)
            #expect(out.count == RLP.headerLength(payloadLength: payload.count))
            out += payload
            #expect(out == RLP.encode(.list(strings.map(RLPItem.bytes))))
            #expect(strings.map { RLP.encodedLength(ofBytes: $0) }.reduce(0, +) == payload.count)
        }
    }
}
