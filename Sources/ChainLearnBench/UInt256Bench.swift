import ArgumentParser
import CLPrimitives
import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `chainlearn-bench uint256`: operations per second of `UInt256`'s multiplication, division, MULMOD and
/// EXP on fixed pseudo-random operands, side by side with OpenSSL's BIGNUM doing the same arithmetic
/// (products and powers truncated modulo 2^256, as the EVM defines them).
struct UInt256Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uint256",
        abstract: "UInt256 mul, div, mulmod and exp against OpenSSL BIGNUM (ops/s and ratio)."
    )

    @Option(help: "Seconds each measurement runs (the best of three runs is kept).")
    var seconds: Double = 0.25

    @Option(help: "Number of distinct operand sets cycled through.")
    var operands: Int = 256

    func run() throws {
        var rng = BenchRandom(seed: 0x5EED_0256)
        let sets = (0..<operands).map { _ in OperandSet(&rng) }
        let openssl = try OpenSSLOperands(sets)
        defer { openssl.free() }

        print("UInt256 vs OpenSSL BIGNUM, \(operands) fixed pseudo-random operand sets, best of 3 × \(seconds) s of thread CPU time")
        print(pad("operation", 34) + pad("UInt256 op/s", 16) + pad("OpenSSL op/s", 16) + "ratio")
        var allAgree = true
        for workload in UInt256Workload.allCases {
            let agrees = sets.indices.allSatisfy { i in
                workload.swiftResult(sets[i]) == openssl.result(workload, i)
            }
            allAgree = allAgree && agrees
            let swiftRate = measure(seconds: seconds) {
                uint256BenchSink = uint256BenchSink ^ workload.swiftBatch(sets)
                return sets.count
            }
            let referenceRate = measure(seconds: seconds) {
                for i in sets.indices { openssl.compute(workload, i) }
                return sets.count
            }
            print(pad(workload.label, 34) + pad(formatRate(swiftRate), 16) + pad(formatRate(referenceRate), 16)
                  + format(swiftRate / referenceRate, digits: 2) + "x" + (agrees ? "" : "  RESULTS DIFFER"))
        }
        print(allAgree ? "results agree with OpenSSL on every operand set" : "RESULTS DIFFER FROM OPENSSL")
        if !allAgree { throw ExitCode.failure }
    }
}

/// The measured operations.
enum UInt256Workload: Int, CaseIterable {
    case mul, div64, div128, div192, div256, mulmod, expSmall, expFull

    var label: String {
        switch self {
        case .mul: return "mul (mod 2^256)"
        case .div64: return "div 256-bit / 64-bit"
        case .div128: return "div 256-bit / 128-bit"
        case .div192: return "div 256-bit / 192-bit"
        case .div256: return "div 256-bit / 256-bit"
        case .mulmod: return "mulmod, 256-bit modulus"
        case .expSmall: return "exp, 8-bit exponent"
        case .expFull: return "exp, 256-bit exponent"
        }
    }

    /// The operands in `set` this workload uses: (a, b, modulus or nil).
    func operands(_ set: OperandSet) -> (UInt256, UInt256, UInt256?) {
        switch self {
        case .mul: return (set.a, set.b, nil)
        case .div64: return (set.a, set.divisor64, nil)
        case .div128: return (set.a, set.divisor128, nil)
        case .div192: return (set.a, set.divisor192, nil)
        case .div256: return (set.a, set.b, nil)
        case .mulmod: return (set.a, set.b, set.modulus)
        case .expSmall: return (set.a, set.smallExponent, nil)
        case .expFull: return (set.a, set.b, nil)
        }
    }

    /// The XOR of the results over all `sets`, the operation chosen once outside the loop.
    func swiftBatch(_ sets: [OperandSet]) -> UInt256 {
        var sink = UInt256.zero
        switch self {
        case .mul: for set in sets { sink = sink ^ (set.a &* set.b) }
        case .div64: for set in sets { sink = sink ^ set.a.div(set.divisor64) }
        case .div128: for set in sets { sink = sink ^ set.a.div(set.divisor128) }
        case .div192: for set in sets { sink = sink ^ set.a.div(set.divisor192) }
        case .div256: for set in sets { sink = sink ^ set.a.div(set.b) }
        case .mulmod: for set in sets { sink = sink ^ set.a.mulmod(set.b, set.modulus) }
        case .expSmall: for set in sets { sink = sink ^ set.a.exp(set.smallExponent) }
        case .expFull: for set in sets { sink = sink ^ set.a.exp(set.b) }
        }
        return sink
    }

