import ArgumentParser
import CLGGUF
import CLLLM
import CLML
import Foundation

/// A GGUF model loaded for decoding: its tokenizer, chat template (if any) and integer weights.
struct LoadedModel {
    let file: GGUFFile
    let tokenizer: BPETokenizer
    let weights: LlamaWeights

    init(_ path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw MLCommandError(description: "cannot read \(path)")
        }
        (file, tokenizer, weights) = try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            let file: GGUFFile
            do { file = try GGUFFile(parsing: bytes) } catch {
                throw MLCommandError(description: "\(path): invalid GGUF (\(error))")
            }
            let tokenizer: BPETokenizer
            do { tokenizer = try BPETokenizer(gguf: file) } catch {
                throw MLCommandError(description: "\(path): invalid tokenizer (\(error))")
            }
            do { return (file, tokenizer, try LlamaWeights(file, in: bytes)) } catch {
                throw MLCommandError(description: "\(path): cannot import the weights (\(error))")
            }
        }
    }

    /// A decoder with `context` positions (the model's trained context when nil, capped at 8192).
    func decoder(context: Int?, threads: Int) throws -> LlamaDecoder {
        let n = context ?? min(weights.hyperparameters.contextLength, 8192)
        do { return try LlamaDecoder(weights, contextLength: n, threads: threads) } catch {
            throw MLCommandError(description: "\(error)")
        }
    }
}

/// Seconds since an arbitrary start, for throughput reports.
func monotonicSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// `chainlearn llm generate MODEL.gguf --prompt TEXT [-n N] [--chat] [--json] [--temperature T --top-k K --seed S]`:
/// greedy decoding, or seeded integer sampling, streamed.
struct LLMGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Greedy or seeded-sampling generation with the integer decoder, streaming tokens as they come.")

    @Argument(help: "The .gguf model file (LLaMA architecture; Q8_0, Q4_0 or Q4_1 matrices).") var model: String
    @Option(help: "The prompt text.") var prompt: String
    @Option(name: .short, help: "Tokens to generate at most.") var n = 32
    @Flag(help: "Wrap the prompt as one user message in the model's chat template; stop at its end marker.") var chat = false
    @Flag(help: "Print one JSON object at the end (ids, text, timings) instead of streaming text.") var json = false
    @Option(help: "Threads for the products and attention heads.") var threads = 2
    @Option(help: "Context positions (default: the model's, at most 8192).") var context: Int?
    @Option(help: "Sampling temperature, rounded to Q16 (0: greedy).") var temperature = 0.0
    @Option(help: "Sample among the K largest logits (0: all).") var topK = 40
    @Option(help: "The sampling seed.") var seed: UInt64 = 0

    /// The sampler's parameters.
    var sampling: TokenSampler.Parameters {
        TokenSampler.Parameters(temperatureQ16: Int64((temperature * 65536).rounded()), topK: topK, seed: seed)
    }

    func validate() throws {
        guard n >= 0 else { throw ValidationError("-n must be at least 0") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard temperature >= 0, temperature <= 1000 else { throw ValidationError("--temperature must be in 0 … 1000") }
        guard topK >= 0 else { throw ValidationError("--top-k must be at least 0") }
    }

    func run() throws {
        let loadStart = monotonicSeconds()
        let loaded = try LoadedModel(model)
        let loadSeconds = monotonicSeconds() - loadStart
        var text = prompt
        var stops: Set<Int32> = Set([loaded.tokenizer.eosID].compactMap { $0 })
        if chat {
            do {
                let template = try ChatTemplate(gguf: loaded.file, tokenizer: loaded.tokenizer)
                text = template.render([.init(role: "user", content: prompt)])
                stops.insert(template.endID)
            } catch {
                throw MLCommandError(description: "\(model): \(error)")
            }
        }
        let promptIDs = loaded.tokenizer.encode(text, parseSpecial: chat)
        let trained = loaded.weights.hyperparameters.contextLength
        let decoder = try loaded.decoder(context: context ?? min(max(promptIDs.count + n, 1), trained), threads: threads)
        var generated: [Int32] = []
        let start = monotonicSeconds()
        var logits: [Int64]
        do { logits = try decoder.prefill(promptIDs) } catch { throw MLCommandError(description: "\(error)") }
        let prefilled = monotonicSeconds()
        while generated.count < n {
            let next = LlamaDecoder.sample(logits, parameters: sampling, step: generated.count)
            if stops.contains(next) { break }
            generated.append(next)
            if !json {
                FileHandle.standardOutput.write(Data(try loaded.tokenizer.piece(next)))
            }
            if generated.count == n || decoder.position == decoder.contextLength { break }
            do { logits = try decoder.step(next) } catch { throw MLCommandError(description: "\(error)") }
        }
        let end = monotonicSeconds()
        let decodeSteps = max(generated.count - 1, 0)
        let promptRate = Double(promptIDs.count) / (prefilled - start)
        let generationRate = decodeSteps == 0 ? 0 : Double(decodeSteps) / (end - prefilled)
        if json {
            let output = String(decoding: try loaded.tokenizer.decode(generated), as: UTF8.self)
            let object: [String: Any] = [
                "prompt_ids": promptIDs.map(Int.init), "ids": generated.map(Int.init), "text": output,
                "load_seconds": loadSeconds,
                "prompt_seconds": prefilled - start, "generation_seconds": end - prefilled,
                "prompt_tokens_per_second": promptRate, "generation_tokens_per_second": generationRate,
                "threads": threads, "temperature_q16": sampling.temperatureQ16, "top_k": topK, "seed": seed]
            let encoded = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            FileHandle.standardOutput.write(encoded)
            print()
        } else {
            print()
            FileHandle.standardError.write(Data(String(
                "\(promptIDs.count) prompt tokens at \(Int(promptRate)) tokens/s, \(generated.count) generated "
                + "(\(Int(generationRate)) tokens/s, \(threads) threads)\n").utf8))
        }
    }
}
