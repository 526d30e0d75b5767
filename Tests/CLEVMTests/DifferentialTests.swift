import Foundation
import Testing
import TestSupport

/// Runs `Scripts/evm-differential` (2,000 random programs under Cancun, 1,000 under Prague, fixed seed)
/// against py-evm: every
/// program must agree on status, gas used, refund, return data, logs and post-state.
/// Needs the release `chainlearn` binary (built by `swift build -c release`) and the venv.
@Suite struct DifferentialTests {
    @Test func twoThousandProgramsAgreeWithPyEVM() throws {
        try Self.run(fork: "cancun", count: 2000)
    }

    /// The same generator under Prague (py-evm's `PragueVM`, `evmrun --hardfork prague`): the calldata
    /// floor and Prague's precompile set are part of what must agree.
    @Test func oneThousandProgramsAgreeWithPyEVMUnderPrague() throws {
        try Self.run(fork: "prague", count: 1000)
    }

    static func run(fork: String, count: Int) throws {
        let root = Fixtures.repositoryRoot
        let binary = root.appendingPathComponent(".build/release/chainlearn").path
        let python = root.appendingPathComponent(".venv/bin/python").path
        #expect(FileManager.default.isExecutableFile(atPath: binary), "build chainlearn first: swift build -c release")
        #expect(FileManager.default.isExecutableFile(atPath: python), "set up the venv first: Scripts/setup")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [root.appendingPathComponent("Scripts/evm-differential").path,
                             "--seed", "1", "--count", "\(count)", "--fork", fork, "--chainlearn", binary]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output.suffix(4000))")
        #expect(output.contains("\(count) programs (seed 1) on \(fork)"), "\(output.suffix(2000))")
        #expect(output.contains(": 0 mismatches"), "\(output.suffix(4000))")
    }
}
