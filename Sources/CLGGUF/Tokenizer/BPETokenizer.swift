/// What a token is, from `tokenizer.ggml.token_type` (llama.cpp's `llama_token_type`).
public enum TokenType: Int, Sendable {
    /// Ordinary text, in the byte-level alphabet; BPE produces these.
    case normal = 1
    /// The unknown-token marker.
    case unknown = 2
    /// A control token (`<|im_start|>`): matched in the input only when special tokens are parsed,
    /// and rendered by `decode` only when asked.
    case control = 3
    /// A user-defined token: always matched in the input before BPE, always rendered as its text.
    case userDefined = 4
    /// Unused: never produced, rendered as nothing.
    case unused = 5
    /// A byte token (SentencePiece `<0xAB>`): not used by byte-level BPE, rendered as nothing.
    case byte = 6
}

/// A GPT-2-style byte-level BPE tokenizer read from GGUF metadata, giving the same ids as llama.cpp.
///
/// Encoding (see docs/PROTOCOL.md, "Tokenizer"):
/// 1. Special tokens: the input's UTF-8 is cut at every occurrence of a special token's text (control,
///    unknown and user-defined tokens when special tokens are parsed, user-defined ones only otherwise),
///    the tokens taken longest text first, each splitting the text pieces left by the previous ones at
///    its leftmost non-overlapping occurrences.
/// 2. Each remaining piece of text is cut into words by the `PreTokenizer` named in `tokenizer.ggml.pre`.
/// 3. Each word's bytes start as one symbol per byte (the byte's token in the byte-level alphabet);
///    then, repeatedly, the adjacent pair of symbols whose merge comes first in `tokenizer.ggml.merges`
///    (the leftmost such pair on a tie) is joined, until no adjacent pair has a merge.
/// 4. Each symbol is its token's id; a single byte that has no token in the vocabulary is left out.
public struct BPETokenizer: Sendable {
    /// Token texts by id, as in the file (normal tokens in the byte-level alphabet).
    public let tokens: [String]
    /// Token types by id.
    public let types: [TokenType]
    /// The pre-tokenizer named by `tokenizer.ggml.pre`.
    public let preTokenizer: PreTokenizer
    /// `tokenizer.ggml.bos_token_id`, if present.
    public let bosID: Int32?
    /// `tokenizer.ggml.eos_token_id`, if present.
    public let eosID: Int32?
    /// The number of merges.
    public let mergeCount: Int

    /// The id of each token text's UTF-8.
    let idOfText: [[UInt8]: Int32]
    /// The token that stands for each byte alone, or -1 where the vocabulary has none.
    let byteTokens: [Int32]
    /// (left id, right id) → (rank, merged id).
    let merges: MergeTable
    /// Special tokens in the order they cut the input: text length descending, then id ascending.
    let specialOrder: [Int32]
    /// What each token renders as: the bytes of a normal token, the UTF-8 of any other token's text.
    let pieces: [[UInt8]]

    /// The id of the token whose text is `text`, if there is one.
    public func id(of text: String) -> Int32? { idOfText[Array(text.utf8)] }

    /// Builds the tokenizer from a parsed GGUF file's `tokenizer.ggml.*` metadata.
    public init(gguf file: GGUFFile) throws(TokenizerError) {
        var metadata: [String: GGUFValue] = [:]
        for (key, value) in file.metadata where key.hasPrefix("tokenizer.") { metadata[key] = value }
        try self.init(metadata: metadata)
    }

