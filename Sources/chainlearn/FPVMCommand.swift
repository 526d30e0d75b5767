import ArgumentParser
import CLFPVM
import CLPrimitives
import Foundation

/// `chainlearn fpvm run|state|witness|verify`: runs guests in the fraud-proof VM.
struct FPVMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fpvm", abstract: "The fraud-proof VM: run a guest, state hash or witness at step N, verify steps.",
        subcommands: [FPVMRun.self, FPVMState.self, FPVMWitness.self, FPVMVerify.self])
}

/// The program, input and oracle contents every fpvm subcommand takes.
struct FPVMProgramOptions: ParsableArguments {
    @Argument(help: "A static RV32 ELF (e.g. built by Scripts/build-guest).") var elf: String
    @Option(help: "File whose bytes are the input (placed at 0x7100_0000).") var input: String?
    @Option(help: "File whose bytes the preimage oracle serves, under keccak256(bytes); repeatable.")
    var preimage: [String] = []
    @Option(help: "Initial preimage key (hex, 32 bytes).") var key: String?

    /// The VM in its initial state S0.
    func makeVM() throws -> FPVM {
        let program: GuestProgram
        do {
            program = try GuestProgram(elf: try readFile(elf))
        } catch let error as ELFError {
            throw CLIError("\(elf): invalid guest ELF (\(error))")
        }
        var oracle = PreimageStore()
        for path in preimage { oracle.add(try readFile(path)) }
        let initialKey = try key.map { try Bytes32(hex: $0) } ?? .zero
        return try program.makeVM(input: try input.map(readFile) ?? [], preimageKey: initialKey, oracle: oracle)
    }

    func readFile(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        return Array(data)
    }
}

/// The state at step `step`, reached by fast execution from a checkpoint chain (no per-step hashing).
func vmAt(_ options: FPVMProgramOptions, step: UInt64, interval: UInt64) throws -> FPVM {
    let start = try options.makeVM()
    start.capturesOutput = false
    if interval == 0 {
        try start.run(until: step)
        return start
    }
    return try TraceCheckpoints(initial: start, interval: interval).vm(at: step)
}

func statusName(_ status: VMStatus) -> String {
    switch status {
    case .valid: "valid"
    case .invalid: "invalid"
    case .panic: "panic"
    case .unfinished: "unfinished"
    }
}

func printJSON(_ object: [String: Any]) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

func stateJSON(_ state: VMState) -> [String: Any] {
    ["memRoot": state.memRoot.hex, "preimageKey": state.preimageKey.hex, "preimageOffset": state.preimageOffset,
     "pc": state.pc, "exitCode": state.exitCode, "exited": state.exited, "fault": state.fault,
     "step": state.step, "registers": state.registers, "status": statusName(state.status), "hash": state.hash.hex]
}

/// `chainlearn fpvm run ELF [--input FILE] [--stop-at N] [--json]`.
struct FPVMRun: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a guest (fast mode).")
    @OptionGroup var program: FPVMProgramOptions
    @Option(help: "Stop after this many steps.") var stopAt: UInt64?
    @Flag(help: "Print steps, exitCode, status, stateHash and seconds as JSON (guest output is not printed).")
    var json = false

    func run() throws {
        let vm = try program.makeVM()
        vm.capturesOutput = !json
        let start = DispatchTime.now()
        try vm.run(until: stopAt ?? .max)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let state = vm.state
        if json {
            try printJSON(["steps": state.step, "exitCode": state.exitCode, "status": statusName(state.status),
                           "fault": state.fault, "stateHash": state.hash.hex, "seconds": seconds])
        } else {
            FileHandle.standardOutput.write(Data(vm.standardOutput))
            FileHandle.standardError.write(Data(vm.standardError))
            let line = "fpvm: \(state.step) steps, status \(statusName(state.status)), exit \(state.exitCode), "
                + "fault \(state.fault), state \(state.hash.hex), \(seconds) s\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}

/// `chainlearn fpvm state ELF --at N`: the state hash after N steps.
struct FPVMState: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "state", abstract: "State hash after N steps.")
    @OptionGroup var program: FPVMProgramOptions
    @Option(help: "Number of steps.") var at: UInt64
    @Option(help: "Checkpoint interval (0: plain fast run to N).") var checkpointInterval: UInt64 = 0
    @Flag(help: "Print the whole state as JSON.") var json = false

    func run() throws {
        let state = try vmAt(program, step: at, interval: checkpointInterval).state
        if json { try printJSON(stateJSON(state)) } else { print(state.hash.hex) }
    }
}

/// `chainlearn fpvm witness ELF --at N`: the witness of the step from S_N to S_N+1.
struct FPVMWitness: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "witness",
                                                    abstract: "Witness of the step whose pre-state is S_N (hex or JSON).")
    @OptionGroup var program: FPVMProgramOptions
    @Option(help: "The pre-state's step number N.") var at: UInt64
    @Flag(help: "JSON: pre/post hashes, the decoded pre-state and the witness hex.") var json = false

    func run() throws {
        let vm = try vmAt(program, step: at, interval: 0)
        let witness = try vm.stepWithWitness()
        let encoded = Hex.encode(witness.encoded)
        if json {
            try printJSON(["preStateHash": witness.state.hash.hex, "postStateHash": vm.stateHash.hex,
                           "preState": stateJSON(witness.state), "witness": encoded,
                           "preimagePartLength": witness.preimagePart.length,
                           "consultsOracle": witness.consultsOracle, "partUnavailable": witness.partUnavailable,
                           "needsProvenPart": witness.needsProvenPart])
        } else {
            print(encoded)
        }
    }
}

/// `chainlearn fpvm verify ELF [--every K]`: re-checks steps with the one-step verifier.
struct FPVMVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Re-check every K-th step with the Swift one-step verifier.")
    @OptionGroup var program: FPVMProgramOptions
    @Option(help: "Verify steps 0, K, 2K, ... (fast execution in between).") var every: UInt64 = 1
    @Option(help: "Stop after this many steps.") var limit: UInt64 = .max

    func run() throws {
        guard every > 0 else { throw ValidationError("--every must be positive") }
        let vm = try program.makeVM()
        vm.capturesOutput = false
        var checked = 0, failures = 0
        while !vm.exited && vm.step < limit {
            let preHash = vm.stateHash
            let witness = try vm.stepWithWitness()
            let post = vm.stateHash
            do {
                let verified = try OneStepVerifier.step(witness: witness.encoded, preStateHash: preHash, oracle: vm.oracle)
                if verified != post {
                    failures += 1
                    print("step \(witness.state.step): verifier \(verified.hex) != interpreter \(post.hex)")
                }
            } catch {
                failures += 1
                print("step \(witness.state.step): witness rejected: \(error)")
            }
            checked += 1
            let next = min(limit, (vm.step + every - 1) / every * every)
            try vm.run(until: next)
        }
        print("verified \(checked) steps of \(vm.step), \(failures) failures, final state \(vm.stateHash.hex)")
        if failures > 0 { throw ExitCode(1) }
    }
}
