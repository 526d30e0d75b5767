#if !CHAINLEARN_GUEST
import CLPrimitives  // the guest build compiles Keccak256.swift and Bytes32.swift into its own module
#endif

/// The binary model format (docs/PROTOCOL.md, "ML model format").
///
/// A file is a descriptor followed by a data section. The descriptor holds the header, the graph
/// inputs, the constants (each by the Keccak-256 of its tensor encoding, with its quantisation) and
/// the nodes; its own Keccak-256 is the model hash. The data section holds each constant's tensor
/// encoding, length-prefixed, in order, so a preimage oracle can serve every piece by its hash.
public enum ModelFormat {
    /// `CLML` as bytes.
    public static let magic: [UInt8] = [0x43, 0x4C, 0x4D, 0x4C]
    /// The version this engine reads and writes.
    public static let version: UInt16 = 1
    /// The most graph inputs, constants or nodes a model may declare.
    public static let maxCount = 1 << 16
    /// The most attributes one node may carry.
    public static let maxAttributes = 64

    /// A decoded descriptor: the graph with constants still referred to by hash.
    public struct Descriptor: Sendable {
        /// The graph inputs.
        public var inputs: [ValueInfo]
        /// The Keccak-256 of each constant's tensor encoding.
        public var constantHashes: [Bytes32]
        /// The constants' quantisation parameters.
        public var constantQuantization: [Quantization]
        /// The nodes.
        public var nodes: [Node]
    }

    /// Encodes a model: descriptor, then data section.
    public static func encode(_ model: Model) -> [UInt8] {
        var writer = ByteWriter()
        let blobs = model.constants.map { TensorCoding.encode($0) }
        writer.append(encodeDescriptor(model, blobs: blobs))
        for blob in blobs {
            writer.u32(UInt32(truncatingIfNeeded: blob.count))
            writer.append(blob)
        }
        return writer.bytes
    }

    /// The descriptor bytes of a model (whose Keccak-256 is the model hash).
    public static func encodeDescriptor(_ model: Model, blobs: [[UInt8]]? = nil) -> [UInt8] {
        var writer = ByteWriter()
        writer.append(magic)
        writer.u16(version)
        writer.u16(0)
        writer.u32(UInt32(truncatingIfNeeded: model.inputs.count))
        writer.u32(UInt32(truncatingIfNeeded: model.constants.count))
        writer.u32(UInt32(truncatingIfNeeded: model.nodes.count))
        for input in model.inputs {
            writer.u8(input.dtype.rawValue)
            writer.u8(UInt8(truncatingIfNeeded: input.shape.count))
            writer.u16(0)
            for dimension in input.shape { writer.u32(UInt32(truncatingIfNeeded: dimension)) }
            writeQuantization(input.quantization, &writer)
        }
        for index in 0..<model.constants.count {
            let blob = blobs?[index] ?? TensorCoding.encode(model.constants[index])
            writer.append(Keccak256.hash(blob).bytes)
            writeQuantization(model.constantQuantization[index], &writer)
        }
        for node in model.nodes {
            writer.u16(node.op.rawValue)
            writer.u8(node.dtype.rawValue)
            writer.u8(UInt8(truncatingIfNeeded: node.inputs.count))
            writer.u16(UInt16(truncatingIfNeeded: node.attributes.count))
            writer.u16(0)
            for reference in node.inputs { writer.u32(reference.encoded) }
            for attribute in node.attributes { writer.i32(attribute) }
            writeQuantization(node.quantization, &writer)
        }
        return writer.bytes
    }

    /// The model hash: Keccak-256 of the descriptor.
    public static func modelHash(_ model: Model) -> Bytes32 {
        Keccak256.hash(encodeDescriptor(model))
    }

