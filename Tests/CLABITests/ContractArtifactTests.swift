import CLABI
import CLPrimitives
import Testing

/// Artifact loaders: every layout yields Vyper's own ABI and bytecode.
@Suite struct ContractArtifactTests {
    static let layouts: [(file: String, format: ContractArtifact.Format)] = [
        ("ABIFixture.vyper-combined.json", .vyperCombinedJSON), ("ABIFixture.vyper.txt", .vyperText),
        ("ABIFixture.solc-standard.json", .solcStandardJSON), ("ABIFixture.foundry.json", .foundry),
        ("ABIFixture.hardhat.json", .hardhat),
    ]

    @Test(arguments: layouts.map(\.file)) func layoutLoads(file: String) throws {
        let reference = try ContractArtifact(text: ABIFixtures.text("abi/artifacts/ABIFixture.vyper-combined.json"))
        let artifact = try ContractArtifact(text: ABIFixtures.text("abi/artifacts/" + file), contractName: "ABIFixture")
        #expect(artifact.format == Self.layouts.first { $0.file == file }?.format)
        #expect(artifact.name == "ABIFixture")
        #expect(artifact.abi == reference.abi)
        #expect(artifact.creationBytecode == reference.creationBytecode)
        #expect(artifact.runtimeBytecode == reference.runtimeBytecode)
        #expect(!artifact.runtimeBytecode.isEmpty && artifact.creationBytecode.count > artifact.runtimeBytecode.count)
    }

    @Test func vyperABIIsComplete() throws {
        let artifact = try ContractArtifact(text: ABIFixtures.text("abi/artifacts/ABIFixture.vyper-combined.json"))
        let abi = artifact.abi
        #expect(abi.functions.map(\.name) == ["scalars", "dynamic", "fixedList", "shapes", "firstCorner", "move",
                                              "deposit", "owner", "total"])
        #expect(abi.functions.first { $0.name == "deposit" }?.stateMutability == .payable)
        #expect(abi.functions.first { $0.name == "scalars" }?.stateMutability == .pure)
        #expect(abi.constructorInputs?.map(\.type) == [.uint256])
        #expect(abi.events.map(\.signature) == ["Moved(address,string,uint64,(string,(int128,uint256)[],bytes4),bool)",
                                                "Ping(uint256)"])
        // The selector Vyper computed for each function matches ours.
        let identifiers = try ABIFixtures.json("abi/artifacts/ABIFixture.method_identifiers.json")
        for function in abi.functions {
            #expect(function.selector == (try Hex.decode(identifiers[function.signature]?.stringValue ?? "")))
        }
    }

    @Test func solidityStyleABIParses() throws {
        let abi = try ContractABI(json: ABIFixtures.text("abi/solidity-style-abi.json"))
        #expect(abi.fallback == .nonpayable && abi.hasReceive && abi.constructorMutability == .payable)
        #expect(abi.functions(named: "transfer").count == 2)
        #expect(abi.functions.first { $0.name == "balanceOf" }?.stateMutability == .view)
        let submit = try #require(abi.functions.first { $0.name == "submit" })
        #expect(submit.signature == "submit((address,(bytes32,int64,string)[],uint40)[2][],bytes3[])")
        #expect(submit.inputs[0].components.map(\.name) == ["maker", "legs", "expiry"])
        #expect(abi.errors.map(\.signature) == ["InsufficientBalance(uint256,uint256)", "Unauthorized()"])
        #expect(abi.events.last?.anonymous == true)
    }

    @Test func malformedArtifactsAreTyped() throws {
        let abi = #"[{"type":"function","name":"f","inputs":[],"outputs":[]}]"#
        #expect(throws: ABIDefinitionError.unknownArtifactFormat) { try ContractArtifact(text: #"{"x": 1}"#) }
        #expect(throws: ABIDefinitionError.self) { try ContractArtifact(text: "{") }
        #expect(throws: ABIDefinitionError.invalidBytecode("bytecode has unlinked library placeholders")) {
            try ContractArtifact(text: #"{"contractName":"A","abi":\#(abi),"bytecode":"0x60__$ab$__","deployedBytecode":"0x"}"#)
        }
        let two = #"{"contracts":{"a.sol":{"A":{"abi":\#(abi),"evm":{"bytecode":{"object":"60"},"deployedBytecode":{"object":"60"}}},"B":{"abi":[],"evm":{"bytecode":{"object":""},"deployedBytecode":{"object":""}}}}}}"#
        #expect(throws: ABIDefinitionError.ambiguousContract(available: ["A", "B"])) { try ContractArtifact(text: two) }
        #expect(throws: ABIDefinitionError.contractNotFound("C", available: ["A", "B"])) {
            try ContractArtifact(text: two, contractName: "C")
        }
        #expect(try ContractArtifact(text: two, contractName: "A").creationBytecode == [0x60])
        #expect(throws: ABIDefinitionError.self) { try ContractABI(json: #"[{"type":"function","name":"f","inputs":[{"type":"uint7"}]}]"#) }
        #expect(throws: ABIDefinitionError.unknownEntry("weird")) { try ContractABI(json: #"[{"type":"weird"}]"#) }
        #expect(throws: ABIDefinitionError.self) { try ContractABI(json: #"[{"type":"function","name":"f","inputs":[{"type":"tuple"}]}]"#) }
    }
}
