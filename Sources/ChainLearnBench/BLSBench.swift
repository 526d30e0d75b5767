import ArgumentParser
import CLBLS12381

/// `chainlearn-bench bls`: BLS12-381 pairing and KZG point-evaluation times (JSON lines out).
///
/// `Scripts/bench-bls` runs it and, in the same run, ckzg and py_ecc on the same inputs, and prints
/// the side-by-side table. The point-evaluation input is the first valid vector of
/// `Fixtures/bls12381/kzg.json` (a random blob's proof), given by hex on the command line.
struct BLSBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bls", abstract: "BLS12-381 pairing and KZG proof verification times (JSON lines out).")

    @Option(help: "Commitment, z, y and proof as hex, comma-separated (a valid KZG opening).")
    var opening: String

    @Option(help: "Seconds to repeat each measurement (at least 3 runs); the best time is reported.")
    var seconds: Double = 1.0

    func run() throws {
        let parts = opening.split(separator: ",").map { hex(String($0)) }
        guard parts.count == 4,
              KZG.verifyProof(commitment: parts[0], z: parts[1], y: parts[2], proof: parts[3]) else {
            throw ValidationError("--opening must be a valid commitment,z,y,proof; refusing to benchmark")
        }
        let p = G1Point.generator.multiplied(byBigEndian: [0x12, 0x34, 0x56])
        let q = G2Point.generator.multiplied(byBigEndian: [0x65, 0x43, 0x21])
        var sink = false
        var acc = p.x
        let factor = q.x.c0
        let fpMul = best { for _ in 0..<10_000 { acc = acc * factor } }
        sink = sink != acc.isZero
        emit("fp_mul", fpMul / 10_000)
        emit("pairing", best { sink = sink != (Pairing.pairing(p, q) == .one) })
        emit("miller_loop", best { sink = sink != (Pairing.millerLoop([(p, q)]) == .one) })
        emit("final_exponentiation", best { sink = sink != (Pairing.finalExponentiation(Pairing.millerLoop([(p, q)])) == .one) })
        emit("pairing_check_2", best { sink = sink != Pairing.check([(p, q), (p.doubled, -q)]) })
        emit("g1_decompress_subgroup", best { sink = sink != (KZG.decodeG1(parts[0]) == nil) })
        emit("point_evaluation", best {
            sink = sink != KZG.verifyProof(commitment: parts[0], z: parts[1], y: parts[2], proof: parts[3])
        })
        if sink { print("") }
    }

    /// The best wall time of `body` over at least three runs and about `seconds` in total.
    private func best(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        var bestTime = Double.infinity, runs = 0
        while runs < 3 || (clock.now - start) < .milliseconds(Int64(seconds * 1000)) {
            let t0 = clock.now
            body()
            let d = clock.now - t0
            bestTime = min(bestTime, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
            runs += 1
        }
        return bestTime
    }

    private func emit(_ name: String, _ seconds: Double) {
        print("{\"name\":\"\(name)\",\"seconds\":\(seconds)}")
    }

    private func hex(_ s: String) -> [UInt8] {
        let chars = Array(s.hasPrefix("0x") ? s.utf8.dropFirst(2) : s.utf8[...])
        func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c &- 48 : (c | 0x20) &- 87 }
        return stride(from: 0, to: chars.count - 1, by: 2).map { nibble(chars[$0]) << 4 | nibble(chars[$0 + 1]) }
    }
}
