// Conversions of `UInt256` to and from bytes, `Bytes32`, hex and decimal text.

extension UInt256 {
    /// Creates a value from up to 32 big-endian bytes (fewer are left-padded with zeros); nil when longer.
    @inlinable public init?<C: Collection>(bigEndianBytes bytes: C) where C.Element == UInt8 {
        guard bytes.count <= 32 else { return nil }
        self.init()
        var shiftIndex = bytes.count - 1
        for byte in bytes {
            let limb = shiftIndex / 8, offset = UInt64(shiftIndex % 8) * 8
            self[limb: limb] |= UInt64(byte) << offset
            shiftIndex -= 1
        }
    }

    /// Creates a value from 32 bytes read as a big-endian number.
    @inlinable public init(_ word: Bytes32) {
        self = word.withUnsafeBytes { raw in
            UInt256(w0: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)),
                    w1: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                    w2: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                    w3: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)))
        }
    }

    /// The value as 32 big-endian bytes.
    @inlinable public var bytes32: Bytes32 {
        var out = Bytes32()
        out.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: w3.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: w2.bigEndian, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: w1.bigEndian, toByteOffset: 16, as: UInt64.self)
            raw.storeBytes(of: w0.bigEndian, toByteOffset: 24, as: UInt64.self)
        }
        return out
    }

    /// The value as 32 big-endian bytes.
    @inlinable public var bigEndianBytes: [UInt8] { bytes32.bytes }

    /// The value as the fewest big-endian bytes (empty for zero), as RLP encodes integers.
    @inlinable public var minimalBigEndianBytes: [UInt8] { Array(bigEndianBytes.suffix(byteWidth)) }

    /// Parses hex (with or without `0x`, any number of digits up to 64); nil on bad input.
    public init?(hex text: some StringProtocol) {
        var digits = Substring(text)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, digits.utf8.count <= 64 else { return nil }
        self.init()
        for c in digits.utf8 {
            guard let nibble = Hex.nibble(c) else { return nil }
            self = (self << 4) | UInt256(UInt64(nibble))
        }
    }

    /// Parses a decimal number; nil on bad input or a value of 2^256 or more.
    public init?(decimal text: some StringProtocol) {
        guard !text.isEmpty else { return nil }
        self.init()
        let ten = UInt256(10 as UInt64)
        for c in text.utf8 {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            let (high, low) = multipliedFullWidth(by: ten)
            guard high.isZero else { return nil }
            let (sum, carry) = low.addingReportingOverflow(UInt256(UInt64(c - UInt8(ascii: "0"))))
            guard !carry else { return nil }
            self = sum
        }
    }

    /// Minimal lower-case hex with `0x` (`0x0` for zero), as JSON-RPC quantities are written.
    public var hexQuantity: String {
        if isZero { return "0x0" }
        let full = Hex.encode(bigEndianBytes, prefix: false)
        return "0x" + full.drop { $0 == "0" }
    }

    /// The decimal digits.
    public var decimalString: String {
        if isZero { return "0" }
        var chunks: [UInt64] = []
        var rest = self
        let base = UInt256(10_000_000_000_000_000_000 as UInt64)
        while !rest.isZero {
            let (q, r) = rest.quotientAndRemainder(dividingBy: base)
            chunks.append(r.w0)
            rest = q
        }
        var text = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 19 - digits.count) + digits
        }
        return text
    }
}

extension UInt256: CustomStringConvertible {
    /// The decimal digits.
    public var description: String { decimalString }
}

extension UInt256: ExpressibleByIntegerLiteral {
    /// Creates a value from a non-negative integer literal.
    @inlinable public init(integerLiteral value: UInt64) { self.init(value) }
}
