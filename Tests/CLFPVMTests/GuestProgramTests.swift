import CLFPVM
import CLPrimitives
import Foundation
import TestSupport
import Testing

/// A committed guest ELF with an input.
struct GuestCase: Sendable, CustomTestStringConvertible {
    let guest: String
    let input: [UInt8]
    var testDescription: String { "\(guest) (\(input.count)-byte input)" }
}

let differentialCases: [GuestCase] = [
    GuestCase(guest: "isa", input: []),
    GuestCase(guest: "hello", input: []),
    GuestCase(guest: "hello", input: Array("abracadabra, fraud proofs!".utf8)),
    GuestCase(guest: "matvec", input: [1, 0, 0, 0]),
    GuestCase(guest: "matvec", input: [2, 0, 0, 0]),
]

/// Every committed guest with each of its inputs: the every-step verification runs over all of them.
let allGuestCases = differentialCases + [
    GuestCase(guest: "trap", input: [1, 2]),
    GuestCase(guest: "trap", input: [1, 2, 3]),
]

/// Runs an ELF under qemu-riscv32 with `input` on standard input.
func runUnderQemu(_ elf: URL, input: [UInt8]) throws -> (output: [UInt8], status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["qemu-riscv32", elf.path]
    let stdin = Pipe(), stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    try process.run()
    stdin.fileHandleForWriting.write(Data(input))
    try stdin.fileHandleForWriting.close()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (Array(output), process.terminationStatus)
}

func loadGuest(_ name: String) throws -> GuestProgram {
    try GuestProgram(elf: Array(Fixtures.data("fpvm/guests/\(name).elf")))
}

@Suite("FPVM guest programs", .serialized)
struct GuestProgramTests {
    @Test(arguments: differentialCases)
    func sameOutputAndExitCodeAsQemu(_ c: GuestCase) throws {
        let vm = try loadGuest(c.guest).makeVM(input: c.input)
        try vm.run(until: 50_000_000)
        #expect(vm.exited && vm.fault == 0)
        let qemu = try runUnderQemu(Fixtures.url("fpvm/guests/\(c.guest).elf"), input: c.input)
        #expect(String(decoding: vm.standardOutput, as: UTF8.self) == String(decoding: qemu.output, as: UTF8.self))
        #expect(Int32(vm.exitCode) == qemu.status)
        #expect(!qemu.output.isEmpty)
    }

    @Test(arguments: allGuestCases)
    func everyStepVerifies(_ c: GuestCase) throws {
        let vm = try loadGuest(c.guest).makeVM(input: c.input)
        vm.capturesOutput = false
        let oracle = vm.oracle
        var preHash = vm.stateHash
        var mismatches = 0
        while !vm.exited {
            let witness = try vm.stepWithWitness()
            let post = vm.stateHash
            let verified = try OneStepVerifier.step(witness: witness.encoded, preStateHash: preHash, oracle: oracle)
            if verified != post {
                mismatches += 1
                if mismatches < 3 { Issue.record("step \(vm.step - 1) at pc \(witness.state.pc): verifier disagrees") }
            }
            preHash = post
        }
        #expect(mismatches == 0)
        #expect(vm.step > 20)
        // Fast mode reaches the same final state.
        let fast = try loadGuest(c.guest).makeVM(input: c.input)
        try fast.run()
        #expect(fast.stateHash == preHash)
    }

    @Test func preimageGuestReadsThroughTheOracleAndEveryStepVerifies() throws {
        var oracle = PreimageStore()
        let data = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
        let key = oracle.add(data)
        let vm = try loadGuest("preimage").makeVM(input: key.bytes, oracle: oracle)
        var preHash = vm.stateHash
        var reads = 0
        while !vm.exited {
            let witness = try vm.stepWithWitness()
            if witness.preimagePart.length > 0 { reads += 1 }
            let verified = try OneStepVerifier.step(witness: witness.encoded, preStateHash: preHash, oracle: oracle)
            #expect(verified == vm.stateHash)
            preHash = vm.stateHash
        }
        let sum = data.enumerated().reduce(UInt32(0)) { $0 &+ UInt32($1.element) &* UInt32($1.offset + 1) }
        #expect(vm.state.status == .valid)
        #expect(String(decoding: vm.standardOutput, as: UTF8.self) == "preimage 300 bytes, weighted sum \(sum)\n")
        #expect(vm.memory.read(MemoryMap.outputBase, count: 4) == (0..<4).map { UInt8(truncatingIfNeeded: sum >> (8 * UInt32($0))) })
        #expect(reads >= 10) // 308 stream bytes, at most 32 per read
    }

