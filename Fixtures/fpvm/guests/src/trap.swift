// Trap guest: indexes past the end of an array when the input has 3 or more bytes. Swift traps with
// the `unimp` instruction: the FPVM halts with fault 1 (illegal instruction), qemu dies with SIGILL.
@_cdecl("guest_main")
func guestMain() -> Int32 {
    let values: [Int32] = [10, 20, 30]
    return values[Guest.input.count]
}
