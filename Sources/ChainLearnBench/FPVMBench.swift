import ArgumentParser
import CLFPVM
import CRV32Reference
import Foundation

/// `chainlearn-bench fpvm`: fast-mode speed against the C reference interpreter, and the cost of a state
/// hash and a witness at step N of a long run.
struct FPVMBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fpvm", abstract: "FPVM fast mode vs a C switch interpreter (-O2); state/witness at step N.")

    @Option(help: "Guest ELF (the int8 matrix-vector loop by default).")
    var elf = "Fixtures/fpvm/guests/matvec.elf"
    @Option(help: "Rounds of the matrix-vector loop (its input).") var rounds: UInt32 = 250
    @Option(help: "Repetitions of the speed comparison (best time counts).") var repeats = 3
    @Option(help: "Checkpoint interval for the state-at-N figures.") var checkpointInterval: UInt64 = 10_000_000

    func run() throws {
        let program = try GuestProgram(elf: Array(try Data(contentsOf: URL(fileURLWithPath: elf))))
        let input = withUnsafeBytes(of: rounds.littleEndian) { Array($0) }

        // 1. Speed: FPVM fast mode vs the C reference, same guest and input, best of `repeats`.
        var swiftBest = Double.infinity, cBest = Double.infinity
        var steps: UInt64 = 0, cSteps: UInt64 = 0
        var exitCode: UInt8 = 0, cExit: Int32 = 0
        for _ in 0..<repeats {
            let vm = try program.makeVM(input: input)
            vm.capturesOutput = false
            let start = DispatchTime.now()
            try vm.run()
            swiftBest = min(swiftBest, seconds(since: start))
            steps = vm.step
            exitCode = vm.exitCode

            let machine = rv32ref_create()!
            for segment in program.segments { rv32ref_write(machine, segment.address, segment.bytes, segment.bytes.count) }
            rv32ref_write(machine, MemoryMap.inputBase, input, input.count)
            for (index, value) in vm.initialRegisters(inputCount: input.count) { rv32ref_set_register(machine, Int32(index), value) }
            rv32ref_set_pc(machine, program.entry)
            let cStart = DispatchTime.now()
            cSteps = rv32ref_run(machine, UInt64.max)
            cBest = min(cBest, seconds(since: cStart))
            cExit = rv32ref_exit_code(machine)
            rv32ref_destroy(machine)
        }
        guard steps == cSteps, Int32(exitCode) == cExit else {
            throw ValidationError("FPVM and reference disagree: \(steps) vs \(cSteps) steps, exit \(exitCode) vs \(cExit)")
        }
        let swiftMIPS = Double(steps) / swiftBest / 1e6, cMIPS = Double(cSteps) / cBest / 1e6
        print("guest \(elf), \(rounds) rounds: \(steps) steps, exit \(exitCode)")
        print(String(format: "fast mode   %8.1f MIPS  (%.3f s)", swiftMIPS, swiftBest))
        print(String(format: "C -O2 ref   %8.1f MIPS  (%.3f s)", cMIPS, cBest))
        print(String(format: "ratio FPVM/C: %.2fx", swiftMIPS / cMIPS))

        // 2. State hash and witness at step N (N = the last step of the run) without per-step hashing.
        let n = steps - 1
        let vm = try program.makeVM(input: input)
        vm.capturesOutput = false
        var start = DispatchTime.now()
        try vm.run(until: n)
        let runTime = seconds(since: start)
        start = DispatchTime.now()
        let hash = vm.stateHash
        let hashTime = seconds(since: start)
        start = DispatchTime.now()
        let witness = try vm.stepWithWitness()
        let witnessTime = seconds(since: start)
        print(String(format: "state at N=%llu: fast run %.3f s + root/hash %.3f ms; witness of step N %.3f ms (%d bytes)",
                     n, runTime, hashTime * 1e3, witnessTime * 1e3, witness.encoded.count))
        print("  state hash \(hash.hex)")

        // For contrast: hashing at every step (proving mode + state hash), sampled over 100k steps.
        let sample = try program.makeVM(input: input)
        sample.capturesOutput = false
        start = DispatchTime.now()
        for _ in 0..<100_000 where !sample.exited {
            _ = try sample.stepWithWitness()
            _ = sample.stateHash
        }
        let perStep = seconds(since: start) / 100_000
        print(String(format: "hashing every step instead: %.1f us/step, %.0f s extrapolated to N", perStep * 1e6,
                     perStep * Double(n)))

        // 3. Same queries through checkpoints (one pass to build them, then each query replays < interval steps).
        let initial = try program.makeVM(input: input)
        initial.capturesOutput = false
        let checkpoints = TraceCheckpoints(initial: initial, interval: checkpointInterval)
        start = DispatchTime.now()
        _ = try checkpoints.stateHash(at: n)
        let firstQuery = seconds(since: start)
        start = DispatchTime.now()
        let again = try checkpoints.stateHash(at: n - min(n, checkpointInterval / 2))
        let laterQuery = seconds(since: start)
        start = DispatchTime.now()
        _ = try checkpoints.witness(at: n / 2)
        let witnessQuery = seconds(since: start)
        print(String(format: "checkpoints every %llu steps (%d held): first query %.3f s, later state query %.3f s, witness query %.3f s",
                     checkpointInterval, checkpoints.count, firstQuery, laterQuery, witnessQuery))
        _ = again
    }

    func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

extension FPVM {
    /// The registers S0 sets (for seeding the reference interpreter identically).
    func initialRegisters(inputCount: Int) -> [(Int, UInt32)] {
        [(2, MemoryMap.stackTop), (10, MemoryMap.inputBase), (11, UInt32(inputCount)), (12, MemoryMap.outputBase)]
    }
}
