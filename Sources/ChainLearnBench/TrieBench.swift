import ArgumentParser
import CLPrimitives
import Foundation

/// `chainlearn-bench trie`: builds a trie of hashed keys (the shape of a state or storage trie),
/// takes its root, updates a subset and takes the root again; runs py-trie on the same
/// workload (Scripts/bench_trie_reference.py), checks both roots agree and prints the ratio.
struct TrieBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trie",
        abstract: "Merkle-Patricia trie build + root and incremental update + root, against py-trie."
    )

    @Option(help: "Keys in the trie.")
    var count = 10_000

    @Option(help: "Keys updated after the first root.")
    var updates = 1_000

    @Option(help: "Python interpreter with the pinned reference packages.")
    var python = ".venv/bin/python"

    func run() throws {
        let pairs = (0..<count).map { index in
            (Keccak256.hash(bigEndian8(UInt64(index))).bytes, RLP.encode(unsigned: UInt64(index + 1)))
        }
        let clock = ContinuousClock()
        var trie = MerklePatriciaTrie()
        var root = Bytes32.zero
        let build = clock.measure {
            for (key, value) in pairs { trie.update(value, forKey: key) }
            root = trie.rootHash()
        }
        var updated = Bytes32.zero
        let update = clock.measure {
            for step in 0..<updates {
                let index = (step * 7) % count
                trie.update(RLP.encode(unsigned: UInt64(index + 2)), forKey: pairs[index].0)
            }
            updated = trie.rootHash()
        }

        let swiftBuild = seconds(build), swiftUpdate = seconds(update)
        print(String(format: "swift: build+root %.4f s, update+root %.4f s; running py-trie…", swiftBuild, swiftUpdate))
        let reference = try runReference()
        guard reference.count == 4 else { throw ValidationError("reference printed \(reference)") }
        guard reference[2] == root.hex, reference[3] == updated.hex else {
            throw ValidationError("roots differ: swift \(root.hex) \(updated.hex), py-trie \(reference[2]) \(reference[3])")
        }
        let pythonBuild = Double(reference[0]) ?? .nan, pythonUpdate = Double(reference[1]) ?? .nan
        print("trie: \(count) keys, \(updates) updates; roots agree with py-trie (\(root.hex))")
        print(String(format: "build+root   swift %.4f s   py-trie %.4f s   ratio %.1fx", swiftBuild, pythonBuild, pythonBuild / swiftBuild))
        print(String(format: "update+root  swift %.4f s   py-trie %.4f s   ratio %.1fx", swiftUpdate, pythonUpdate, pythonUpdate / swiftUpdate))
    }

    private func runReference() throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["Scripts/bench_trie_reference.py", String(count), String(updates)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).split(whereSeparator: \.isWhitespace).map(String.init)
    }

    private func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}

/// The 8 big-endian bytes of `value` (the benchmark's key preimage).
private func bigEndian8(_ value: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
}
