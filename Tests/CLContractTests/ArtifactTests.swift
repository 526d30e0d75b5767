import CLABI
import CLDispute
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

    @Test("the deployed runtime code is the artifact's runtime bytecode")
    func deployedCode() throws {
        let verifier = try OnChainStepVerifier()
        let step = try ContractArtifact(text: Self.text("Contracts/artifacts/RV32Step.json"))
        // Vyper appends the immutable (the oracle address) to the runtime code at deployment.
        let deployed = try verifier.chain.code(verifier.stepAddress)
        #expect(Array(deployed.prefix(step.runtimeBytecode.count)) == step.runtimeBytecode)
        #expect(Array(deployed.suffix(32).suffix(20)) == verifier.oracleAddress.bytes)
    }
}