    /// One result, for the comparison with OpenSSL.
    func swiftResult(_ set: OperandSet) -> UInt256 {
        switch self {
        case .mul: return set.a &* set.b
        case .div64: return set.a.div(set.divisor64)
        case .div128: return set.a.div(set.divisor128)
        case .div192: return set.a.div(set.divisor192)
        case .div256: return set.a.div(set.b)
        case .mulmod: return set.a.mulmod(set.b, set.modulus)
        case .expSmall: return set.a.exp(set.smallExponent)
        case .expFull: return set.a.exp(set.b)
        }
    }
}

/// One set of operands: full-width `a`, `b` and modulus, divisors of 64/128/192 bits, an 8-bit exponent.
struct OperandSet {
    let a, b, modulus, divisor64, divisor128, divisor192, smallExponent: UInt256

    init(_ rng: inout BenchRandom) {
        func full(_ rng: inout BenchRandom) -> UInt256 {
            UInt256(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next() | 1 << 63)
        }
        a = full(&rng)
        b = full(&rng)
        modulus = full(&rng)
        divisor64 = UInt256(rng.next() | 1 << 63)
        divisor128 = UInt256(w0: rng.next(), w1: rng.next() | 1 << 63, w2: 0, w3: 0)
        divisor192 = UInt256(w0: rng.next(), w1: rng.next(), w2: rng.next() | 1 << 63, w3: 0)
        smallExponent = UInt256(rng.next() & 0xff | 0x80)
    }
}

/// splitmix64, for reproducible operands.
struct BenchRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The same operands as OpenSSL BIGNUMs, and the reference computations on them.
final class OpenSSLOperands {
    struct SetupError: Error, CustomStringConvertible {
        var description: String { "OpenSSL BIGNUM allocation failed" }
    }

    private let context: OpaquePointer
    private let result: OpaquePointer
    private let twoTo256: OpaquePointer
    /// Per workload, per operand set: (a, b, modulus).
    private var numbers: [[(OpaquePointer, OpaquePointer, OpaquePointer?)]] = []
    private var allocated: [OpaquePointer] = []

    init(_ sets: [OperandSet]) throws {
        guard let context = BN_CTX_new(), let result = BN_new(), let twoTo256 = BN_new() else { throw SetupError() }
        self.context = context
        self.result = result
        self.twoTo256 = twoTo256
        BN_set_bit(twoTo256, 256)
        for workload in UInt256Workload.allCases {
            var row: [(OpaquePointer, OpaquePointer, OpaquePointer?)] = []
            for set in sets {
                let (a, b, m) = workload.operands(set)
                row.append((try bignum(a), try bignum(b), try m.map { try bignum($0) }))
            }
            numbers.append(row)
        }
    }

    private func bignum(_ value: UInt256) throws -> OpaquePointer {
        let bytes = value.bigEndianBytes
        guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else { throw SetupError() }
        allocated.append(number)
        return number
    }

    /// Computes `workload` on operand set `index` into the shared result.
    @inline(__always)
    func compute(_ workload: UInt256Workload, _ index: Int) {
        let (a, b, m) = numbers[workload.rawValue][index]
        switch workload {
        case .mul:
            BN_mul(result, a, b, context)
            BN_mask_bits(result, 256)
        case .div64, .div128, .div192, .div256:
            BN_div(result, nil, a, b, context)
        case .mulmod:
            BN_mod_mul(result, a, b, m, context)
        case .expSmall, .expFull:
            BN_mod_exp(result, a, b, twoTo256, context)
        }
    }

    /// The reference result of `workload` on operand set `index`, as a word.
    func result(_ workload: UInt256Workload, _ index: Int) -> UInt256 {
        compute(workload, index)
        var bytes = [UInt8](repeating: 0, count: 32)
        guard BN_bn2binpad(result, &bytes, 32) == 32 else { return .max }
        return UInt256(bigEndianBytes: bytes) ?? .max
    }

    func free() {
        for number in allocated { BN_free(number) }
        BN_free(result)
        BN_free(twoTo256)
        BN_CTX_free(context)
    }
}

/// Runs `batch` (which reports how many operations it did) repeatedly for `seconds` of this thread's
/// CPU time, three times; returns the best rate in operations per CPU second. CPU time rather than
/// wall time keeps the figures steady on a machine shared with other jobs.
func measure(seconds: Double, _ batch: () -> Int) -> Double {
    var best = 0.0
    for _ in 0..<3 {
        var operations = 0
        let start = threadCPUSeconds()
        var elapsed = 0.0
        repeat {
            operations += batch()
            elapsed = threadCPUSeconds() - start
        } while elapsed < seconds
        best = max(best, Double(operations) / elapsed)
    }
    return best
}

/// CPU seconds consumed by the calling thread.
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Where the Swift batches leave their results, so the optimiser cannot drop the work.
nonisolated(unsafe) var uint256BenchSink = UInt256.zero

