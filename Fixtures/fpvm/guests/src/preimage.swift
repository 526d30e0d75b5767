// Oracle guest (FPVM only; qemu has no oracle): the input is a 32-byte key; reads its preimage through
// fd 6 / fd 5, prints its length and a byte sum, and stores the sum in the output region.
@_cdecl("guest_main")
func guestMain() -> Int32 {
    let key = Guest.input
    guard key.count == 32 else { return 2 }
    let data = Guest.preimage(key: key)
    var sum: UInt32 = 0
    for (i, byte) in data.enumerated() { sum = sum &+ UInt32(byte) &* UInt32(i + 1) }
    print("preimage \(data.count) bytes, weighted sum \(sum)")
    let out = Guest.output
    for i in 0..<4 { out[i] = UInt8(truncatingIfNeeded: sum >> (8 * UInt32(i))) }
    return 0
}
