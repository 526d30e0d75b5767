// Parsing of ABI type strings: `uint256`, `bytes32[]`, `(address,(uint8,string)[])[2]`.

extension ABIType {
    /// The deepest nesting of arrays and tuples a parsed type may have (guards recursion).
    public static let maximumDepth = 64
    /// The largest static encoding size, in bytes, a parsed type may have (guards `T[k]` overflow).
    public static let maximumStaticSize = 1 << 32

    /// Parses a type string. Accepts the aliases `uint` and `int` (256 bits), whitespace after commas,
    /// and tuples written `(T1,T2)`; rejects anything else with `ABIError.invalidType`.
    public init(parsing text: String) throws(ABIError) {
        var parser = TypeStringParser(text: text)
        let type = try parser.parseType(depth: 0)
        parser.skipSpaces()
        guard parser.atEnd else { throw parser.failure("unexpected text after the type") }
        self = type
    }

    /// Parses a parenthesised or bare comma-separated list: `(uint256,bool)` or `uint256,bool`, or empty.
    public static func parseList(_ text: String) throws(ABIError) -> [ABIType] {
        var trimmed = Substring(text)
        while trimmed.first == " " { trimmed = trimmed.dropFirst() }
        while trimmed.last == " " { trimmed = trimmed.dropLast() }
        if trimmed.isEmpty || trimmed == "()" { return [] }
        let wrapped = trimmed.first == "(" ? String(trimmed) : "(" + trimmed + ")"
        let type = try ABIType(parsing: wrapped)
        if case .tuple(let members) = type { return members }
        return [type]
    }

    /// Builds `T[]` / `T[k]` around `self` from an array suffix such as `[][3]`, validating sizes.
    public func applyingArraySuffix(_ suffix: String) throws(ABIError) -> ABIType {
        var parser = TypeStringParser(text: suffix)
        let type = try parser.parseSuffixes(on: self, depth: depth)
        guard parser.atEnd else { throw parser.failure("unexpected text in array suffix") }
        return type
    }

    /// Checks an elementary bit width or byte count read from a type name.
    static func elementary(_ name: Substring, in text: String) throws(ABIError) -> ABIType {
        func width(after prefix: String) throws(ABIError) -> Int? {
            let digits = name.dropFirst(prefix.count)
            if digits.isEmpty { return nil }
            guard digits.first != "0", digits.count <= 3, let value = Int(digits) else {
                throw ABIError.invalidType(text: text, reason: "bad size in '\(name)'")
            }
            return value
        }
        switch name {
        case "address": return .address
        case "bool": return .bool
        case "string": return .string
        case "bytes": return .bytes
        default: break
        }
        if name.hasPrefix("uint") || name.hasPrefix("int") {
            let unsigned = name.hasPrefix("uint")
            let bits = try width(after: unsigned ? "uint" : "int") ?? 256
            guard bits >= 8, bits <= 256, bits % 8 == 0 else {
                throw ABIError.invalidType(text: text, reason: "integer width must be 8...256 in steps of 8")
            }
            return unsigned ? .uint(bits: bits) : .int(bits: bits)
        }
        if name.hasPrefix("bytes") {
            guard let count = try width(after: "bytes"), count >= 1, count <= 32 else {
                throw ABIError.invalidType(text: text, reason: "bytesN needs N in 1...32")
            }
            return .fixedBytes(count)
        }
        throw ABIError.invalidType(text: text, reason: "unknown type '\(name)'")
    }
}

/// A cursor over a type string; recursive descent with a depth limit.
struct TypeStringParser {
    let text: String
    let bytes: [UInt8]
    var position = 0

    init(text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
    }

    var atEnd: Bool { position >= bytes.count }

    func failure(_ reason: String) -> ABIError {
        .invalidType(text: text, reason: reason + " at character \(position)")
    }

    mutating func skipSpaces() {
        while position < bytes.count, bytes[position] == UInt8(ascii: " ") { position += 1 }
    }

    mutating func parseType(depth: Int) throws(ABIError) -> ABIType {
        guard depth <= ABIType.maximumDepth else { throw failure("nesting too deep") }
        skipSpaces()
        guard !atEnd else { throw failure("missing type") }
        let base: ABIType
        if bytes[position] == UInt8(ascii: "(") {
            position += 1
            var members: [ABIType] = []
            skipSpaces()
            if !atEnd, bytes[position] == UInt8(ascii: ")") {
                position += 1
            } else {
                while true {
                    members.append(try parseType(depth: depth + 1))
                    skipSpaces()
                    guard !atEnd else { throw failure("unclosed tuple") }
                    let separator = bytes[position]
                    position += 1
                    if separator == UInt8(ascii: ")") { break }
                    guard separator == UInt8(ascii: ",") else { throw failure("expected ',' or ')'") }
                }
            }
            base = .tuple(members)
        } else {
            let start = position
            while position < bytes.count, Self.isNameByte(bytes[position]) { position += 1 }
            guard position > start else { throw failure("expected a type name") }
            let name = Substring(decoding: bytes[start..<position], as: UTF8.self)
            base = try ABIType.elementary(name, in: text)
        }
        let type = try parseSuffixes(on: base, depth: depth + base.depth)
        guard type.depth <= ABIType.maximumDepth else { throw failure("nesting too deep") }
        return type
    }

    mutating func parseSuffixes(on base: ABIType, depth: Int) throws(ABIError) -> ABIType {
        var type = base
        var level = depth
        while position < bytes.count, bytes[position] == UInt8(ascii: "[") {
            position += 1
            let start = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                position += 1
            }
            guard position < bytes.count, bytes[position] == UInt8(ascii: "]") else { throw failure("expected ']'") }
            let digits = bytes[start..<position]
            position += 1
            level += 1
            guard level <= ABIType.maximumDepth else { throw failure("nesting too deep") }
            if digits.isEmpty {
                type = .array(type)
                continue
            }
            guard digits.first != UInt8(ascii: "0"), digits.count <= 10,
                  let count = Int(String(decoding: digits, as: UTF8.self)) else {
                throw failure("array size must be a positive number without leading zeros")
            }
            let (size, overflow) = type.headSize.multipliedReportingOverflow(by: count)
            guard !overflow, size <= ABIType.maximumStaticSize, count <= ABIType.maximumStaticSize / 32 else {
                throw failure("static array too large")
            }
            type = .fixedArray(type, count)
        }
        return type
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
