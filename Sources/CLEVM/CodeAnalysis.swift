import CLPrimitives

/// Bytecode prepared for the step loop: padded with zeros so PUSH immediates and the
/// final STOP never read past the end, and a bitmap of valid JUMPDEST positions.
final class AnalyzedCode {
    /// The code followed by 33 zero bytes (a PUSH32 at the end reads zeros, then STOP).
    let padded: UnsafeMutablePointer<UInt8>
    /// Length of the original code.
    let count: Int
    /// Bit i set when byte i is a JUMPDEST opcode (not inside PUSH data).
    let jumpdests: UnsafeMutablePointer<UInt64>
    private let wordCount: Int

    init(_ code: [UInt8]) {
        count = code.count
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: code.count + 33)
        buffer.initialize(repeating: 0, count: code.count + 33)
        code.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { buffer.update(from: base, count: code.count) }
        }
        padded = buffer
        wordCount = (code.count + 63) / 64 + 1
        jumpdests = .allocate(capacity: wordCount)
        jumpdests.initialize(repeating: 0, count: wordCount)
        var i = 0
        let bytes = UnsafePointer(buffer)
        let bitmap = jumpdests
        while i < count {
            let op = bytes[i]
            if op == 0x5b {
                bitmap[i >> 6] |= 1 << UInt64(i & 63)
            } else if op >= 0x60 && op <= 0x7f {
                i &+= Int(op) &- 0x5f
            }
            i &+= 1
        }
    }

    deinit {
        padded.deallocate()
        jumpdests.deallocate()
    }

    /// True when `destination` is a valid jump target.
    @inline(__always) func isJumpdest(_ destination: UInt256) -> Bool {
        guard let d = destination.uint64, d < UInt64(count) else { return false }
        return jumpdests[Int(d >> 6)] & (1 << (d & 63)) != 0
    }
}

/// Call-frame memory: a byte array that grows in 32-byte words, charged by the quadratic rule.
struct Memory {
    private(set) var base: UnsafeMutableRawPointer
    /// Bytes in use (always a multiple of 32).
    private(set) var size: Int
    private var capacity: Int

    init() {
        capacity = 1024
        base = .allocate(byteCount: capacity, alignment: 16)
        size = 0
    }

    func release() { base.deallocate() }

    /// Grows to at least `newSize` bytes (a multiple of 32), zero-filled.
    mutating func grow(to newSize: Int) {
        if newSize > capacity {
            var c = capacity * 2
            while c < newSize { c *= 2 }
            let fresh = UnsafeMutableRawPointer.allocate(byteCount: c, alignment: 16)
            fresh.copyMemory(from: base, byteCount: size)
            base.deallocate()
            base = fresh
            capacity = c
        }
        (base + size).initializeMemory(as: UInt8.self, repeating: 0, count: newSize - size)
        size = newSize
    }

    /// Reads a big-endian word at `offset` (already expanded).
    @inline(__always) func loadWord(_ offset: Int) -> UInt256 {
        let p = base + offset
        @inline(__always) func limb(_ at: Int) -> UInt64 {
            UInt64(bigEndian: (p + at).loadUnaligned(as: UInt64.self))
        }
        return UInt256(w0: limb(24), w1: limb(16), w2: limb(8), w3: limb(0))
    }

    /// Writes a big-endian word at `offset` (already expanded).
    @inline(__always) func storeWord(_ offset: Int, _ v: UInt256) {
        let p = base + offset
        p.storeBytes(of: v.w3.bigEndian, toByteOffset: 0, as: UInt64.self)
        p.storeBytes(of: v.w2.bigEndian, toByteOffset: 8, as: UInt64.self)
        p.storeBytes(of: v.w1.bigEndian, toByteOffset: 16, as: UInt64.self)
        p.storeBytes(of: v.w0.bigEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// Copies `count` bytes at `offset` into an array.
    func bytes(_ offset: Int, _ count: Int) -> [UInt8] {
        if count == 0 { return [] }
        return Array(UnsafeRawBufferPointer(start: base + offset, count: count))
    }

    /// Writes `count` bytes at `offset` from `source[sourceOffset...]`, zero-filling past its end.
    func write(_ offset: Int, _ count: Int, from source: UnsafeRawBufferPointer, at sourceOffset: UInt256) {
        if count == 0 { return }
        let dst = base + offset
        var copied = 0
        if let so = sourceOffset.int, so < source.count {
            copied = min(count, source.count - so)
            dst.copyMemory(from: source.baseAddress! + so, byteCount: copied)
        }
        if copied < count { (dst + copied).initializeMemory(as: UInt8.self, repeating: 0, count: count - copied) }
    }
}

/// Gas of `words` words of memory: 3w + w²/512.
@inline(__always) func memoryCost(words: Int) -> Int { 3 * words + words * words / 512 }

/// Number of 32-byte words covering `bytes` bytes.
@inline(__always) func wordCount(_ bytes: Int) -> Int { (bytes + 31) / 32 }

extension Address {
    /// The low 20 bytes of a stack word.
    @inline(__always) init(stackWord: UInt256) {
        self.init(truncating: stackWord.bytes32)
    }

    /// The address as a stack word.
    @inline(__always) var stackWord: UInt256 { UInt256(word) }

    /// The address whose low 8 bytes hold `value` (precompiles, tests).
    public init(low value: UInt64) {
        self.init(truncating: UInt256(value).bytes32)
    }
}
