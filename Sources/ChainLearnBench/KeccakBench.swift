import ArgumentParser
import CLPrimitives
import COpenSSL

/// `chainlearn-bench keccak`: the Swift Keccak-256 against OpenSSL's SHA3-256 on the same buffers.
///
/// SHA3-256 runs the same Keccak-f[1600] permutation with the same 136-byte rate (only the padding
/// byte differs), so the throughput ratio compares the two permutation implementations. OpenSSL is
/// driven through one reused `EVP_MD_CTX` (init, update, final), its fastest path for short inputs.
struct KeccakBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keccak",
        abstract: "Keccak-256 (Swift) vs OpenSSL SHA3-256: 1 MiB buffers (MB/s) and 64-byte inputs (hashes/s)."
    )

    @Option(help: "Interleaved Swift/OpenSSL measurement pairs per input size; medians are reported.")
    var pairs = 40
    @Option(help: "Approximate seconds per single measurement.") var seconds = 0.05

    func run() throws {
        let openSSL = try OpenSSLSHA3()
        let big = pseudoRandomBytes(count: 1 << 20, seed: 1)
        let small = pseudoRandomBytes(count: 64 * 4096, seed: 2)  // 4096 distinct 64-byte inputs
        try checkSamePermutation(openSSL)

        print("Keccak-256 (Swift, CLPrimitives) vs SHA3-256 (OpenSSL \(openSSLVersion())), "
              + "median of \(pairs) interleaved pairs of \(format(seconds * 1000, digits: 0)) ms")
        var bigSwift = [Throughput](), bigOpenSSL = [Throughput](), smallSwift = [Throughput]()
        var smallOpenSSL = [Throughput]()
        // Short alternating slices, so changes in machine load affect both sides alike; the ratio
        // is the median of the per-pair ratios.
        for _ in 0..<pairs {
            bigSwift.append(throughput(bytesPerCall: big.count, seconds: seconds) { sink in
                big.withUnsafeBytes { sink ^= Keccak256.hash($0)[0] }
            })
            bigOpenSSL.append(throughput(bytesPerCall: big.count, seconds: seconds) { sink in
                big.withUnsafeBytes { sink ^= openSSL.hash($0)[0] }
            })
            smallSwift.append(throughput(bytesPerCall: 64, seconds: seconds, callsPerBatch: 4096) { sink in
                small.withUnsafeBytes { all in
                    for offset in stride(from: 0, to: all.count, by: 64) {
                        sink ^= Keccak256.hash(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + 64)]))[0]
                    }
                }
            })
            smallOpenSSL.append(throughput(bytesPerCall: 64, seconds: seconds, callsPerBatch: 4096) { sink in
                small.withUnsafeBytes { all in
                    for offset in stride(from: 0, to: all.count, by: 64) {
                        sink ^= openSSL.hash(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + 64)]))[0]
                    }
                }
            })
        }
        let bigRatio = medianRatio(bigSwift, bigOpenSSL), smallRatio = medianRatio(smallSwift, smallOpenSSL)
        print("| input | Swift Keccak-256 | OpenSSL SHA3-256 | ratio |")
        print("|---|---|---|---|")
        print("| 1 MiB buffer | \(format(median(bigSwift).bytesPerSecond / 1e6)) MB/s | "
              + "\(format(median(bigOpenSSL).bytesPerSecond / 1e6)) MB/s | \(format(bigRatio, digits: 2)) |")
        print("| 64 bytes | \(format(median(smallSwift).callsPerSecond / 1e6, digits: 2)) M hashes/s | "
              + "\(format(median(smallOpenSSL).callsPerSecond / 1e6, digits: 2)) M hashes/s | "
              + "\(format(smallRatio, digits: 2)) |")
    }

    /// Refuses to measure unless both sides give their published digests of the empty input.
    private func checkSamePermutation(_ openSSL: OpenSSLSHA3) throws {
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        let sha3Empty = "0xa7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
        let keccakEmpty = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        guard openSSL.hash(empty).hex == sha3Empty, Keccak256.hash(empty).hex == keccakEmpty else {
            throw ValidationError("a digest of the empty input is wrong; refusing to benchmark")
        }
    }
}

/// One timing result.
struct Throughput: Comparable {
    /// Input bytes hashed per second.
    var bytesPerSecond: Double
    /// Hash calls per second.
    var callsPerSecond: Double

    static func < (lhs: Throughput, rhs: Throughput) -> Bool { lhs.bytesPerSecond < rhs.bytesPerSecond }
}

/// Runs `batch` (which makes `callsPerBatch` hash calls of `bytesPerCall` bytes) repeatedly for about
/// `seconds`, after one warm-up batch, and returns the rate.
func throughput(bytesPerCall: Int, seconds: Double, callsPerBatch: Int = 1,
                _ batch: (inout UInt8) -> Void) -> Throughput {
    var sink: UInt8 = 0
    batch(&sink)
    let clock = ContinuousClock()
    let budget = Duration.nanoseconds(Int64(seconds * 1e9))
    let start = clock.now
    var batches = 0
    repeat {
        batch(&sink)
        batches += 1
    } while clock.now - start < budget
    let elapsed = clock.now - start
    blackHole(sink)
    let secondsTaken = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let calls = Double(batches * callsPerBatch)
    return Throughput(bytesPerSecond: calls * Double(bytesPerCall) / secondsTaken, callsPerSecond: calls / secondsTaken)
}

/// Keeps a value alive so the optimiser cannot drop the work that produced it.
@inline(never)
func blackHole(_ value: UInt8) {
    if value == 0x5A && CommandLine.arguments.count > 1_000 { print(value) }
}

/// The median of the per-repetition ratios swift / reference.
func medianRatio(_ swift: [Throughput], _ reference: [Throughput]) -> Double {
    let ratios = zip(swift, reference).map { $0.bytesPerSecond / $1.bytesPerSecond }.sorted()
    return ratios[ratios.count / 2]
}

/// The middle element of the sorted results.
func median(_ values: [Throughput]) -> Throughput {
    values.sorted()[values.count / 2]
}

/// `count` bytes from a fixed-seed SplitMix64 stream.
func pseudoRandomBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    var out = [UInt8]()
    out.reserveCapacity(count)
    while out.count < count {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        withUnsafeBytes(of: z) { out.append(contentsOf: $0.prefix(count - out.count)) }
    }
    return out
}

/// The OpenSSL version string (e.g. "3.0.19").
func openSSLVersion() -> String {
    String(cString: OpenSSL_version(OPENSSL_VERSION_STRING))
}

/// OpenSSL SHA3-256 through one reused digest context.
final class OpenSSLSHA3 {
    private let method: OpaquePointer
    private let context: OpaquePointer

    init() throws {
        guard let method = EVP_MD_fetch(nil, "SHA3-256", nil), let context = EVP_MD_CTX_new() else {
            throw ValidationError("OpenSSL offers no SHA3-256")
        }
        self.method = method
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(context)
        EVP_MD_free(method)
    }

    /// SHA3-256 of `input`.
    func hash(_ input: UnsafeRawBufferPointer) -> Bytes32 {
        var digest = Bytes32.zero
        var length: UInt32 = 0
        let ok = digest.withUnsafeMutableBytes { out -> Bool in
            EVP_DigestInit_ex2(context, method, nil) == 1
                && EVP_DigestUpdate(context, input.baseAddress, input.count) == 1
                && EVP_DigestFinal_ex(context, out.baseAddress!.assumingMemoryBound(to: UInt8.self), &length) == 1
        }
        precondition(ok && length == 32, "OpenSSL SHA3-256 failed")
        return digest
    }
}
