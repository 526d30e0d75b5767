import ArgumentParser
import CLGGUF
import Foundation

/// `chainlearn llm`: language models read from GGUF files.
struct LLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llm", abstract: "Language models from GGUF files.", subcommands: [LLMTokenizeCommand.self, LLMGenerateCommand.self, LLMPerplexityCommand.self, LLMSynthCommand.self])
}

/// Parses a GGUF file and builds its tokenizer, turning format errors into messages.
func loadTokenizer(_ path: String) throws -> (GGUFFile, BPETokenizer) {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
        throw MLCommandError(description: "cannot read \(path)")
    }
    return try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
        let file: GGUFFile
        do { file = try GGUFFile(parsing: bytes) } catch {
            throw MLCommandError(description: "\(path): invalid GGUF (\(error))")
        }
        do { return (file, try BPETokenizer(gguf: file)) } catch {
            throw MLCommandError(description: "\(path): invalid tokenizer (\(error))")
        }
    }
}

/// `chainlearn llm tokenize MODEL.gguf (--text T | --file F) [--chat] [--no-parse-special] [--json]`.
struct LLMTokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Token ids of a text under a GGUF model's tokenizer (the ids llama.cpp gives, no BOS added).")

    @Argument(help: "The .gguf model file.") var model: String
    @Option(help: "The text to tokenize.") var text: String?
    @Option(help: "A UTF-8 file whose whole content is tokenized.") var file: String?
    @Flag(help: "Wrap the text as one user message in the model's chat template (ChatML), with the assistant's prompt.")
    var chat = false
    @Flag(help: "Treat special-token texts (<|im_start|>) as plain text.") var noParseSpecial = false
    @Flag(help: "Print JSON: ids, the piece of each id, and the count.") var json = false

    func validate() throws {
        guard (text == nil) != (file == nil) else { throw ValidationError("give exactly one of --text and --file") }
    }

    func run() throws {
        let input: String
        if let path = file {
            guard let data = FileManager.default.contents(atPath: path) else { throw MLCommandError(description: "cannot read \(path)") }
            guard let s = String(validating: data, as: UTF8.self) else {
                throw MLCommandError(description: "\(path): not valid UTF-8")
            }
            input = s
        } else {
            input = text ?? ""
        }
        let (gguf, tokenizer) = try loadTokenizer(model)
        var prompt = input
        if chat {
            do {
                prompt = try ChatTemplate(gguf: gguf, tokenizer: tokenizer).render([.init(role: "user", content: input)])
            } catch {
                throw MLCommandError(description: "\(model): \(error)")
            }
        }
        let ids = tokenizer.encode(prompt, parseSpecial: !noParseSpecial || chat)
        let pieces = try ids.map { String(decoding: try tokenizer.piece($0, special: true), as: UTF8.self) }
        if json {
            let object: [String: Any] = ["ids": ids.map(Int.init), "pieces": pieces, "count": ids.count]
            let encoded = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            FileHandle.standardOutput.write(encoded)
            print()
        } else {
            for (id, piece) in zip(ids, pieces) { print("\(String(id).leftPad(6)) -> \(String(reflecting: piece))") }
            print("\(ids.count) tokens")
        }
    }
}

extension String {
    /// The string right-aligned in `width` columns.
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
