/// Why a tokenizer could not be built from GGUF metadata, or why ids could not be turned back into text.
///
/// A public struct over a kind, as `GGUFError`: new kinds can be added without breaking callers that
/// switch on `kind` with a default. Inconsistent metadata always yields one of these, never a trap.
public struct TokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: Equatable, Sendable {
        /// A required metadata key is absent (`tokenizer.ggml.tokens`, `tokenizer.ggml.merges`, ...).
        case missingKey(String)
        /// A metadata value has the wrong type (an array of strings was expected, or an integer id, ...).
        case wrongType(String)
        /// `tokenizer.ggml.model` names a tokenizer other than byte-level BPE (`gpt2`).
        case unsupportedModel(String)
        /// `tokenizer.ggml.pre` names a pre-tokenizer this implementation does not have.
        case unsupportedPreTokenizer(String)
        /// The vocabulary is empty, or too large for 32-bit ids.
        case invalidVocabularySize(Int)
        /// `tokenizer.ggml.token_type` does not have one entry per token.
        case tokenTypeCountMismatch(tokens: Int, types: Int)
        /// A token type outside 1...6 (normal, unknown, control, user-defined, unused, byte).
        case unknownTokenType(token: Int, value: Int)
        /// Two tokens with the same text (the text-to-id map would be ambiguous).
        case duplicateToken(token: Int, first: Int)
        /// A token with empty text.
        case emptyToken(Int)
        /// A normal token whose text has a scalar outside the byte-level alphabet.
        case tokenNotByteLevel(Int)
        /// A merge that is not two non-empty parts separated by one space.
        case malformedMerge(Int)
        /// A merge whose left or right part is not a token.
        case mergePartNotInVocabulary(merge: Int, part: String)
        /// A merge whose result (the two parts joined) is not a token.
        case mergeResultNotInVocabulary(merge: Int)
        /// The same pair of tokens merged twice.
        case duplicateMerge(merge: Int, first: Int)
        /// A special-token id (`tokenizer.ggml.bos_token_id`, ...) outside the vocabulary.
        case tokenIdOutOfRange(key: String, id: Int)
        /// An id given to `decode` outside the vocabulary.
        case invalidTokenId(Int)
        /// The chat template does not use the ChatML markers `<|im_start|>` and `<|im_end|>` as control tokens.
        case unsupportedChatTemplate
    }

    /// The class of failure.
    public let kind: Kind

    /// A failure of `kind`.
    public init(_ kind: Kind) { self.kind = kind }

    public var description: String { "tokenizer error: \(kind)" }
}
