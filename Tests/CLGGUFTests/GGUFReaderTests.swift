import CLGGUF
import Testing

/// The reader on small hand-built files: every value type, alignment, tensor geometry, and one
/// typed error for each way a file can be malformed.
@Suite struct GGUFReaderTests {
    @Test func readsEveryValueTypeAndTensorInfo() throws {
        let b = sampleFile()
        let f = try GGUFFile(parsing: b.bytes)
        #expect(f.version == 3)
        #expect(f.alignment == 64)
        #expect(f.dataOffset % 64 == 0)
        #expect(f.metadata.count == 17)
        #expect(f.value("t.u8") == .uint8(200))
        #expect(f.value("t.i16") == .int16(-300))
        #expect(f.value("t.i64") == .int64(-(1 << 40)))
        #expect(f.value("t.f32") == .float32(bits: 0x3FC0_0000))
        #expect(f.value("t.bool") == .bool(true))
        #expect(f.value("t.str")?.string == "héllo")
        #expect(f.value("t.strs") == .array(.string, [.string("a"), .string(""), .string("Ġt he")]))
        #expect(f.value("t.nested")?.elements?.count == 2)
        #expect(f.tensors.map(\.name) == ["norm", "embd", "w"])
        let embd = try #require(f.tensor("embd"))
        #expect(embd.type == .q8_0 && embd.shape == [32, 2] && embd.byteCount == 68)
        #expect(embd.offset == f.dataOffset + 64)
        #expect(f.tensor("w")?.byteCount == 40)
    }

    @Test func blockGeometryOfKnownTypes() {
        #expect(GGMLType.q4_K.blockSize == 256 && GGMLType.q4_K.typeSize == 144)
        #expect(GGMLType.q6_K.blockSize == 256 && GGMLType.q6_K.typeSize == 210)
        #expect(GGMLType.q8_0.typeSize == 34 && GGMLType.q4_0.typeSize == 18 && GGMLType.q4_1.typeSize == 20)
        #expect(GGMLType(rawValue: 4) == nil)
    }

    @Test func defaultAlignmentIs32() throws {
        var b = GGUFBuilder()
        b.header(tensors: 1, kvs: 0)
        b.tensorInfo("x", shape: [2], type: 1, offset: 0)
        b.pad(to: 32)
        b.bytes += [0, 0x3C, 0, 0xC0]
        let f = try GGUFFile(parsing: b.bytes)
        #expect(f.alignment == 32 && f.dataOffset == 64)
    }

    static func error(_ bytes: [UInt8]) -> GGUFError.Kind? {
        do { _ = try GGUFFile(parsing: bytes); return nil } catch { return error.kind }
    }

    @Test func rejectsBadMagicAndVersion() {
        var bytes = sampleFile().bytes
        bytes[0] = 0x46
        #expect(Self.error(bytes) == .badMagic)
        for v: UInt8 in [1, 4] {
            bytes = sampleFile().bytes
            bytes[4] = v
            #expect(Self.error(bytes) == .unsupportedVersion(UInt32(v)))
        }
        #expect(Self.error([0x47, 0x47]) == .truncated)
    }

    /// Cutting the file at every byte of the header and tensor infos, and inside the data, gives `.truncated`
    /// or `.tensorDataOutOfBounds`, never a crash; every field boundary is among the cuts.
    @Test func truncationAtEveryBoundaryIsTyped() {
        let b = sampleFile()
        let full = GGUFFile.magic.count + 1
        #expect(b.boundaries.count > full)
        for cut in 0..<b.bytes.count {
            let kind = Self.error(Array(b.bytes[0..<cut]))
            let ok = kind == .truncated || kind.map { if case .tensorDataOutOfBounds = $0 { true } else { false } } == true
            #expect(ok, "cut at \(cut): \(String(describing: kind))")
        }
    }

    @Test func rejectsUnknownTypesAndDuplicates() {
        var b = GGUFBuilder()
        b.header(tensors: 0, kvs: 1)
        b.string("k"); b.u32(13); b.u8(0)
        #expect(Self.error(b.bytes) == .unknownValueType(13))

        b = GGUFBuilder()
        b.header(tensors: 0, kvs: 2)
        b.kv("k", .uint8(1)); b.kv("k", .uint8(2))
        #expect(Self.error(b.bytes) == .duplicateKey("k"))

        b = GGUFBuilder()
        b.header(tensors: 1, kvs: 0)
        b.tensorInfo("x", shape: [32], type: 4, offset: 0)
        #expect(Self.error(b.bytes) == .unknownTensorType(4))

        b = GGUFBuilder()
        b.header(tensors: 2, kvs: 0)
        b.tensorInfo("x", shape: [1], type: 0, offset: 0)
        b.tensorInfo("x", shape: [1], type: 0, offset: 32)
        #expect(Self.error(b.bytes) == .duplicateTensorName("x"))

        b = GGUFBuilder()
        b.header(tensors: 0, kvs: 1)
        b.kv("b", .uint8(2)); b.bytes[b.bytes.count - 5] = 7
        #expect(Self.error(b.bytes) == .invalidBool(2))
    }

