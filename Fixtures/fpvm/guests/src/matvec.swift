// Compute-heavy guest (the benchmark workload): repeated int8 matrix-vector products with int32
// accumulation and shift-and-clamp requantization. Input: optional little-endian UInt32 round count.
let size = 64

@_cdecl("guest_main")
func guestMain() -> Int32 {
    let input = Guest.input
    var rounds = 4
    if input.count >= 4 {
        rounds = Int(input[0]) | Int(input[1]) << 8 | Int(input[2]) << 16 | Int(input[3]) << 24
    }
    let weights = UnsafeMutablePointer<Int8>.allocate(capacity: size * size)
    var seed: UInt32 = 12345
    for i in 0..<(size * size) {
        seed = seed &* 1_103_515_245 &+ 12345
        weights[i] = Int8(truncatingIfNeeded: seed >> 16)
    }
    var x = [Int8](repeating: 0, count: size)
    for i in 0..<size { x[i] = Int8(truncatingIfNeeded: i &* 37 &- 50) }
    var y = [Int32](repeating: 0, count: size)
    var checksum: UInt32 = 0
    for _ in 0..<rounds {
        for row in 0..<size {
            var acc: Int32 = 0
            let base = weights + row * size
            for col in 0..<size { acc &+= Int32(base[col]) &* Int32(x[col]) }
            y[row] = acc
        }
        for i in 0..<size {
            let q = y[i] >> 7
            x[i] = Int8(q < -128 ? -128 : (q > 127 ? 127 : q))
            checksum = checksum &* 31 &+ UInt32(bitPattern: y[i])
        }
    }
    print("matvec rounds \(rounds) checksum \(checksum)")
    return Int32(checksum & 0x7f)
}