    /// Builds the tokenizer from `tokenizer.ggml.*` metadata and checks that it is consistent: one type
    /// per token, distinct non-empty texts, normal tokens in the byte-level alphabet, and every merge
    /// two tokens whose join is a token, no pair twice.
    public init(metadata: [String: GGUFValue]) throws(TokenizerError) {
        func strings(_ key: String) throws(TokenizerError) -> [String] {
            guard let v = metadata[key] else { throw TokenizerError(.missingKey(key)) }
            guard case .array(.string, let items) = v else { throw TokenizerError(.wrongType(key)) }
            var out: [String] = []
            out.reserveCapacity(items.count)
            for case .string(let s) in items { out.append(s) }
            return out
        }
        guard let model = metadata["tokenizer.ggml.model"] else { throw TokenizerError(.missingKey("tokenizer.ggml.model")) }
        guard let modelName = model.string else { throw TokenizerError(.wrongType("tokenizer.ggml.model")) }
        guard modelName == "gpt2" else { throw TokenizerError(.unsupportedModel(modelName)) }
        guard let pre = metadata["tokenizer.ggml.pre"] else { throw TokenizerError(.missingKey("tokenizer.ggml.pre")) }
        guard let preName = pre.string else { throw TokenizerError(.wrongType("tokenizer.ggml.pre")) }
        guard let preTokenizer = PreTokenizer(rawValue: preName) else { throw TokenizerError(.unsupportedPreTokenizer(preName)) }

        let tokens = try strings("tokenizer.ggml.tokens")
        guard !tokens.isEmpty, tokens.count < Int(Int32.max) else { throw TokenizerError(.invalidVocabularySize(tokens.count)) }
        var types = [TokenType](repeating: .normal, count: tokens.count)
        if let t = metadata["tokenizer.ggml.token_type"] {
            guard case .array(_, let items) = t else { throw TokenizerError(.wrongType("tokenizer.ggml.token_type")) }
            guard items.count == tokens.count else {
                throw TokenizerError(.tokenTypeCountMismatch(tokens: tokens.count, types: items.count))
            }
            for (i, item) in items.enumerated() {
                guard let v = item.integer else { throw TokenizerError(.wrongType("tokenizer.ggml.token_type")) }
                guard let type = TokenType(rawValue: v) else { throw TokenizerError(.unknownTokenType(token: i, value: v)) }
                types[i] = type
            }
        }

        var idOfText: [[UInt8]: Int32] = [:]
        idOfText.reserveCapacity(tokens.count)
        var pieces: [[UInt8]] = []
        pieces.reserveCapacity(tokens.count)
        for (i, text) in tokens.enumerated() {
            let utf8 = Array(text.utf8)
            guard !utf8.isEmpty else { throw TokenizerError(.emptyToken(i)) }
            if let first = idOfText.updateValue(Int32(i), forKey: utf8) {
                throw TokenizerError(.duplicateToken(token: i, first: Int(first)))
            }
            if types[i] == .normal {
                guard let bytes = ByteLevel.decode(text) else { throw TokenizerError(.tokenNotByteLevel(i)) }
                pieces.append(bytes)
            } else {
                pieces.append(utf8)
            }
        }
        // A byte with no token of its own (SmolLM2 has none for 0x04, 0x06, 0x13, ...) is -1: such a
        // symbol takes part in no merge and is left out of the ids, as llama.cpp leaves it out.
        let byteTokens = (0...255).map { idOfText[ByteLevel.utf8OfByte[$0]] ?? -1 }

        let mergeTexts = try strings("tokenizer.ggml.merges")
        var merges = MergeTable(capacity: mergeTexts.count)
        let space = UInt8(ascii: " ")
        for (rank, m) in mergeTexts.enumerated() {
            let u = Array(m.utf8)
            guard let cut = u.firstIndex(of: space), cut > 0, cut < u.count - 1,
                  !u[(cut + 1)...].contains(space) else { throw TokenizerError(.malformedMerge(rank)) }
            let leftText = Array(u[..<cut]), rightText = Array(u[(cut + 1)...])
            guard let left = idOfText[leftText] else {
                throw TokenizerError(.mergePartNotInVocabulary(merge: rank, part: String(decoding: leftText, as: UTF8.self)))
            }
            guard let right = idOfText[rightText] else {
                throw TokenizerError(.mergePartNotInVocabulary(merge: rank, part: String(decoding: rightText, as: UTF8.self)))
            }
            guard let merged = idOfText[leftText + rightText] else { throw TokenizerError(.mergeResultNotInVocabulary(merge: rank)) }
            if let first = merges.insert(left: left, right: right, rank: UInt32(rank), merged: merged) {
                throw TokenizerError(.duplicateMerge(merge: rank, first: Int(first)))
            }
        }

        func optionalID(_ key: String) throws(TokenizerError) -> Int32? {
            guard let v = metadata[key] else { return nil }
            guard let id = v.integer else { throw TokenizerError(.wrongType(key)) }
            guard id >= 0, id < tokens.count else { throw TokenizerError(.tokenIdOutOfRange(key: key, id: id)) }
            return Int32(id)
        }

        let special = types.indices.filter { [.control, .userDefined, .unknown].contains(types[$0]) }
        self.specialOrder = special.sorted { (pieces[$0].count, $1) > (pieces[$1].count, $0) }.map { Int32($0) }
        self.bosID = try optionalID("tokenizer.ggml.bos_token_id")
        self.eosID = try optionalID("tokenizer.ggml.eos_token_id")
        self.tokens = tokens
        self.types = types
        self.preTokenizer = preTokenizer
        self.mergeCount = mergeTexts.count
        self.idOfText = idOfText
        self.byteTokens = byteTokens
        self.merges = merges
        self.pieces = pieces
    }

    /// The bytes token `id` renders as: a normal token's bytes; a user-defined token's text; a control
    /// or unknown token's text when `special`, else nothing; nothing for unused and byte tokens.
    public func piece(_ id: Int32, special: Bool = false) throws(TokenizerError) -> ArraySlice<UInt8> {
        guard id >= 0, Int(id) < tokens.count else { throw TokenizerError(.invalidTokenId(Int(id))) }
        switch types[Int(id)] {
        case .normal, .userDefined: return pieces[Int(id)][...]
        case .control, .unknown: return special ? pieces[Int(id)][...] : []
        case .unused, .byte: return []
        }
    }

    /// The bytes that `ids` render as, each token's `piece` in turn. For text encoded without special
    /// tokens this gives back the text's UTF-8 exactly.
    public func decode(_ ids: [Int32], special: Bool = false) throws(TokenizerError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * 4)
        for id in ids { out += try piece(id, special: special) }
        return out
    }
}