    /// Decodes a descriptor at the reader's position.
    public static func decodeDescriptor(_ reader: inout ByteReader) throws(MLError) -> Descriptor {
        let (inputs, constantCount, nodeCount) = try decodeHeader(&reader)
        var hashes: [Bytes32] = []
        var constantQuantization: [Quantization] = []
        hashes.reserveCapacity(constantCount)
        constantQuantization.reserveCapacity(constantCount)
        for _ in 0..<constantCount {
            hashes.append(try reader.bytes32())
            constantQuantization.append(try readQuantization(&reader))
        }
        var nodes: [Node] = []
        nodes.reserveCapacity(nodeCount)
        for _ in 0..<nodeCount { nodes.append(try decodeNode(&reader, position: nodes.count)) }
        return Descriptor(inputs: inputs, constantHashes: hashes, constantQuantization: constantQuantization, nodes: nodes)
    }

    /// What node mode needs of a descriptor to run node `index` (docs/PROTOCOL.md, "Node mode"): the graph
    /// inputs, the constants' quantisation, the element types of the nodes before it and node `index` itself,
    /// with every field up to the end of node `index` checked as `decodeDescriptor` checks it and nothing after.
    public struct NodeView: Sendable {
        /// The graph inputs.
        public var inputs: [ValueInfo]
        /// The constants' quantisation parameters (one per constant).
        public var constantQuantization: [Quantization]
        /// The number of nodes the descriptor declares.
        public var nodeCount: Int
        /// The element types of nodes `0 ..< index`.
        public var nodeTypes: [DType]
        /// Node `index`, or nil when the descriptor has no such node.
        public var node: Node?
    }

    /// Decodes the descriptor at the reader's position as far as node `index` (skipping the constant hashes
    /// and the operands and attributes of the nodes before it).
    public static func decodeNodeView(_ reader: inout ByteReader, node index: Int) throws(MLError) -> NodeView {
        let (inputs, constantCount, nodeCount) = try decodeHeader(&reader)
        var constantQuantization: [Quantization] = []
        constantQuantization.reserveCapacity(constantCount)
        for _ in 0..<constantCount {
            try reader.skip(32)
            constantQuantization.append(try readQuantization(&reader))
        }
        var view = NodeView(inputs: inputs, constantQuantization: constantQuantization, nodeCount: nodeCount, nodeTypes: [], node: nil)
        if index < 0 || index >= nodeCount { return view }
        view.nodeTypes.reserveCapacity(index)
        for position in 0..<index {
            let start = reader.offset
            let (_, dtype, operandCount, attributeCount) = try decodeNodeHead(&reader, position: position, start: start)
            try reader.skip(4 * operandCount + 4 * attributeCount + 12)
            view.nodeTypes.append(dtype)
        }
        view.node = try decodeNode(&reader, position: index)
        return view
    }

    /// The header and graph inputs: (inputs, constant count, node count).
    static func decodeHeader(_ reader: inout ByteReader) throws(MLError) -> ([ValueInfo], Int, Int) {
        if try reader.take(4) != magic { throw MLError.badMagic }
        let fileVersion = try reader.u16()
        if fileVersion != version { throw MLError.unsupportedVersion(fileVersion) }
        if try reader.u16() != 0 { throw MLError.reservedNotZero(offset: reader.offset - 2) }
        let inputCount = Int(try reader.u32())
        let constantCount = Int(try reader.u32())
        let nodeCount = Int(try reader.u32())
        if inputCount > maxCount || constantCount > maxCount || nodeCount > maxCount {
            throw MLError.tensorTooLarge(elements: max(inputCount, constantCount, nodeCount))
        }
        var inputs: [ValueInfo] = []
        for _ in 0..<inputCount {
            let start = reader.offset
            let code = try reader.u8()
            guard let dtype = DType(rawValue: code) else { throw MLError.unknownDType(code) }
            let rank = Int(try reader.u8())
            if try reader.u16() != 0 { throw MLError.reservedNotZero(offset: start + 2) }
            if rank == 0 || rank > TensorCoding.maxRank { throw MLError.badShape(offset: start) }
            var shape: [Int] = []
            var elements = 1
            for _ in 0..<rank {
                let dimension = Int(try reader.u32())
                if dimension == 0 || dimension > TensorCoding.maxElements { throw MLError.badShape(offset: start) }
                elements *= dimension
                if elements > TensorCoding.maxElements { throw MLError.tensorTooLarge(elements: elements) }
                shape.append(dimension)
            }
            inputs.append(ValueInfo(dtype: dtype, shape: shape, quantization: try readQuantization(&reader)))
        }
        return (inputs, constantCount, nodeCount)
    }

