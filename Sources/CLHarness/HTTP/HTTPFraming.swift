/// Strict HTTP/1.1 request framing (RFC 9112), so that no two parties can disagree about where a
/// request ends (request smuggling): a request line of exactly `METHOD SP target SP HTTP/1.x`, CRLF
/// line ends only, header names without surrounding white space and no folded lines, and a body
/// framed by exactly one valid `Content-Length` or by `Transfer-Encoding: chunked` (never both).
/// Anything else is refused with a status and the connection closed.
enum HTTPFraming {
    /// How the body of a request is delimited.
    enum Body: Equatable {
        /// Exactly this many bytes.
        case length(Int)
        /// Chunked transfer coding.
        case chunked
    }

    /// A parsed request head.
    struct Head {
        var method: String
        var target: String
        var version: String
        /// Header fields, names lower-cased (every field here appears once).
        var headers: [String: String]
        var body: Body
        var keepAlive: Bool
    }

    /// A refusal: the status to answer with, and why.
    struct Refusal: Error {
        var status: Int
        var message: String
    }

    /// The index of the first byte after the head's `CRLF CRLF`, nil while it is incomplete.
    /// Refuses a bare LF at once, so that a client cannot hold the connection with LF-only lines.
    static func headEnd(_ buffer: [UInt8]) throws(Refusal) -> Int? {
        var i = 0
        while i < buffer.count {
            if buffer[i] == 10 {
                guard i > 0, buffer[i - 1] == 13 else { throw Refusal(status: 400, message: "bare LF in the request head") }
                if i >= 3, buffer[i - 2] == 10, buffer[i - 3] == 13 { return i + 1 }
            }
            i += 1
        }
        return nil
    }

    static func isToken(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || "!#$%&'*+-.^_`|~".utf8.contains(c)
        }
    }

    /// Parses a complete head (up to and including its blank line).
    static func parseHead(_ bytes: ArraySlice<UInt8>, maxBodyBytes: Int) throws(Refusal) -> Head {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw Refusal(status: 400, message: "request head is not UTF-8") }
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        while lines.last == "" { lines.removeLast() }
        guard let requestLine = lines.first else { throw Refusal(status: 400, message: "empty request") }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, isToken(parts[0]), !parts[1].isEmpty, !parts[1].contains("\t") else {
            throw Refusal(status: 400, message: "malformed request line")
        }
        let version = String(parts[2])
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            throw Refusal(status: 400, message: "not an HTTP/1.x request line")
        }
        var headers: [String: String] = [:]
        var contentLengths = 0
        var transferEncodings = 0
        for line in lines.dropFirst() {
            guard let first = line.first, first != " " && first != "\t" else {
                throw Refusal(status: 400, message: "folded or empty header line")
            }
            guard let colon = line.firstIndex(of: ":"), isToken(line[..<colon]) else {
                throw Refusal(status: 400, message: "malformed header line")
            }
            let name = line[..<colon].lowercased()
            let value = trimmed(line[line.index(after: colon)...])
            switch name {
            case "content-length": contentLengths += 1
            case "transfer-encoding": transferEncodings += 1
            default: break
            }
            if let previous = headers[name] { headers[name] = previous + ", " + value } else { headers[name] = value }
        }
        let body: Body
        if transferEncodings > 0 {
            guard contentLengths == 0 else { throw Refusal(status: 400, message: "both Content-Length and Transfer-Encoding") }
            guard transferEncodings == 1, headers["transfer-encoding"]?.lowercased() == "chunked" else {
                throw Refusal(status: 400, message: "unsupported Transfer-Encoding (only chunked)")
            }
            body = .chunked
        } else if contentLengths > 0 {
            guard contentLengths == 1 else { throw Refusal(status: 400, message: "more than one Content-Length") }
            let digits = headers["content-length"] ?? ""
            guard !digits.isEmpty, digits.utf8.count <= 18, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let length = Int(digits) else { throw Refusal(status: 400, message: "invalid Content-Length") }
            guard length <= maxBodyBytes else { throw Refusal(status: 413, message: "") }
            body = .length(length)
        } else if parts[0] == "POST" || parts[0] == "PUT" || parts[0] == "PATCH" {
            throw Refusal(status: 411, message: "a request body needs Content-Length or chunked Transfer-Encoding")
        } else {
            body = .length(0)
        }
        var keepAlive = version == "HTTP/1.1"
        if let connection = headers["connection"]?.lowercased() {
            if connection.contains("close") { keepAlive = false } else if connection.contains("keep-alive") { keepAlive = true }
        }
        return Head(method: String(parts[0]), target: String(parts[1]), version: version, headers: headers, body: body,
                    keepAlive: keepAlive)
    }

    /// The outcome of decoding a chunked body from the front of a buffer.
    enum Chunked {
        /// More bytes are needed.
        case incomplete
        /// The body, and how many buffer bytes it took (trailers included).
        case complete(body: [UInt8], consumed: Int)
    }

    /// Decodes a chunked body at the start of `buffer`, refusing one larger than `maxBodyBytes`.
    static func decodeChunked(_ buffer: [UInt8], maxBodyBytes: Int) throws(Refusal) -> Chunked {
        var body: [UInt8] = []
        var i = 0
        func line(from start: Int) throws(Refusal) -> (text: ArraySlice<UInt8>, next: Int)? {
            var j = start
            while j < buffer.count {
                if buffer[j] == 10 {
                    guard j > start, buffer[j - 1] == 13 else { throw Refusal(status: 400, message: "bare LF in a chunked body") }
                    return (buffer[start..<(j - 1)], j + 1)
                }
                if j - start > 1024 { throw Refusal(status: 400, message: "chunk line too long") }
                j += 1
            }
            return nil
        }
        while true {
            guard let (sizeLine, afterSize) = try line(from: i) else { return .incomplete }
            let sizeDigits = sizeLine.prefix { $0 != UInt8(ascii: ";") }
            guard !sizeDigits.isEmpty, sizeDigits.count <= 15 else { throw Refusal(status: 400, message: "invalid chunk size") }
            var size = 0
            for c in sizeDigits {
                guard let nibble = RPCHex.nibble(c) else { throw Refusal(status: 400, message: "invalid chunk size") }
                size = size << 4 | Int(nibble)
            }
            if size == 0 {
                // Trailer fields, then the blank line.
                var t = afterSize
                while true {
                    guard let (trailer, next) = try line(from: t) else { return .incomplete }
                    t = next
                    if trailer.isEmpty { return .complete(body: body, consumed: t) }
                }
            }
            guard body.count + size <= maxBodyBytes else { throw Refusal(status: 413, message: "") }
            guard buffer.count >= afterSize + size + 2 else { return .incomplete }
            guard buffer[afterSize + size] == 13, buffer[afterSize + size + 1] == 10 else {
                throw Refusal(status: 400, message: "chunk data not followed by CRLF")
            }
            body += buffer[afterSize..<(afterSize + size)]
            i = afterSize + size + 2
        }
    }

    /// `text` without leading and trailing spaces and tabs.
    static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
