extension RLP {
    /// How many lists deep `decode` follows by default before it refuses the input.
    /// Ethereum's own structures nest a handful of levels; the cap keeps hostile input
    /// from exhausting the stack during decoding and later recursive walks.
    public static let defaultMaxDepth = 128

    /// Decodes exactly one canonical item spanning all of `input`.
    ///
    /// Rejects, each with its own `RLPError`: empty input, headers or payloads running past
    /// the end (of the input or of the enclosing list), bytes after the item, a single byte
    /// below `0x80` wrapped in a header, long-form lengths below 56, length bytes with a
    /// leading zero, lengths beyond `Int`, and lists nested deeper than `maxDepth`.
    public static func decode(_ input: [UInt8], maxDepth: Int = defaultMaxDepth) throws(RLPError) -> RLPItem {
        guard !input.isEmpty else { throw .emptyInput }
        let reader = RLPReader(input: input, maxDepth: maxDepth)
        let (item, end) = try reader.item(at: 0, end: input.count, depth: 0)
        guard end == input.count else { throw .trailingBytes(offset: end, count: input.count - end) }
        return item
    }

    /// Decodes exactly one canonical item spanning all of `input` (see `decode(_:maxDepth:)`).
    public static func decode(_ input: ArraySlice<UInt8>, maxDepth: Int = defaultMaxDepth) throws(RLPError) -> RLPItem {
        try decode(Array(input), maxDepth: maxDepth)
    }
}

/// The header of one item: where its payload lies and whether it is a list.
struct RLPHeader {
    /// True for a list, false for a byte string.
    var isList: Bool
    /// Index of the first payload byte.
    var payloadStart: Int
    /// Payload size in bytes.
    var payloadLength: Int
    /// Index just past the item.
    var end: Int { payloadStart + payloadLength }
}

/// A recursive-descent reader over one input buffer; every index is checked against the
/// bound of the enclosing item, so no malformed input can read out of range.
struct RLPReader {
    let input: [UInt8]
    let maxDepth: Int

    /// Reads the item starting at `offset`, which must end by `end`; returns it and the index after it.
    func item(at offset: Int, end: Int, depth: Int) throws(RLPError) -> (RLPItem, Int) {
        let header = try header(at: offset, end: end)
        if !header.isList {
            return (.bytes(Array(input[header.payloadStart..<header.end])), header.end)
        }
        guard depth < maxDepth else { throw .nestingTooDeep(offset: offset, limit: maxDepth) }
        var items: [RLPItem] = []
        var position = header.payloadStart
        while position < header.end {
            let (child, next) = try item(at: position, end: header.end, depth: depth + 1)
            items.append(child)
            position = next
        }
        return (.list(items), header.end)
    }

    /// Parses and validates the header at `offset`; the whole item must fit before `end`.
    func header(at offset: Int, end: Int) throws(RLPError) -> RLPHeader {
        let first = input[offset]
        let afterPrefix = offset + 1
        switch first {
        case 0x00...0x7f:
            return RLPHeader(isList: false, payloadStart: offset, payloadLength: 1)
        case 0x80...0xb7:
            let length = Int(first - 0x80)
            try checkFits(offset: offset, start: afterPrefix, length: length, end: end)
            if length == 1 && input[afterPrefix] < 0x80 { throw .singleByteNotCanonical(offset: offset) }
            return RLPHeader(isList: false, payloadStart: afterPrefix, payloadLength: length)
        case 0xb8...0xbf:
            return try longHeader(at: offset, lengthOfLength: Int(first - 0xb7), isList: false, end: end)
        case 0xc0...0xf7:
            let length = Int(first - 0xc0)
            try checkFits(offset: offset, start: afterPrefix, length: length, end: end)
            return RLPHeader(isList: true, payloadStart: afterPrefix, payloadLength: length)
        default:
            return try longHeader(at: offset, lengthOfLength: Int(first - 0xf7), isList: true, end: end)
        }
    }

    /// Parses a long-form header: `lengthOfLength` (1…8) big-endian bytes give a length ≥ 56.
    private func longHeader(at offset: Int, lengthOfLength: Int, isList: Bool, end: Int) throws(RLPError) -> RLPHeader {
        let lengthStart = offset + 1
        guard lengthOfLength <= end - lengthStart else { throw .truncatedHeader(offset: offset) }
        guard input[lengthStart] != 0 else { throw .leadingZeroInLength(offset: offset) }
        var value: UInt64 = 0
        for index in lengthStart..<(lengthStart + lengthOfLength) {
            value = value << 8 | UInt64(input[index])
        }
        guard value <= UInt64(Int.max) else { throw .lengthOverflow(offset: offset) }
        let length = Int(value)
        guard length >= 56 else { throw .longFormForShortLength(offset: offset) }
        let payloadStart = lengthStart + lengthOfLength
        try checkFits(offset: offset, start: payloadStart, length: length, end: end)
        return RLPHeader(isList: isList, payloadStart: payloadStart, payloadLength: length)
    }

    private func checkFits(offset: Int, start: Int, length: Int, end: Int) throws(RLPError) {
        guard length <= end - start else {
            throw .truncatedPayload(offset: offset, declared: length, available: end - start)
        }
    }
}
