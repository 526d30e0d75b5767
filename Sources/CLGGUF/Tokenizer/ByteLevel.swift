/// GPT-2's byte-level alphabet: every byte 0...255 stands for one printable Unicode scalar, so that a
/// byte string becomes a string of visible characters and vocabulary entries are ordinary text.
///
/// The rule (GPT-2's `bytes_to_unicode`): the 188 bytes `!`...`~` (0x21–0x7E), `¡`...`¬` (0xA1–0xAC) and
/// `®`...`ÿ` (0xAE–0xFF) stand for the scalar of the same value; the other 68 bytes (0x00–0x20,
/// 0x7F–0xA0, 0xAD), in increasing order, stand for U+0100, U+0101, ... U+0143. So a space (0x20) is
/// `Ġ` (U+0120) and a newline (0x0A) is `Ċ` (U+010A).
public enum ByteLevel {
    /// Whether byte `b` stands for the scalar of its own value.
    @inlinable
    public static func isSelfMapped(_ b: UInt8) -> Bool {
        (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || b >= 0xAE
    }

    /// The scalar value that byte `b` stands for.
    public static let scalarOfByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 0x100
        for b in 0...255 {
            if isSelfMapped(UInt8(b)) {
                table[b] = UInt32(b)
            } else {
                table[b] = next
                next += 1
            }
        }
        return table
    }()

    /// The byte that scalar value `v` stands for, or nil when `v` is outside the alphabet.
    @inlinable
    public static func byte(ofScalar v: UInt32) -> UInt8? {
        if v < 0x100 { return isSelfMapped(UInt8(v)) ? UInt8(v) : nil }
        guard v <= 0x143 else { return nil }
        // The 68 remapped bytes in increasing order: 0x00–0x20 (33), 0x7F–0xA0 (34), 0xAD (1).
        let k = Int(v - 0x100)
        if k < 33 { return UInt8(k) }
        if k < 67 { return UInt8(0x7F + k - 33) }
        return 0xAD
    }

    /// The UTF-8 of the character that byte `b` stands for (one or two bytes).
    public static let utf8OfByte: [[UInt8]] = scalarOfByte.map { v in
        Array(String(Character(Unicode.Scalar(v)!)).utf8)
    }

    /// The bytes a byte-level string stands for, or nil when one of its scalars is outside the alphabet.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.unicodeScalars.count)
        for s in text.unicodeScalars {
            guard let b = byte(ofScalar: s.value) else { return nil }
            out.append(b)
        }
        return out
    }

    /// The byte-level string for `bytes`.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(Unicode.Scalar(scalarOfByte[Int(b)])!) }
        return String(s)
    }
}
