// stepmix: an Embedded Swift guest for the FPVM that exercises every instruction class — a sieve
// (byte loads and stores), an insertion sort (word loads/stores, branches), multiply/divide checksums
// (M extension), and the preimage oracle (key write on fd 6, reads on fd 5) — then writes a
// 32-byte result to the output area and a line to stdout, and exits 0.

@_extern(c, "cl_syscall")
func clSyscall(_ a0: UInt32, _ a1: UInt32, _ a2: UInt32, _ number: UInt32) -> UInt32

/// Sieve of Eratosthenes over `limit` bytes of `flags`; returns the number of primes below `limit`.
func countPrimes(_ flags: UnsafeMutablePointer<UInt8>, limit: Int) -> UInt32 {
    for i in 0..<limit { flags[i] = 1 }
    flags[0] = 0
    flags[1] = 0
    var i = 2
    while i * i < limit {
        if flags[i] != 0 {
            var j = i * i
            while j < limit {
                flags[j] = 0
                j += i
            }
        }
        i += 1
    }
    var count: UInt32 = 0
    for k in 0..<limit where flags[k] != 0 { count &+= 1 }
    return count
}

/// Fills `values` with a linear congruential sequence and sorts it by insertion; returns a checksum.
func sortChecksum(_ values: UnsafeMutablePointer<UInt32>, count: Int, seed: UInt32) -> UInt32 {
    var x = seed
    for i in 0..<count {
        x = x &* 1_664_525 &+ 1_013_904_223
        values[i] = x
    }
    for i in 1..<count {
        let v = values[i]
        var j = i
        while j > 0 && values[j - 1] > v {
            values[j] = values[j - 1]
            j -= 1
        }
        values[j] = v
    }
    var sum: UInt32 = 0
    for i in 0..<count { sum = sum &* 31 &+ values[i] }
    return sum
}

/// Signed and unsigned multiply/divide/remainder mixed into one word.
func arithmeticChecksum(rounds: Int) -> UInt32 {
    var acc: UInt32 = 0x1234_5678
    var signed: Int32 = -7
    for i in 1...rounds {
        let d = UInt32(i) | 1
        acc = acc &* 2_654_435_761 &+ acc / d &+ acc % d
        signed = signed &* 3 &- Int32(truncatingIfNeeded: acc) / Int32(i) &+ Int32(truncatingIfNeeded: acc) % 97
        let wide = UInt64(acc) &* UInt64(d)
        acc ^= UInt32(truncatingIfNeeded: wide >> 32) ^ UInt32(bitPattern: signed)
    }
    return acc
}

/// Reads the preimage whose key is the 32 bytes at `key` into `buffer`; returns its length and a checksum.
func readPreimage(key: UnsafeMutablePointer<UInt8>, into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) -> (UInt32, UInt32) {
    _ = clSyscall(6, UInt32(UInt(bitPattern: key)), 32, 64)
    var header: (UInt32, UInt32) = (0, 0)
    var got: UInt32 = 0
    withUnsafeMutableBytes(of: &header) { raw in
        let base = UInt32(UInt(bitPattern: raw.baseAddress!))
        while got < 8 { got &+= clSyscall(5, base &+ got, 8 &- got, 63) }
    }
    // The length prefix is big-endian; the guest is little-endian.
    let length = Int(UInt32(bigEndian: header.1))
    var read = 0
    while read < length && read < capacity {
        let n = clSyscall(5, UInt32(UInt(bitPattern: buffer + read)), UInt32(min(capacity, length) - read), 63)
        if n == 0 { break }
        read += Int(n)
    }
    var sum: UInt32 = 0
    for i in 0..<read { sum = (sum << 5 | sum >> 27) ^ UInt32(buffer[i]) }
    return (UInt32(read), sum)
}

@_cdecl("guest_main")
public func guestMain(_ input: UnsafeMutablePointer<UInt8>, _ inputLength: UInt32,
                      _ output: UnsafeMutablePointer<UInt32>, _ scratch: UnsafeMutablePointer<UInt32>) -> UInt32 {
    let bytes = UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: UInt8.self)
    let primes = countPrimes(bytes, limit: 6000)
    let sorted = sortChecksum(scratch, count: 160, seed: inputLength)
    let arithmetic = arithmeticChecksum(rounds: 600)
    var preimageLength: UInt32 = 0
    var preimageSum: UInt32 = 0
    if inputLength >= 32 {
        (preimageLength, preimageSum) = readPreimage(key: input, into: bytes + 8192, capacity: 4096)
    }
    output[0] = primes
    output[1] = sorted
    output[2] = arithmetic
    output[3] = preimageLength
    output[4] = preimageSum
    let message: StaticString = "stepmix done\n"
    _ = clSyscall(1, UInt32(UInt(bitPattern: message.utf8Start)), UInt32(message.utf8CodeUnitCount), 64)
    return 0
}
