import ArgumentParser
import CLML
import Foundation

/// `chainlearn ml tile MODEL -o OUT [--rows-per-tile R] [--min-macs M] [--json]`: writes the equivalent model
/// whose large conv2d and linear nodes are split into tiles (docs/PROTOCOL.md, "Graph tiling").
struct MLTileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tile",
        abstract: "Split a model's large conv2d and linear nodes into tiles joined by concat (same outputs, more, smaller graph nodes).")

    @Argument(help: "The model file (.clml).") var model: String
    @Option(name: .shortAndLong, help: "The tiled model file to write.") var output: String
    @Option(help: "Output channels (conv2d) or features (linear) per tile.") var rowsPerTile = 1
    @Option(help: "Nodes with fewer multiply-accumulates stay whole.") var minMacs = 20_000
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let original = try loadModel(model)
        let tiled: Model
        do { tiled = try GraphTiling.tile(original, rule: .init(rowsPerTile: rowsPerTile, minimumMACs: minMacs)) } catch {
            throw MLCommandError(description: "tiling failed: \(error)")
        }
        let bytes = ModelFormat.encode(tiled)
        guard FileManager.default.createFile(atPath: output + ".partial", contents: Data(bytes)) else {
            throw MLCommandError(description: "cannot write \(output)")
        }
        _ = try? FileManager.default.removeItem(atPath: output)
        try FileManager.default.moveItem(atPath: output + ".partial", toPath: output)
        let largest = (0..<tiled.nodes.count).map { GraphTiling.multiplyAccumulates(tiled, node: $0) }.max() ?? 0
        if json {
            let object: [String: Any] = ["model": model, "output": output, "nodes_before": original.nodes.count,
                                         "nodes_after": tiled.nodes.count, "largest_node_macs": largest, "bytes": bytes.count]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("\(model): \(original.nodes.count) nodes → \(tiled.nodes.count) nodes (largest node \(largest) MACs), wrote \(output) (\(bytes.count) bytes)")
        }
    }
}
