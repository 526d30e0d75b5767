import CLGGUF
import Testing

/// The tokenizer's parts on small hand-made inputs: the byte-level alphabet, the smollm pre-tokenizer's
/// rules, BPE merge order, special-token cutting, and typed errors for inconsistent metadata.
@Suite struct TokenizerTests {
    /// The words `text` is cut into.
    static func words(_ text: String) -> [String] {
        let scalars = text.unicodeScalars.map(\.value)
        var start = 0
        return PreTokenizer.smollm.split(scalars).map { end in
            defer { start = end }
            var s = String.UnicodeScalarView()
            for v in scalars[start..<end] { s.append(Unicode.Scalar(v)!) }
            return String(s)
        }
    }

    @Test func byteLevelAlphabet() {
        #expect(ByteLevel.encode([0x20, 0x0A, 0x41, 0xAD, 0xFF]) == "ĠĊAŃÿ")
        let all = (0...255).map(UInt8.init)
        #expect(ByteLevel.decode(ByteLevel.encode(all)) == all)
        #expect(Set(ByteLevel.scalarOfByte).count == 256)
        #expect(ByteLevel.decode("€") == nil && ByteLevel.decode("\u{144}") == nil)  // U+0144 is past the alphabet
    }

    @Test(arguments: [
        ("Hello world", ["Hello", " world"]),
        ("  a", [" ", " a"]),
        ("a   ", ["a", "   "]),
        ("x 123", ["x", " ", "1", "2", "3"]),
        ("x123y", ["x", "1", "2", "3", "y"]),
        ("don't", ["don", "'t"]),
        ("we'll've", ["we", "'ll", "'ve"]),
        ("DON'T", ["DON", "'", "T"]),
        ("a\n\nb", ["a", "\n", "\n", "b"]),
        ("a \n b", ["a", " \n", " b"]),
        ("hi!!! ?", ["hi", "!!!", " ?"]),
        ("?'s", ["?'", "s"]),
        ("e\u{301}", ["e", "\u{301}"]),
        ("你好 世界", ["你好", " 世界"]),
        ("½²", ["½", "²"]),
        ("x\u{3000}y", ["x", "\u{3000}", "y"]),
        ("x\u{A0}\u{A0}y", ["x", "\u{A0}", "\u{A0}", "y"]),
        ("😀 😀", ["😀", " 😀"]),
        ("\t\tx", ["\t", "\t", "x"]),
        ("", []),
    ] as [(String, [String])])
    func smollmSplit(text: String, expected: [String]) {
        #expect(Self.words(text) == expected, "\(String(reflecting: text))")
    }

    /// A tiny vocabulary: bytes a, b, c, Ġ, the merges below, and one control token.
    static func metadata(tokens: [String] = ["a", "b", "c", "Ġ", "ab", "bc", "abc", "aa", "Ġa", "<s>"],
                         types: [Int]? = nil, merges: [String] = ["b c", "a b", "a bc", "a a", "Ġ a"],
                         pre: String = "smollm") -> [String: GGUFValue] {
        var m: [String: GGUFValue] = [
            "tokenizer.ggml.model": .string("gpt2"), "tokenizer.ggml.pre": .string(pre),
            "tokenizer.ggml.tokens": .array(.string, tokens.map { .string($0) }),
            "tokenizer.ggml.merges": .array(.string, merges.map { .string($0) }),
        ]
        let t = types ?? tokens.map { $0 == "<s>" ? 3 : 1 }
        m["tokenizer.ggml.token_type"] = .array(.int32, t.map { .int32(Int32($0)) })
        return m
    }

