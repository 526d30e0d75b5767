import CLGGUF
import CLLLM
import Testing

/// `SyntheticLlama` (the `tiny` preset) written to memory: the reader parses it back with the declared
/// tensors and metadata, the import and tokenizer accept it, and the decoder runs it with the same tokens on
/// one and two threads. (Tests/python/test_llm_synth.py checks its bytes against gguf-py and the rule.)
@Suite struct SyntheticModelTests {
    static func tinyBytes(seed: UInt64) throws -> [UInt8] {
        var bytes: [UInt8] = []
        let n = try SyntheticLlama.write(.tiny, seed: seed, chunkBytes: 1000) { bytes += $0 }
        #expect(n == bytes.count)
        return bytes
    }

    @Test func tinyParsesImportsAndDecodes() throws {
        let bytes = try Self.tinyBytes(seed: 5)
        let shape = SyntheticLlama.Shape.tiny
        try bytes.withUnsafeBytes { buffer in
            let file = try GGUFFile(parsing: buffer)
            #expect(file.tensors.map(\.name) == SyntheticLlama.tensors(shape).map(\.name))
            #expect(file.tensors.map(\.type) == SyntheticLlama.tensors(shape).map(\.type))
            #expect(file.tensors.map(\.shape) == SyntheticLlama.tensors(shape).map(\.shape))
            #expect(file.fileSize == file.tensors.last.map { $0.offset + $0.byteCount })
            let h = try LlamaHyperparameters(file)
            #expect([h.blockCount, h.width, h.feedForward, h.heads, h.kvHeads, h.vocabulary, h.contextLength]
                    == [2, 64, 128, 4, 2, 512, 128])
            let tokenizer = try BPETokenizer(gguf: file)
            #expect(tokenizer.encode("hi!", parseSpecial: false) == [104, 105, 33])
            let weights = try LlamaWeights(file, in: buffer)
            #expect(weights.output != nil)
            // Q4_0 values q − 8 with q in 1…15, one scale per tensor.
            let q = weights.layers[0].down
            #expect(Set(q.scales).count == 1)
            let quants = (0..<q.columns).map { q.quant(row: 0, column: $0) }
            #expect(quants.allSatisfy { (1...15).contains($0) })
            var runs: [[Int32]] = []
            for threads in [1, 2] {
                let decoder = try LlamaDecoder(weights, contextLength: 16, threads: threads)
                var logits = try decoder.prefill([104, 105])
                var ids: [Int32] = []
                for _ in 0..<4 {
                    let next = LlamaDecoder.greedy(logits)
                    ids.append(next)
                    logits = try decoder.step(next)
                }
                runs.append(ids)
            }
            #expect(runs[0] == runs[1])
        }
    }

    @Test func sameSeedSameBytes() throws {
        let a = try Self.tinyBytes(seed: 1), b = try Self.tinyBytes(seed: 1), c = try Self.tinyBytes(seed: 2)
        #expect(a == b)
        #expect(a != c && a.count == c.count)
    }
}
