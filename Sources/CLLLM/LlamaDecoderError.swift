/// Why a decoder could not run a token.
public struct LlamaDecoderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Kind: Equatable, Sendable {
        /// The prompt has `tokens` tokens, more than the context's `context` positions allow.
        case promptTooLong(tokens: Int, context: Int)
        /// The context is full: no position is left for another token.
        case contextFull(context: Int)
        /// A token id outside the vocabulary.
        case tokenOutOfRange(Int32)
        /// An empty prompt: there is nothing to predict from.
        case emptyPrompt
        /// A context length below one, or above the positions the model was trained for.
        case badContextLength(Int)
    }

    /// What went wrong.
    public let kind: Kind

    /// An error of `kind`.
    public init(_ kind: Kind) { self.kind = kind }

    public var description: String {
        switch kind {
        case .promptTooLong(let t, let c): return "the prompt has \(t) tokens, more than the context of \(c) allows"
        case .contextFull(let c): return "the context of \(c) positions is full"
        case .tokenOutOfRange(let id): return "token id \(id) is outside the vocabulary"
        case .emptyPrompt: return "the prompt is empty"
        case .badContextLength(let n): return "context length \(n) is out of range"
        }
    }
}
