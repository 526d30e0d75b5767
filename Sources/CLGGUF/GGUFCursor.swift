/// A bounds-checked little-endian reader over the file's bytes. Every read checks the
/// remaining length first and throws `.truncated` at the offset of the item that does not fit.
struct GGUFCursor {
    let bytes: UnsafeRawBufferPointer
    var offset: Int = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func need(_ n: Int) throws(GGUFError) {
        guard n >= 0, n <= remaining else { throw GGUFError(.truncated, at: offset) }
    }

    mutating func u8() throws(GGUFError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() throws(GGUFError) -> UInt16 {
        try need(2)
        defer { offset += 2 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    mutating func u32() throws(GGUFError) -> UInt32 {
        try need(4)
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[offset + i]) << (8 * i) }
        offset += 4
        return v
    }

    mutating func u64() throws(GGUFError) -> UInt64 {
        try need(8)
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * i) }
        offset += 8
        return v
    }

    /// A length (u64) that must fit in what is left of the file, each unit taking `unit` bytes.
    mutating func length(unit: Int) throws(GGUFError) -> Int {
        let at = offset
        let n = try u64()
        let (total, overflow) = n.multipliedReportingOverflow(by: UInt64(unit))
        guard !overflow, total <= UInt64(remaining) else { throw GGUFError(.truncated, at: at) }
        return Int(n)
    }

    /// A GGUF string: u64 byte length, then UTF-8 bytes (no terminator).
    mutating func string() throws(GGUFError) -> String {
        let at = offset
        let n = try length(unit: 1)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n])
        guard let s = String(validating: slice, as: UTF8.self) else { throw GGUFError(.invalidUTF8, at: at) }
        offset += n
        return s
    }
}