    @Test func bpeMergesLowestRankFirstLeftmostOnTie() throws {
        let tok = try BPETokenizer(metadata: Self.metadata())
        let id = { (s: String) in tok.id(of: s)! }
        #expect(tok.encode("abc") == [id("abc")])                // "b c" (rank 0) before "a b" (rank 1), then "a bc"
        #expect(tok.encode("ab") == [id("ab")] && tok.encode("bab") == [id("b"), id("ab")])
        #expect(tok.encode("aaa") == [id("aa"), id("a")])       // leftmost pair first
        #expect(tok.encode("aaaa") == [id("aa"), id("aa")])
        #expect(tok.encode(" a") == [id("Ġa")])
        #expect(tok.encode("a<s>b", parseSpecial: true) == [id("a"), id("<s>"), id("b")])
        #expect(tok.encode("a<s>b") == [id("a"), id("b")])       // '<', 's', '>' have no tokens: left out
        #expect(try tok.decode(tok.encode("abc aa")) == Array("abc aa".utf8))
    }

    @Test func inconsistentMetadataIsTyped() {
        func error(_ m: [String: GGUFValue]) -> TokenizerError.Kind? {
            do { _ = try BPETokenizer(metadata: m); return nil } catch { return error.kind }
        }
        var m = Self.metadata()
        m["tokenizer.ggml.tokens"] = nil
        #expect(error(m) == .missingKey("tokenizer.ggml.tokens"))
        m = Self.metadata()
        m["tokenizer.ggml.tokens"] = .array(.int32, [.int32(1)])
        #expect(error(m) == .wrongType("tokenizer.ggml.tokens"))
        m = Self.metadata()
        m["tokenizer.ggml.model"] = .string("llama")
        #expect(error(m) == .unsupportedModel("llama"))
        #expect(error(Self.metadata(pre: "llama3")) == .unsupportedPreTokenizer("llama3"))
        #expect(error(Self.metadata(types: [1, 1, 1])) == .tokenTypeCountMismatch(tokens: 10, types: 3))
        #expect(error(Self.metadata(types: [1, 1, 1, 1, 1, 1, 1, 1, 1, 9])) == .unknownTokenType(token: 9, value: 9))
        #expect(error(Self.metadata(tokens: ["a", "b", "a"], merges: [])) == .duplicateToken(token: 2, first: 0))
        #expect(error(Self.metadata(tokens: ["a", ""], merges: [])) == .emptyToken(1))
        #expect(error(Self.metadata(tokens: ["a", "€"], merges: [])) == .tokenNotByteLevel(1))
        #expect(error(Self.metadata(merges: ["ab"])) == .malformedMerge(0))
        #expect(error(Self.metadata(merges: ["a b", "a  b"])) == .malformedMerge(1))
        #expect(error(Self.metadata(merges: [" a"])) == .malformedMerge(0))
        #expect(error(Self.metadata(merges: ["a z"])) == .mergePartNotInVocabulary(merge: 0, part: "z"))
        #expect(error(Self.metadata(merges: ["a b", "b a"])) == .mergeResultNotInVocabulary(merge: 1))
        #expect(error(Self.metadata(merges: ["a b", "b c", "a b"])) == .duplicateMerge(merge: 2, first: 0))
        m = Self.metadata()
        m["tokenizer.ggml.bos_token_id"] = .uint32(10)
        #expect(error(m) == .tokenIdOutOfRange(key: "tokenizer.ggml.bos_token_id", id: 10))
        m = Self.metadata()
        m["tokenizer.ggml.tokens"] = .array(.string, [])
        #expect(error(m) == .invalidVocabularySize(0))
    }

    @Test func chatTemplateNeedsChatMLControlTokens() throws {
        let tok = try BPETokenizer(metadata: Self.metadata())
        #expect(throws: TokenizerError(.unsupportedChatTemplate)) {
            try ChatTemplate(source: "{{ messages }}", tokenizer: tok)
        }
        #expect(throws: TokenizerError(.unsupportedChatTemplate)) {  // markers in the template, not in the vocabulary
            try ChatTemplate(source: "<|im_start|>{{ m }}<|im_end|>", tokenizer: tok)
        }
    }
}
