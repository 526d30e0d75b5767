// Differential guest: sorting, 64-bit arithmetic, string formatting, and the input.
@_cdecl("guest_main")
func guestMain() -> Int32 {
    let input = Guest.input
    var values: [UInt64] = [5, 3, 9, 1, 0x1_0000_0007, 0xffff_ffff_ffff_fff1]
    for byte in input { values.append(UInt64(byte) &* 0x1_0001_0001) }
    values.sort()
    var mix: UInt64 = 0
    for v in values { mix = mix &* 0x100_0000_01b3 ^ (v / 3) ^ (v % 7) }
    var signed: Int64 = -0x1234_5678_9abc
    signed = signed / 7 &+ signed % 11
    var seen = [Bool](repeating: false, count: 256)
    for byte in input { seen[Int(byte)] = true }
    let distinct = (0..<256).filter { seen[$0] }
    print("values \(values.count) mix \(mix) signed \(signed)")
    print("distinct \(distinct.count) first \(distinct.first ?? -1)")
    let words: [StaticString] = ["fpvm", "qemu", "swift", "risc-v"]
    var line = ""
    for (i, word) in words.enumerated() { line += (i == 0 ? "" : ",") + "\(word)" + String(word.utf8CodeUnitCount) }
    print(line)
    let out = Guest.output
    for i in 0..<8 { out[i] = UInt8(truncatingIfNeeded: mix >> (8 * UInt64(i))) }
    return Int32(truncatingIfNeeded: mix & 0x3f)
}
