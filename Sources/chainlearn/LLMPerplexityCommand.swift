import ArgumentParser
import CLGGUF
import CLLLM
import Foundation

/// `chainlearn llm perplexity MODEL.gguf --file TEXT [--tokens N] [--json]`: teacher-forced evaluation.
/// The log-probabilities are an accuracy report, computed in floating point here from the engine's
/// integer Q16 logits; the engine itself stays integer.
struct LLMPerplexityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplexity",
        abstract: "Teacher-forced next-token evaluation of a text: each position's greedy prediction and the perplexity.")

    @Argument(help: "The .gguf model file.") var model: String
    @Option(help: "A UTF-8 text file (tokenized without BOS, special texts as plain text).") var file: String
    @Option(help: "Evaluate at most this many tokens of the text.") var tokens: Int?
    @Flag(help: "Print JSON: ids, the prediction after each prefix, each next token's negative log-likelihood.") var json = false
    @Option(help: "Threads for the products and attention heads.") var threads = 2

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file), let text = String(validating: data, as: UTF8.self) else {
            throw MLCommandError(description: "cannot read \(file) as UTF-8")
        }
        let loaded = try LoadedModel(model)
        var ids = loaded.tokenizer.encode(text)
        if let limit = tokens { ids = Array(ids.prefix(limit)) }
        guard ids.count >= 2 else { throw MLCommandError(description: "\(file): fewer than two tokens") }
        let trained = loaded.weights.hyperparameters.contextLength
        guard ids.count <= trained else {
            throw MLCommandError(description: "\(LlamaDecoderError(.promptTooLong(tokens: ids.count, context: trained))) (use --tokens)")
        }
        let decoder = try loaded.decoder(context: ids.count, threads: threads)
        var predictions: [Int] = [], nll: [Double] = []
        let start = monotonicSeconds()
        for i in 0..<(ids.count - 1) {
            let logits: [Int64]
            do { logits = try decoder.step(ids[i]) } catch { throw MLCommandError(description: "\(error)") }
            predictions.append(Int(LlamaDecoder.greedy(logits)))
            nll.append(Self.negativeLogLikelihood(logits, Int(ids[i + 1])))
        }
        let seconds = monotonicSeconds() - start
        let perplexity = exp(nll.reduce(0, +) / Double(nll.count))
        let agree = zip(predictions, ids.dropFirst()).filter { $0 == Int($1) }.count
        if json {
            let object: [String: Any] = [
                "ids": ids.map(Int.init), "predictions": predictions, "nll": nll, "perplexity": perplexity,
                "seconds": seconds, "tokens_per_second": Double(ids.count - 1) / seconds, "threads": threads]
            let encoded = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            FileHandle.standardOutput.write(encoded)
            print()
        } else {
            print("\(ids.count) tokens, perplexity \(perplexity), greedy prediction = next token at \(agree) of \(ids.count - 1)")
            print("\(Int(Double(ids.count - 1) / seconds)) tokens/s with \(threads) threads")
        }
    }

    /// `−ln softmax(logits)[target]` with the Q16 logits read as reals (report only).
    static func negativeLogLikelihood(_ logits: [Int64], _ target: Int) -> Double {
        let largest = Double(logits.max() ?? 0) / 65536
        var total = 0.0
        for l in logits { total += exp(Double(l) / 65536 - largest) }
        return largest + log(total) - Double(logits[target]) / 65536
    }
}
