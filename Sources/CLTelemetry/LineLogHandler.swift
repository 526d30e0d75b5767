import Foundation
import Logging

/// How a service writes its log lines.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `2026-12-02T15:50:01.123Z info validator: message task=3 game=1`.
    case text
    /// One JSON object per line: `{"time":…,"level":…,"label":…,"message":…,"task":"3",…}`.
    case json
}

/// A swift-log handler writing one line per message to standard error, as text or as JSON lines. Metadata
/// (the logger's, then the message's) follows the message, keys in sorted order, so every line about a task
/// carries its `task` key and a log collector can index it.
public struct LineLogHandler: LogHandler {
    /// The line format.
    public let format: LogFormat
    /// The logger's label (the service name).
    public let label: String
    /// Metadata on every line of this logger.
    public var metadata: Logger.Metadata = [:]
    /// The lowest level written.
    public var logLevel: Logger.Level
    /// Unused: metadata comes from the logger and the call.
    public var metadataProvider: Logger.MetadataProvider?
    private static let output = LineWriter()

    /// A handler for `label` in `format`, writing `level` and above.
    public init(label: String, format: LogFormat, level: Logger.Level = .info) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    /// Metadata of this logger by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line.
    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let time = Self.timestamp(Date())
        let line: String
        switch format {
        case .text:
            var text = "\(time) \(event.level) \(label): \(event.message)"
            for key in merged.keys.sorted() { text += " \(key)=\(Self.flat(merged[key]!))" }
            line = text
        case .json:
            var members = [("time", time), ("level", "\(event.level)"), ("label", label), ("message", "\(event.message)")]
            for key in merged.keys.sorted() where !["time", "level", "label", "message"].contains(key) {
                members.append((key, Self.flat(merged[key]!)))
            }
            line = "{" + members.map { "\(JSONText.quoted($0.0)):\(JSONText.quoted($0.1))" }.joined(separator: ",") + "}"
        }
        Self.output.write(line + "\n")
    }

    /// A metadata value as one string (lists and dictionaries in brackets).
    static func flat(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let items): "[" + items.map(flat).joined(separator: ",") + "]"
        case .dictionary(let entries): "{" + entries.keys.sorted().map { "\($0)=\(flat(entries[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    /// ISO 8601 UTC with milliseconds.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

/// Writes whole lines to standard error under a lock, so lines from concurrent tasks never interleave.
final class LineWriter: @unchecked Sendable {
    private let lock = NSLock()

    func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// JSON string quoting (RFC 8259): quotes, backslashes and control characters escaped.
public enum JSONText {
    /// `text` as a JSON string literal.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Process-wide logging setup for the services.
public enum Telemetry {
    /// Routes every swift-log logger of the process to a `LineLogHandler` in `format` at `level`. Call once,
    /// before the first logger is made (swift-log's bootstrap is once per process).
    public static func bootstrapLogging(format: LogFormat, level: Logger.Level = .info) {
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, format: format, level: level) }
    }
}
