import CLFPVM
import CLPrimitives
import TestSupport
import Testing

/// Malformed ELF files and witnesses are rejected with typed errors, never by crashing.
@Suite("Malformed inputs")
struct MalformedInputTests {
    @Test func mutatedELFHeadersNeverCrashTheLoader() throws {
        let elf = Array(try Fixtures.data("fpvm/guests/isa.elf"))
        var rng = SplitMix(state: 99)
        var accepted = 0, rejected = 0
        for _ in 0..<2000 {
            var bytes = elf
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let position = Int.random(in: 0..<min(bytes.count, 256), using: &rng)
                bytes[position] = UInt8.random(in: 0...255, using: &rng)
            }
            if Bool.random(using: &rng) { bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng))) }
            do {
                let program = try GuestProgram(elf: bytes)
                _ = try program.makeVM()
                accepted += 1
            } catch {
                rejected += 1
            }
        }
        #expect(accepted > 0 && rejected > 0)
    }

    @Test func randomAndMutatedWitnessesNeverCrashTheVerifier() throws {
        let vm = try GuestProgram(elf: Array(try Fixtures.data("fpvm/guests/hello.elf"))).makeVM()
        vm.capturesOutput = false
        try vm.run(until: 2000)
        var rng = SplitMix(state: 5)
        var witnesses: [[UInt8]] = []
        for _ in 0..<40 { witnesses.append(try vm.stepWithWitness().encoded) }
        var rejected = 0
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 10 == 0 {
                bytes = (0..<WitnessLayout.maximumSize).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                bytes = witnesses[round % witnesses.count]
                let position = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            }
            do {
                _ = try OneStepVerifier.step(witness: bytes, oracle: PreimageStore())
            } catch {
                rejected += 1
            }
        }
        // Flips in the proofs or in bytes the step reads must be caught; flips in unused parts are harmless.
        #expect(rejected > 1500)
    }
}
