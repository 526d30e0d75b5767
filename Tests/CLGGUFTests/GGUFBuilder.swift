import CLGGUF

/// Builds small GGUF files in tests, recording the offset of every field boundary so tests can
/// truncate the file at each one.
struct GGUFBuilder {
    var bytes: [UInt8] = []
    /// Offsets at which a header field starts (every place a reader must check the length).
    var boundaries: [Int] = []

    mutating func mark() { boundaries.append(bytes.count) }
    mutating func u8(_ v: UInt8) { mark(); bytes.append(v) }
    mutating func u16(_ v: UInt16) { mark(); for i in 0..<2 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    mutating func u32(_ v: UInt32) { mark(); for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    mutating func u64(_ v: UInt64) { mark(); for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    mutating func string(_ s: String) { u64(UInt64(s.utf8.count)); mark(); bytes += Array(s.utf8) }

    mutating func header(version: UInt32 = 3, tensors: Int, kvs: Int) {
        mark(); bytes += GGUFFile.magic
        u32(version); u64(UInt64(tensors)); u64(UInt64(kvs))
    }

    mutating func kv(_ key: String, _ value: GGUFValue) {
        string(key); u32(value.type.rawValue); write(value)
    }

    mutating func write(_ value: GGUFValue) {
        switch value {
        case .uint8(let v): u8(v)
        case .int8(let v): u8(UInt8(bitPattern: v))
        case .uint16(let v): u16(v)
        case .int16(let v): u16(UInt16(bitPattern: v))
        case .uint32(let v): u32(v)
        case .int32(let v): u32(UInt32(bitPattern: v))
        case .float32(let b): u32(b)
        case .bool(let b): u8(b ? 1 : 0)
        case .string(let s): string(s)
        case .array(let t, let items): u32(t.rawValue); u64(UInt64(items.count)); items.forEach { write($0) }
        case .uint64(let v): u64(v)
        case .int64(let v): u64(UInt64(bitPattern: v))
        case .float64(let b): u64(b)
        }
    }

    mutating func tensorInfo(_ name: String, shape: [UInt64], type: UInt32, offset: UInt64) {
        string(name); u32(UInt32(shape.count)); shape.forEach { u64($0) }; u32(type); u64(offset)
    }

    mutating func pad(to alignment: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }
}

/// A deterministic generator for corruption tests (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A small but complete file: every value type, nested arrays, custom alignment, three tensor types.
func sampleFile(alignment: UInt32 = 64) -> GGUFBuilder {
    var b = GGUFBuilder()
    let kvs: [(String, GGUFValue)] = [
        ("general.architecture", .string("llama")),
        ("general.alignment", .uint32(alignment)),
        ("t.u8", .uint8(200)), ("t.i8", .int8(-5)), ("t.u16", .uint16(65000)), ("t.i16", .int16(-300)),
        ("t.u32", .uint32(4_000_000_000)), ("t.i32", .int32(-7)), ("t.f32", .float32(bits: 0x3FC0_0000)),
        ("t.bool", .bool(true)), ("t.u64", .uint64(1 << 40)), ("t.i64", .int64(-(1 << 40))),
        ("t.f64", .float64(bits: 0x3FF8_0000_0000_0000)), ("t.str", .string("héllo")),
        ("t.arr", .array(.int32, [.int32(1), .int32(-2), .int32(3)])),
        ("t.strs", .array(.string, [.string("a"), .string(""), .string("Ġt he")])),
        ("t.nested", .array(.array, [.array(.uint8, [.uint8(1)]), .array(.uint8, [])])),
    ]
    b.header(tensors: 3, kvs: kvs.count)
    for (k, v) in kvs { b.kv(k, v) }
    b.tensorInfo("norm", shape: [8], type: 0, offset: 0)                      // 32 bytes
    b.tensorInfo("embd", shape: [32, 2], type: 8, offset: 64)                 // 2 blocks · 34 = 68 bytes
    b.tensorInfo("w", shape: [64, 1], type: 3, offset: 192)                   // 2 blocks · 20 = 40 bytes
    b.pad(to: Int(alignment))
    let data = b.bytes.count
    b.bytes += [UInt8](repeating: 0, count: 232)
    // norm: 1.5 as binary32 in each slot.
    for i in 0..<8 { b.bytes.replaceSubrange(data + 4 * i..<data + 4 * i + 4, with: [0, 0, 0xC0, 0x3F]) }
    // embd block 0: d = 0.5 (0x3800), q[i] = i - 16.
    b.bytes.replaceSubrange(data + 64..<data + 66, with: [0x00, 0x38])
    for i in 0..<32 { b.bytes[data + 66 + i] = UInt8(bitPattern: Int8(i - 16)) }
    // w block 0: d = 2 (0x4000), m = -1 (0xBC00), byte j = (j) | (15 - j) << 4.
    b.bytes.replaceSubrange(data + 192..<data + 196, with: [0x00, 0x40, 0x00, 0xBC])
    for j in 0..<16 { b.bytes[data + 196 + j] = UInt8(j) | UInt8(15 - j) << 4 }
    return b
}
