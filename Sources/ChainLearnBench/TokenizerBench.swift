import ArgumentParser
import CLGGUF
import Foundation

/// `chainlearn-bench tokenize`: tokens per second of the GGUF tokenizer on a text file (JSON out).
///
/// `Scripts/bench-tokenizer` runs it and, in the same run, llama.cpp (llama-cpp-python) on the same text,
/// checks that both give the same ids, and prints the side-by-side figures.
struct TokenizerBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize", abstract: "Tokenizer speed on a text file, special tokens parsed (JSON out).")

    @Option(help: "The .gguf model whose tokenizer is used.") var model: String
    @Option(help: "The UTF-8 text file to tokenize.") var file: String
    @Option(help: "How many times to tokenize it; the best time is reported.") var repeats: Int = 10
    @Flag(help: "Also print the ids (one JSON array) to check them against another tokenizer.") var ids = false

    func run() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: model), options: .alwaysMapped)
        let tokenizer = try data.withUnsafeBytes { try BPETokenizer(gguf: try GGUFFile(parsing: $0)) }
        guard let text = String(validating: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self) else {
            throw ValidationError("\(file) is not valid UTF-8")
        }
        let clock = ContinuousClock()
        var best = Double.infinity
        var out: [Int32] = []
        for _ in 0..<max(1, repeats) {
            let t0 = clock.now
            out = tokenizer.encode(text, parseSpecial: true)
            let d = clock.now - t0
            best = min(best, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
        }
        print("{\"tokens\":\(out.count),\"bytes\":\(text.utf8.count),\"best_seconds\":\(best),\"tokens_per_second\":\(Double(out.count) / best)}")
        if ids { print("[" + out.map(String.init).joined(separator: ",") + "]") }
    }
}
