import ArgumentParser
import CLGGUF
import CLPrimitives
import Foundation

/// `chainlearn gguf`: inspects GGUF model files.
struct GGUFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gguf", abstract: "Inspect GGUF model files.", subcommands: [GGUFInfoCommand.self])
}

/// `chainlearn gguf info FILE [--json] [--hashes]`: the header, metadata and tensor infos of a GGUF file.
struct GGUFInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "List a GGUF file's metadata and tensors (name, type, shape, offset).")

    @Argument(help: "The .gguf file.") var file: String
    @Flag(help: "Print JSON (metadata arrays in full).") var json = false
    @Flag(help: "Add the keccak256 of each tensor's bytes.") var hashes = false

    func run() throws {
        // Memory-mapped: the reader sees the file's bytes without copying them.
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file), options: .alwaysMapped) } catch {
            throw MLCommandError(description: "cannot read \(file)")
        }
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            let f: GGUFFile
            do { f = try GGUFFile(parsing: bytes) } catch {
                throw MLCommandError(description: "\(file): invalid GGUF (\(error))")
            }
            let digests = hashes ? f.tensors.map { Keccak256.hash(f.data(of: $0, in: bytes)).hex } : nil
            if json { try printJSON(f, digests) } else { printText(f, digests) }
        }
    }

    func printJSON(_ f: GGUFFile, _ digests: [String]?) throws {
        var metadata: [[String: Any]] = []
        for (key, value) in f.metadata {
            var entry: [String: Any] = ["key": key, "type": value.type.name, "value": Self.jsonValue(value)]
            if case .array(let element, _) = value { entry["element_type"] = element.name }
            metadata.append(entry)
        }
        var tensors: [[String: Any]] = []
        for (i, t) in f.tensors.enumerated() {
            var entry: [String: Any] = ["name": t.name, "type": t.type.name, "shape": t.shape, "offset": t.offset,
                                        "bytes": t.byteCount]
            if let d = digests { entry["keccak256"] = d[i] }
            tensors.append(entry)
        }
        let object: [String: Any] = ["version": Int(f.version), "alignment": f.alignment, "data_offset": f.dataOffset,
                                     "metadata": metadata, "tensors": tensors]
        let encoded = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        FileHandle.standardOutput.write(encoded)
        print()
    }

    func printText(_ f: GGUFFile, _ digests: [String]?) {
        print("GGUF version \(f.version), alignment \(f.alignment), data at byte \(f.dataOffset), \(f.fileSize) bytes")
        print("\(f.metadata.count) metadata entries:")
        for (key, value) in f.metadata { print("  \(key) (\(value.type.name)) = \(Self.summary(value))") }
        print("\(f.tensors.count) tensors:")
        for (i, t) in f.tensors.enumerated() {
            let shape = t.shape.map(String.init).joined(separator: "x")
            print("  \(t.name)  \(t.type.name)  [\(shape)]  offset \(t.offset)  \(t.byteCount) bytes" + (digests.map { "  \($0[i])" } ?? ""))
        }
    }

    /// A value as JSON: integers, bools and strings as themselves, floats as their (exact) double values.
    static func jsonValue(_ v: GGUFValue) -> Any {
        switch v {
        case .float32(let bits): return finite(Double(Float(bitPattern: bits)))
        case .float64(let bits): return finite(Double(bitPattern: bits))
        case .bool(let b): return b
        case .string(let s): return s
        case .array(_, let items): return items.map(jsonValue)
        case .uint64(let u): return u
        default: return v.integer ?? 0
        }
    }

    static func finite(_ d: Double) -> Any { d.isFinite ? d : String(describing: d) }

    /// A one-line rendering: arrays as their type, length and first elements.
    static func summary(_ v: GGUFValue) -> String {
        switch v {
        case .array(let element, let items):
            let head = items.prefix(8).map(summary).joined(separator: ", ")
            return "[\(element.name) x \(items.count)] [\(head)\(items.count > 8 ? ", ..." : "")]"
        case .string(let s): return s.count > 80 ? String(reflecting: String(s.prefix(80))) + "..." : String(reflecting: s)
        default: return "\(jsonValue(v))"
        }
    }
}
