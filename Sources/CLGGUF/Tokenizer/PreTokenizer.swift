/// The class of one Unicode scalar, as the pre-tokenizer's regular expressions see it.
///
/// `\p{L}` is general category L (Lu, Ll, Lt, Lm, Lo), `\p{N}` is N (Nd, Nl, No), of Unicode 15.1
/// (scalars assigned in a later version count as unassigned, so `other`); `\s` is the
/// Unicode `White_Space` set (the 25 scalars listed in `isWhitespace`). Every other scalar is `other`.
/// `none` stands for a position outside the text being split, which no class matches.
/// These are the classes llama.cpp's pre-tokenizer gives from its `unicode_cpt_flags` table; the test
/// suite checks every code point against that table (Fixtures/tokenizer/llama-cpp-scalar-classes.json).
public enum ScalarClass: UInt8, Sendable {
    /// No scalar (outside the piece being split).
    case none = 0
    /// `\p{L}`.
    case letter = 1
    /// `\p{N}`.
    case number = 2
    /// `\s`.
    case whitespace = 4
    /// Anything else, unassigned code points included.
    case other = 8

    /// The class of scalar value `v` (a value that is no scalar, a surrogate, is `other`).
    @inlinable
    public init(_ v: UInt32) {
        if v < 0x80 {
            self = ScalarClass.ascii[Int(v)]
        } else if ScalarClass.isWhitespace(v) {
            self = .whitespace
        } else {
            // Pinned to Unicode 15.1, the version of llama.cpp's table: a scalar assigned later is
            // unassigned there (so "other"), whatever newer Unicode data the Swift runtime carries.
            guard let p = Unicode.Scalar(v)?.properties, let age = p.age,
                  age.major < ScalarClass.unicodeVersion.major
                  || (age.major == ScalarClass.unicodeVersion.major && age.minor <= ScalarClass.unicodeVersion.minor)
            else { self = .other; return }
            switch p.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                self = .letter
            case .decimalNumber, .letterNumber, .otherNumber:
                self = .number
            default:
                self = .other
            }
        }
    }

    /// The Unicode version whose assignments and general categories the classes follow.
    public static let unicodeVersion: (major: Int, minor: Int) = (15, 1)

    /// The Unicode `White_Space` property: U+0009–U+000D, U+0020, U+0085, U+00A0, U+1680,
    /// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
    @inlinable
    public static func isWhitespace(_ v: UInt32) -> Bool {
        switch v {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    @usableFromInline
    static let ascii: [ScalarClass] = (0..<128).map { v in
        if isWhitespace(UInt32(v)) { return .whitespace }
        if (0x30...0x39).contains(v) { return .number }
        if (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) { return .letter }
        return .other
    }
}

/// A pre-tokenizer: the rule that cuts text into words before BPE merges within each word.
///
/// GGUF names it in `tokenizer.ggml.pre`. Only the rules of the models this project reads are here;
/// any other name is rejected when the tokenizer is loaded (`TokenizerError.Kind.unsupportedPreTokenizer`).
public enum PreTokenizer: String, Sendable, CaseIterable {
    /// `smollm` (as `starcoder`, `refact`, `command-r` in llama.cpp): two expressions applied in turn,
    /// the second within each piece the first leaves:
    /// 1. `\p{N}`: every number scalar becomes a piece of its own; the runs between them are pieces too.
    /// 2. GPT-2's `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`, the
    ///    alternatives tried in that order at each position (leftmost, first alternative that matches,
    ///    each greedy). The lookahead `(?!\S)` sees only the current piece: at a piece's end a run of
    ///    whitespace is taken whole.
    case smollm

    /// Cuts `scalars` (Unicode scalar values) into words; returns the end index of each word, in order.
    /// The words cover the input exactly, without gaps, and none is empty.
    public func split(_ scalars: [UInt32]) -> [Int] {
        let classes = scalars.map { ScalarClass($0) }
        var ends: [Int] = []
        ends.reserveCapacity(scalars.count / 3 + 1)
        switch self {
        case .smollm:
            var start = 0
            for i in 0..<classes.count where classes[i] == .number {
                if start < i { PreTokenizer.gpt2Split(scalars, classes, start, i, into: &ends) }
                ends.append(i + 1)
                start = i + 1
            }
            if start < classes.count { PreTokenizer.gpt2Split(scalars, classes, start, classes.count, into: &ends) }
        }
        return ends
    }

    /// GPT-2's expression over `scalars[lo..<hi]`, appending each match's end to `ends`.
    static func gpt2Split(_ s: [UInt32], _ cls: [ScalarClass], _ lo: Int, _ hi: Int, into ends: inout [Int]) {
        @inline(__always) func at(_ i: Int) -> ScalarClass { i < hi ? cls[i] : .none }
        let apostrophe: UInt32 = 0x27, space: UInt32 = 0x20
        var pos = lo
        while pos < hi {
            let c = s[pos]
            // 's 't 'm 'd, then 're 've 'll (case-sensitive).
            if c == apostrophe && pos + 1 < hi {
                let n = s[pos + 1]
                if n == 0x73 || n == 0x74 || n == 0x6D || n == 0x64 {
                    pos += 2
                    ends.append(pos)
                    continue
                }
                if pos + 2 < hi {
                    let nn = s[pos + 2]
                    if (n == 0x72 && nn == 0x65) || (n == 0x76 && nn == 0x65) || (n == 0x6C && nn == 0x6C) {
                        pos += 3
                        ends.append(pos)
                        continue
                    }
                }
            }
            // An optional leading space, then a run of one class: letters, numbers, or "other".
            let lead = c == space ? at(pos + 1) : cls[pos]
            if lead == .letter || lead == .number || lead == .other {
                if c == space { pos += 1 }
                while at(pos) == lead { pos += 1 }
                ends.append(pos)
                continue
            }
            // Whitespace: \s+(?!\S) leaves the last one to the next match when a non-space follows
            // in this piece; otherwise \s+ takes the whole run.
            var n = 0
            while at(pos + n) == .whitespace { n += 1 }
            if n > 1 && pos + n < hi {
                pos += n - 1
            } else if n > 0 {
                pos += n
            } else {
                pos += 1
            }
            ends.append(pos)
        }
    }
}