    @Test func committedGuestsAreNotStale() throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("fpvm-guests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temp) }
        let process = Process()
        process.executableURL = Fixtures.repositoryRoot.appendingPathComponent("Scripts/build-test-guests")
        process.arguments = [temp.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        for name in ["isa", "hello", "matvec", "preimage", "trap"] {
            let rebuilt = try Data(contentsOf: temp.appendingPathComponent("\(name).elf"))
            #expect(rebuilt == (try Fixtures.data("fpvm/guests/\(name).elf")),
                    "Fixtures/fpvm/guests/\(name).elf is stale: run Scripts/build-test-guests")
        }
    }

    @Test func swiftTrapHaltsWithIllegalInstructionAsQemuDiesWithSIGILL() throws {
        let ok = try loadGuest("trap").makeVM(input: [1, 2])
        try ok.run(until: 1_000_000)
        #expect(ok.state.status == .invalid && ok.exitCode == 30)
        let vm = try loadGuest("trap").makeVM(input: [1, 2, 3])
        try vm.run(until: 1_000_000)
        #expect(vm.state.status == .panic)
        #expect(vm.fault == FaultCode.illegalInstruction.rawValue)
        #expect(vm.memory.load32(vm.pc) == 0xc000_1073) // unimp
        let elf = Fixtures.url("fpvm/guests/trap.elf")
        #expect(try runUnderQemu(elf, input: [1, 2]).status == 30)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["qemu-riscv32", elf.path]
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data([1, 2, 3]))
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == 4) // SIGILL
    }

    @Test func loaderPlacesSegmentsAndSetsTheEntryRegisters() throws {
        let program = try loadGuest("hello")
        let input = Array("xyz".utf8)
        let vm = try program.makeVM(input: input)
        #expect(vm.pc == program.entry)
        #expect(vm.register(2) == MemoryMap.stackTop)
        #expect(vm.register(10) == MemoryMap.inputBase && vm.register(11) == 3 && vm.register(12) == MemoryMap.outputBase)
        #expect(vm.memory.read(MemoryMap.inputBase, count: 4) == input + [0])
        for segment in program.segments {
            #expect(vm.memory.read(segment.address, count: segment.bytes.count) == segment.bytes)
        }
        // The initial state is a function of program and input only.
        #expect(try program.makeVM(input: input).stateHash == vm.stateHash)
        #expect(try program.makeVM(input: input + [1]).stateHash != vm.stateHash)
    }

    @Test func loaderRejectsMalformedFiles() throws {
        let elf = Array(try Fixtures.data("fpvm/guests/isa.elf"))
        #expect(throws: ELFError.notELF) { try GuestProgram(elf: [0x7f, 0x45, 0x4c, 0x47] + elf.dropFirst(4)) }
        #expect(throws: ELFError.truncated) { try GuestProgram(elf: Array(elf.prefix(20))) }
        var wrongClass = elf
        wrongClass[4] = 2
        #expect(throws: ELFError.self) { try GuestProgram(elf: wrongClass) }
        var dynamic = elf
        dynamic[16] = 3
        #expect(throws: ELFError.notStaticExecutable(type: 3)) { try GuestProgram(elf: dynamic) }
        // Truncating the file cuts a segment's bytes off.
        #expect(throws: ELFError.self) { try GuestProgram(elf: Array(elf.prefix(elf.count / 2))) }
    }
}
