import ArgumentParser
import CLGGUF
import Foundation

/// Why `chainlearn llm synth` could not write its model.
struct LLMSynthError: Error, CustomStringConvertible, Equatable {
    /// The kinds of failure.
    enum Kind: Equatable {
        /// `--shape` names no preset.
        case unknownShape(String)
        /// The output file could not be created.
        case cannotCreate(String)
        /// Writing or renaming the output failed part way.
        case writeFailed(String, String)
    }

    let kind: Kind

    var description: String {
        switch kind {
        case .unknownShape(let s):
            "unknown shape \(s) (known: \(SyntheticLlama.Shape.presets.map(\.name).joined(separator: ", ")))"
        case .cannotCreate(let p): "cannot create \(p)"
        case .writeFailed(let p, let why): "writing \(p) failed: \(why)"
        }
    }
}

/// `chainlearn llm synth --shape NAME --seed S --out FILE`: a LLaMA-shaped GGUF with seeded random 4-bit
/// weights (`SyntheticLlama`), streamed to disk tensor by tensor.
struct LLMSynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a LLaMA-shaped GGUF model with seeded random Q4_0 weights (shapes: tiny, llama-7b).")

    @Option(help: "The shape preset: tiny (2 blocks, width 64) or llama-7b.") var shape: String
    @Option(help: "The seed of the weights.") var seed: UInt64 = 0
    @Option(help: "The .gguf file to write (replaced if present).") var out: String
    @Flag(help: "Print a JSON summary (path, bytes, tensors, seconds).") var json = false

    func run() throws {
        guard let s = SyntheticLlama.Shape.preset(named: shape) else { throw LLMSynthError(kind: .unknownShape(shape)) }
        // Written beside the target and renamed at the end, so a failed run leaves no half model under `out`.
        let partial = out + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil),
              let handle = FileHandle(forWritingAtPath: partial) else { throw LLMSynthError(kind: .cannotCreate(partial)) }
        let start = monotonicSeconds()
        let bytes: Int
        do {
            bytes = try SyntheticLlama.write(s, seed: seed) { chunk in try handle.write(contentsOf: chunk) }
            try handle.close()
            if FileManager.default.fileExists(atPath: out) { try FileManager.default.removeItem(atPath: out) }
            try FileManager.default.moveItem(atPath: partial, toPath: out)
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: partial)
            throw LLMSynthError(kind: .writeFailed(out, "\(error)"))
        }
        let seconds = monotonicSeconds() - start
        let tensors = SyntheticLlama.tensors(s).count
        if json {
            let object: [String: Any] = ["path": out, "shape": s.name, "seed": seed, "bytes": bytes,
                                         "tensors": tensors, "seconds": seconds]
            let encoded = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            FileHandle.standardOutput.write(encoded)
            print()
        } else {
            print("\(out): \(s.name), seed \(seed), \(tensors) tensors, \(bytes) bytes in \(String(format: "%.1f", seconds)) s")
        }
    }
}
