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

/// `chainlearn-bench gguf-import`: wall times of parsing a LLaMA GGUF, importing its weights for the
/// integer engine (`LlamaWeights`) and building its RoPE table for the whole context (JSON out).
struct GGUFImportBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gguf-import", abstract: "GGUF parse, weight import and RoPE table times (JSON out).")

    @Option(help: "The .gguf model.") var model: String
    @Option(help: "Runs of each step; the best time is reported.") var repeats: Int = 3

    func run() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: model), options: .alwaysMapped)
        let clock = ContinuousClock()
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        var parse = Double.infinity, weights = Double.infinity, rope = Double.infinity, blocks = 0
        try data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            for _ in 0..<max(1, repeats) {
                var t0 = clock.now
                let file = try GGUFFile(parsing: buf)
                parse = min(parse, seconds(clock.now - t0))
                t0 = clock.now
                let w = try LlamaWeights(file, in: buf)
                weights = min(weights, seconds(clock.now - t0))
                blocks = w.layers.reduce(w.tokenEmbedding.scales.count) { n, l in
                    n + [l.query, l.key, l.value, l.output, l.gate, l.up, l.down].reduce(0) { $0 + $1.scales.count }
                }
                let h = w.hyperparameters
                t0 = clock.now
                _ = try RopeTable(base: h.ropeBase, dimensions: h.ropeDimensions, positions: h.contextLength)
                rope = min(rope, seconds(clock.now - t0))
            }
        }
        print("{\"parse_seconds\":\(parse),\"import_seconds\":\(weights),\"blocks\":\(blocks),\"rope_table_seconds\":\(rope)}")
    }
}
