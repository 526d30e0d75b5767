/// Splits a model's large nodes into tiles (docs/PROTOCOL.md, "Graph tiling"), so that no node of the
/// multi-phase game's phase 1 is much larger than the others: the disputed node is the only one an honest
/// party re-runs in the FPVM, and a conv holding most of the model's arithmetic would make phase 2 cost nearly
/// what a one-phase game does.
///
/// The tiled model computes exactly the same output as the original, bit for bit:
/// - a `conv2d` or `linear` node with at least `minimumMACs` multiply-accumulates becomes tiles of at most
///   `rowsPerTile` output channels (conv2d, axis 0 of `[O, H, W]`) or output features (linear, the last axis),
///   each with its slice of the weight rows and the bias as constants of its own (every output channel or
///   feature depends only on its own weight row, bias and the shared input, and the requantisation and fused
///   ReLU act elementwise);
/// - a `relu`, `maxPool` or `averagePool` reading a tiled conv runs per tile too (they act channel by channel);
/// - a `concat` node joins the tiles before the first node that needs the whole value (or at the end).
///
/// Constants no node reads any more (the unsplit weights) are dropped; the others keep their order.
public enum GraphTiling {
    /// The tiling rule's parameters.
    public struct Rule: Sendable, Equatable {
        /// Output rows (channels or features) per tile, at least 1.
        public var rowsPerTile: Int
        /// Nodes with fewer multiply-accumulates than this stay whole.
        public var minimumMACs: Int

        /// A rule.
        public init(rowsPerTile: Int, minimumMACs: Int) {
            self.rowsPerTile = max(1, rowsPerTile)
            self.minimumMACs = minimumMACs
        }
    }

    /// The multiply-accumulates of node `index` (conv2d and linear; zero for the others).
    public static func multiplyAccumulates(_ model: Model, node index: Int) -> Int {
        let node = model.nodes[index]
        switch node.op {
        case .conv2d:
            let w = model.describe(node.inputs[1]).shape
            return Tensor.elementCount(model.nodeShapes[index]) * w[1] * w[2] * w[3]
        case .linear:
            let w = model.describe(node.inputs[1]).shape
            return Tensor.elementCount(model.nodeShapes[index]) * w[1]
        default:
            return 0
        }
    }

    /// A value of the tiled graph: one reference, or the tiles of a split value along `axis`.
    private enum Value {
        case whole(ValueReference)
        case tiles([ValueReference], axis: Int, dtype: DType, quantization: Quantization)
    }

    /// The tiled model.
    public static func tile(_ model: Model, rule: Rule) throws(MLError) -> Model {
        var builder = Builder(model: model)
        var values: [Value] = []
        for index in 0..<model.nodes.count {
            let node = model.nodes[index]
            if case .node(let k) = node.inputs.first, case .tiles(let parts, let axis, _, _) = values[k],
               axis == 0, [.relu, .maxPool, .averagePool].contains(node.op) {
                // Channel-wise: one node per tile.
                var tiles: [ValueReference] = []
                for part in parts {
                    var copy = node
                    copy.inputs = [part]
                    tiles.append(builder.append(copy))
                }
                values.append(.tiles(tiles, axis: 0, dtype: node.dtype, quantization: node.quantization))
                continue
            }
            var inputs: [ValueReference] = []
            for reference in node.inputs { inputs.append(builder.resolve(reference, values: &values)) }
            let rows = node.op == .conv2d || node.op == .linear ? model.describe(node.inputs[1]).shape[0] : 0
            if rows > rule.rowsPerTile, multiplyAccumulates(model, node: index) >= rule.minimumMACs,
               case .constant(let weights) = node.inputs[1], case .constant(let bias) = node.inputs[2] {
                var tiles: [ValueReference] = []
                var first = 0
                while first < rows {
                    let last = min(first + rule.rowsPerTile, rows)
                    var copy = node
                    copy.inputs = [inputs[0], builder.slice(weights, rows: first..<last), builder.slice(bias, rows: first..<last)]
                    tiles.append(builder.append(copy))
                    first = last
                }
                let axis = node.op == .conv2d ? 0 : model.nodeShapes[index].count - 1
                values.append(.tiles(tiles, axis: axis, dtype: node.dtype, quantization: node.quantization))
                continue
            }
            var copy = node
            copy.inputs = inputs
            values.append(.whole(builder.append(copy)))
        }
        // The model's output is its last node: join it if it is tiled.
        let last = model.nodes.count - 1
        if case .tiles = values[last] { _ = builder.resolve(.node(last), values: &values) }
        return try builder.build()
    }

    /// Accumulates the tiled graph's constants and nodes.
    private struct Builder {
        let model: Model
        var constants: [Tensor] = []
        var constantQuantization: [Quantization] = []
        var kept: [Int: Int] = [:]
        var nodes: [Node] = []

        init(model: Model) { self.model = model }

        mutating func append(_ node: Node) -> ValueReference {
            nodes.append(node)
            return .node(nodes.count - 1)
        }

        /// An original constant, kept once.
        mutating func keep(_ k: Int) -> ValueReference {
            if let known = kept[k] { return .constant(known) }
            constants.append(model.constants[k])
            constantQuantization.append(model.constantQuantization[k])
            kept[k] = constants.count - 1
            return .constant(constants.count - 1)
        }

        /// Rows `rows` (along axis 0) of constant `k`, as a new constant.
        mutating func slice(_ k: Int, rows: Range<Int>) -> ValueReference {
            let tensor = model.constants[k]
            let rowSize = tensor.count / tensor.shape[0]
            var shape = tensor.shape
            shape[0] = rows.count
            let values = Array(tensor.values[(rows.lowerBound * rowSize)..<(rows.upperBound * rowSize)])
            constants.append(Tensor(dtype: tensor.dtype, shape: shape, values: values))
            constantQuantization.append(model.constantQuantization[k])
            return .constant(constants.count - 1)
        }

        /// The whole value of an original reference, joining a tiled node's tiles (once) when needed.
        mutating func resolve(_ reference: ValueReference, values: inout [Value]) -> ValueReference {
            switch reference {
            case .input: return reference
            case .constant(let k): return keep(k)
            case .node(let k):
                switch values[k] {
                case .whole(let known): return known
                case .tiles(let parts, let axis, let dtype, let quantization):
                    let joined = append(Node(op: .concat, dtype: dtype, inputs: parts, attributes: [Int32(axis)],
                                             quantization: quantization))
                    values[k] = .whole(joined)
                    return joined
                }
            }
        }

        func build() throws(MLError) -> Model {
            try Model(inputs: model.inputs, constants: constants, constantQuantization: constantQuantization, nodes: nodes)
        }
    }
}
