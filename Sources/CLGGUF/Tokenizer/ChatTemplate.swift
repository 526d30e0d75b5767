/// The chat format of a model whose `tokenizer.chat_template` is ChatML: each message is
/// `<|im_start|>ROLE\nCONTENT<|im_end|>\n`, and a generation prompt is `<|im_start|>assistant\n`.
///
/// The template itself is Jinja, which this project does not interpret; instead the ChatML shape is
/// recognised (both markers in the template, both control tokens of the vocabulary) and the one
/// variable part of SmolLM2's template is read out of it: the default system message inserted before
/// the first message when that one is not a system message (the literal
/// `'<|im_start|>system\n...<|im_end|>\n'` guarded by `messages[0]['role'] != 'system'`).
/// The rendered text is tokenized with special tokens parsed, so the markers become their control tokens.
public struct ChatTemplate: Sendable {
    /// One chat message.
    public struct Message: Sendable, Equatable {
        /// `system`, `user` or `assistant`.
        public var role: String
        /// The message text.
        public var content: String

        /// A message from `role` with `content`.
        public init(role: String, content: String) {
            self.role = role
            self.content = content
        }
    }

    /// The message-start marker's text.
    public static let startMarker = "<|im_start|>"
    /// The message-end marker's text.
    public static let endMarker = "<|im_end|>"

    /// The `tokenizer.chat_template` source.
    public let source: String
    /// The id of `<|im_start|>`.
    public let startID: Int32
    /// The id of `<|im_end|>` (also the end of a generated reply).
    public let endID: Int32
    /// The system message the template adds when the chat does not start with one, if it has one.
    public let defaultSystemMessage: String?

    /// Recognises a ChatML template for `tokenizer`'s vocabulary; throws `unsupportedChatTemplate` otherwise.
    public init(source: String, tokenizer: BPETokenizer) throws(TokenizerError) {
        guard source.contains(Self.startMarker), source.contains(Self.endMarker),
              let start = tokenizer.id(of: Self.startMarker), let end = tokenizer.id(of: Self.endMarker),
              tokenizer.types[Int(start)] == .control, tokenizer.types[Int(end)] == .control
        else { throw TokenizerError(.unsupportedChatTemplate) }
        self.source = source
        self.startID = start
        self.endID = end
        self.defaultSystemMessage = Self.defaultSystem(in: source)
    }

    /// Reads `tokenizer.chat_template` from `file`; throws `missingKey` when it has none.
    public init(gguf file: GGUFFile, tokenizer: BPETokenizer) throws(TokenizerError) {
        guard let v = file.value("tokenizer.chat_template") else { throw TokenizerError(.missingKey("tokenizer.chat_template")) }
        guard let s = v.string else { throw TokenizerError(.wrongType("tokenizer.chat_template")) }
        try self.init(source: s, tokenizer: tokenizer)
    }

    /// The prompt text for `messages`, ending with the assistant's start marker when `addGenerationPrompt`.
    public func render(_ messages: [Message], addGenerationPrompt: Bool = true) -> String {
        var out = ""
        for (i, m) in messages.enumerated() {
            if i == 0, m.role != "system", let system = defaultSystemMessage {
                out += Self.startMarker + "system\n" + system + Self.endMarker + "\n"
            }
            out += Self.startMarker + m.role + "\n" + m.content + Self.endMarker + "\n"
        }
        if addGenerationPrompt { out += Self.startMarker + "assistant\n" }
        return out
    }

    /// The default system message in a template that guards it by the first message's role.
    static func defaultSystem(in source: String) -> String? {
        guard source.contains("messages[0]['role'] != 'system'") else { return nil }
        for newline in ["\n", "\\n"] {
            let opening = "'" + startMarker + "system" + newline
            guard let open = source.firstRange(of: opening) else { continue }
            let rest = source[open.upperBound...]
            guard let close = rest.firstRange(of: endMarker + newline + "'") else { continue }
            let body = String(rest[..<close.lowerBound])
            // The body of a Jinja string literal in single quotes: \n, \' and \\ are escapes, and an
            // unescaped quote would have ended the literal (then this is not the expected shape).
            var text = ""
            var escaped = false
            for c in body {
                if escaped {
                    text.append(c == "n" ? "\n" : c)
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if c == "'" {
                    return nil
                } else {
                    text.append(c)
                }
            }
            return text
        }
        return nil
    }
}