    /// A node record's first 8 bytes: operator, element type, operand count, attribute count (checked).
    static func decodeNodeHead(_ reader: inout ByteReader, position: Int, start: Int) throws(MLError) -> (Operator, DType, Int, Int) {
        let opCode = try reader.u16()
        guard let op = Operator(rawValue: opCode) else { throw MLError.unknownOperator(opCode) }
        let typeCode = try reader.u8()
        guard let dtype = DType(rawValue: typeCode) else { throw MLError.unknownDType(typeCode) }
        let operandCount = Int(try reader.u8())
        let attributeCount = Int(try reader.u16())
        if try reader.u16() != 0 { throw MLError.reservedNotZero(offset: start + 6) }
        if attributeCount > maxAttributes {
            throw MLError.wrongAttributeCount(node: position, expected: maxAttributes, actual: attributeCount)
        }
        return (op, dtype, operandCount, attributeCount)
    }

    /// One node record.
    static func decodeNode(_ reader: inout ByteReader, position: Int) throws(MLError) -> Node {
        let start = reader.offset
        let (op, dtype, operandCount, attributeCount) = try decodeNodeHead(&reader, position: position, start: start)
        var operands: [ValueReference] = []
        operands.reserveCapacity(operandCount)
        for operand in 0..<operandCount {
            guard let reference = ValueReference(encoded: try reader.u32()) else {
                throw MLError.badReference(node: position, input: operand)
            }
            operands.append(reference)
        }
        var attributes: [Int32] = []
        attributes.reserveCapacity(attributeCount)
        for _ in 0..<attributeCount { attributes.append(try reader.i32()) }
        let quantization = try readQuantization(&reader)
        return Node(op: op, dtype: dtype, inputs: operands, attributes: attributes, quantization: quantization)
    }

    /// Decodes a whole model file, checking every constant against its hash and validating the graph.
    public static func decode(_ bytes: [UInt8]) throws(MLError) -> Model {
        var reader = ByteReader(bytes)
        let descriptor = try decodeDescriptor(&reader)
        var constants: [Tensor] = []
        for index in 0..<descriptor.constantHashes.count {
            let length = Int(try reader.u32())
            try reader.require(length)
            let start = reader.offset
            let blob = Array(bytes[start..<(start + length)])
            if Keccak256.hash(blob) != descriptor.constantHashes[index] { throw MLError.hashMismatch(constant: index) }
            var blobReader = ByteReader(blob)
            let tensor = try TensorCoding.decode(&blobReader)
            if blobReader.remaining != 0 { throw MLError.trailingBytes(count: blobReader.remaining) }
            constants.append(tensor)
            try reader.skip(length)
        }
        if reader.remaining != 0 { throw MLError.trailingBytes(count: reader.remaining) }
        return try Model(
            inputs: descriptor.inputs, constants: constants,
            constantQuantization: descriptor.constantQuantization, nodes: descriptor.nodes)
    }

    /// The commitment to a tensor: Keccak-256 of its encoding.
    public static func commitment(_ tensor: Tensor) -> Bytes32 {
        Keccak256.hash(TensorCoding.encode(tensor))
    }

    static func writeQuantization(_ quantization: Quantization, _ writer: inout ByteWriter) {
        writer.i32(quantization.scaleMantissa)
        writer.i32(quantization.scaleExponent)
        writer.i32(quantization.zeroPoint)
    }

    static func readQuantization(_ reader: inout ByteReader) throws(MLError) -> Quantization {
        let mantissa = try reader.i32()
        let exponent = try reader.i32()
        let zeroPoint = try reader.i32()
        return Quantization(scaleMantissa: mantissa, scaleExponent: exponent, zeroPoint: zeroPoint)
    }
}