    @Test func rejectsInconsistentTensorData() {
        func file(_ infos: [(String, [UInt64], UInt32, UInt64)], data: Int, alignment: UInt32? = nil) -> [UInt8] {
            var b = GGUFBuilder()
            b.header(tensors: infos.count, kvs: alignment == nil ? 0 : 1)
            if let a = alignment { b.kv("general.alignment", .uint32(a)) }
            for i in infos { b.tensorInfo(i.0, shape: i.1, type: i.2, offset: i.3) }
            b.pad(to: 32)
            b.bytes += [UInt8](repeating: 0, count: data)
            return b.bytes
        }
        #expect(Self.error(file([("a", [16], 0, 16)], data: 128)) == .misalignedTensorData("a"))
        #expect(Self.error(file([("a", [16], 0, 0), ("b", [16], 0, 32)], data: 128)) == .overlappingTensorData("a", "b"))
        #expect(Self.error(file([("a", [64], 0, 0)], data: 255)) == .tensorDataOutOfBounds("a"))
        #expect(Self.error(file([("a", [16], 2, 0)], data: 64)) == .shapeNotBlockAligned("a"))
        #expect(Self.error(file([("a", [], 0, 0)], data: 64)) == .invalidShape("a"))
        #expect(Self.error(file([("a", [1, 1, 1, 1, 1], 0, 0)], data: 64)) == .invalidShape("a"))
        #expect(Self.error(file([("a", [0], 0, 0)], data: 64)) == .invalidShape("a"))
        #expect(Self.error(file([("a", [1 << 40, 1 << 40], 0, 0)], data: 64)) == .invalidShape("a"))
        #expect(Self.error(file([("a", [1], 0, UInt64.max - 31)], data: 64)) == .tensorDataOutOfBounds("a"))
        #expect(Self.error(file([("a", [UInt64(Int.max)], 24, 0)], data: 64)) == .tensorDataOutOfBounds("a"))
        #expect(Self.error(file([("a", [UInt64(Int.max / 2)], 24, 32)], data: 64)) == .tensorDataOutOfBounds("a"))
        #expect(Self.error(file([], data: 0, alignment: 48)) == .invalidAlignment)
        #expect(Self.error(file([], data: 0, alignment: 0)) == .invalidAlignment)
    }

    @Test func hugeCountsAndLengthsAreTruncatedNotAllocated() {
        var b = GGUFBuilder()
        b.header(tensors: 0, kvs: 1)
        b.string("k"); b.u32(GGUFValueType.array.rawValue); b.u32(GGUFValueType.uint64.rawValue); b.u64(UInt64.max / 4)
        #expect(Self.error(b.bytes) == .truncated)
        b = GGUFBuilder()
        b.header(tensors: Int.max, kvs: 0)
        #expect(Self.error(b.bytes) == .truncated)
        b = GGUFBuilder()
        b.header(tensors: 0, kvs: 1)
        b.u64(UInt64.max)
        #expect(Self.error(b.bytes) == .truncated)
    }

    @Test func deepNestingIsRejected() {
        var b = GGUFBuilder()
        b.header(tensors: 0, kvs: 1)
        b.string("k"); b.u32(9)
        for _ in 0..<10 { b.u32(9); b.u64(1) }
        #expect(Self.error(b.bytes) == .nestingTooDeep)
    }

    /// Seeded random corruption of 1 to 4 bytes anywhere in the file: the reader either accepts the file
    /// or throws a `GGUFError`; it never traps (a trap would end the test process).
    @Test func randomCorruptionNeverCrashes() {
        let clean = sampleFile().bytes
        var rng = SplitMix64(state: 14)
        var rejected = 0
        for _ in 0..<5000 {
            var bytes = clean
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            if Self.error(bytes) != nil { rejected += 1 }
        }
        #expect(rejected > 0)
    }
}
