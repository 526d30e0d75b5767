import CLABI
import CLDispute
import CLHarness
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// The committed contract artifacts, the bytecode Swift deploys and the generated bindings are current.
@Suite("Contract artifacts")
struct ArtifactTests {
    static func text(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent(relative)), as: UTF8.self)
    }

    @Test("Scripts/build-contracts --check: artifacts match a fresh compile with the pinned Vyper")
    func artifactsAreFresh() throws {
        let process = Process()
        process.executableURL = Fixtures.repositoryRoot.appendingPathComponent("Scripts/build-contracts")
        process.arguments = ["--check"]
        process.currentDirectoryURL = Fixtures.repositoryRoot
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "stale or uncompilable contracts: \(message)")
    }

    @Test("generated bindings match CLABI's generator on the committed ABIs", arguments: ["RV32Step", "PreimageOracle"])
    func bindingsAreFresh(name: String) throws {
        let artifact = try ContractArtifact(text: Self.text("Contracts/artifacts/\(name).json"))
        #expect(SwiftBindingsGenerator.generate(contractName: name, abi: artifact.abi)
            == (try Self.text("Sources/CLDispute/OneStep/Generated/\(name)Bindings.swift")), "run Scripts/build-contracts")
    }

    @Test("ContractCode holds the committed artifacts' bytecode")
    func contractCodeMatches() throws {
        let step = try ContractArtifact(text: Self.text("Contracts/artifacts/RV32Step.json"))
        let oracle = try ContractArtifact(text: Self.text("Contracts/artifacts/PreimageOracle.json"))
        #expect(try Hex.decode(ContractCode.rv32StepCreationHex) == step.creationBytecode)
        #expect(try Hex.decode(ContractCode.rv32StepRuntimeHex) == step.runtimeBytecode)
        #expect(try Hex.decode(ContractCode.preimageOracleCreationHex) == oracle.creationBytecode)
        #expect(try Hex.decode(ContractCode.preimageOracleRuntimeHex) == oracle.runtimeBytecode)
    }

    @Test("the deployed RV32Step reads parts from the deployed PreimageOracle")
    func deployedWiring() throws {
        let verifier = try OnChainStepVerifier()
        var request = CallRequest()
        request.to = verifier.stepAddress
        request.data = try RV32Step.encodeOracle()
        let outcome = try verifier.chain.simulate(request)
        #expect(try RV32Step.decodeOracleResult(outcome.output) == verifier.oracleAddress)
        #expect(try !verifier.chain.code(verifier.oracleAddress).isEmpty)
    }
}
