// Compiler artifacts: ABI + creation bytecode + runtime bytecode from Vyper, solc, Foundry or Hardhat.

import CLPrimitives

/// A compiled contract: its ABI, the bytecode that deploys it, and the code it leaves on chain.
public struct ContractArtifact: Hashable, Sendable {
    /// The layouts `ContractArtifact(text:)` recognises.
    public enum Format: String, Hashable, Sendable {
        /// `vyper -f combined_json`: `{"version": .., "path/Name.vy": {"abi", "bytecode", "bytecode_runtime"}}`.
        case vyperCombinedJSON
        /// `vyper -f abi,bytecode,bytecode_runtime`: three lines (JSON ABI, creation hex, runtime hex).
        case vyperText
        /// solc `--standard-json` output: `contracts.<source>.<Name>.{abi, evm.bytecode.object,
        /// evm.deployedBytecode.object}`.
        case solcStandardJSON
        /// Foundry `out/<File>.sol/<Name>.json`: `abi`, `bytecode.object`, `deployedBytecode.object`.
        case foundry
        /// Hardhat `artifacts/.../<Name>.json`: `contractName`, `abi`, `bytecode`, `deployedBytecode`.
        case hardhat
    }

    /// The contract name (from the artifact, or the source file's stem).
    public var name: String
    /// The contract's ABI.
    public var abi: ContractABI
    /// The creation (init) code; constructor arguments are appended to it.
    public var creationBytecode: [UInt8]
    /// The runtime (deployed) code.
    public var runtimeBytecode: [UInt8]
    /// Where it was read from.
    public var format: Format

    /// An artifact with the given parts.
    public init(name: String, abi: ContractABI, creationBytecode: [UInt8], runtimeBytecode: [UInt8], format: Format) {
        self.name = name
        self.abi = abi
        self.creationBytecode = creationBytecode
        self.runtimeBytecode = runtimeBytecode
        self.format = format
    }

    /// Reads an artifact in any known format, detected from its shape. `contractName` picks one
    /// contract out of a multi-contract file (Vyper combined JSON, solc output) and is required
    /// there when the file holds more than one.
    public init(text: String, contractName: String? = nil) throws(ABIDefinitionError) {
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        if trimmed.hasPrefix("[") {
            self = try ContractArtifact.vyperText(String(trimmed), name: contractName ?? "Contract")
            return
        }
        let document: JSONValue
        do { document = try JSONValue(parsing: text) } catch { throw .invalidJSON(error) }
        try self.init(json: document, contractName: contractName)
    }

    /// Reads an artifact from parsed JSON (see `init(text:contractName:)`).
    public init(json document: JSONValue, contractName: String? = nil) throws(ABIDefinitionError) {
        guard document.objectValue != nil else { throw .unknownArtifactFormat }
        if let contracts = document["contracts"], contracts.objectValue != nil {
            self = try ContractArtifact.solc(contracts, name: contractName)
        } else if document["bytecode"]?["object"] != nil {
            self = try ContractArtifact.foundry(document, name: contractName)
        } else if document["bytecode"]?.stringValue != nil, document["deployedBytecode"] != nil {
            self = try ContractArtifact.hardhat(document, name: contractName)
        } else {
            self = try ContractArtifact.vyperCombined(document, name: contractName)
        }
    }

    /// Hex bytecode with or without `0x`; rejects unlinked library placeholders.
    static func bytecode(_ json: JSONValue?, field: String, context: String) throws(ABIDefinitionError) -> [UInt8] {
        guard let text = json?.stringValue else { throw .badField(field, context: context) }
        if text.contains("__") { throw .invalidBytecode("\(field) has unlinked library placeholders") }
        do { return try Hex.decode(text) } catch { throw .invalidBytecode("\(field): \(error)") }
    }

    /// The file name without folders and extension: `contracts/Token.vy` → `Token`.
    static func stem(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = file.lastIndex(of: ".") else { return file }
        return String(file[..<dot])
    }

    /// Picks the entry whose name matches, or the only one.
    static func pick(_ entries: [(name: String, value: JSONValue)], name: String?) throws(ABIDefinitionError)
        -> (name: String, value: JSONValue) {
        if let name {
            guard let entry = entries.first(where: { $0.name == name }) else {
                throw .contractNotFound(name, available: entries.map(\.name))
            }
            return entry
        }
        guard entries.count == 1 else {
            if entries.isEmpty { throw .unknownArtifactFormat }
            throw .ambiguousContract(available: entries.map(\.name))
        }
        return entries[0]
    }

    static func vyperCombined(_ document: JSONValue, name: String?) throws(ABIDefinitionError) -> ContractArtifact {
        let entries = (document.objectValue ?? [])
            .filter { $0.value["abi"] != nil && $0.value["bytecode"] != nil }
            .map { (name: stem($0.key), value: $0.value) }
        guard !entries.isEmpty else { throw .unknownArtifactFormat }
        let entry = try pick(entries, name: name)
        let context = "Vyper combined JSON entry \(entry.name)"
        return ContractArtifact(
            name: entry.name, abi: try ContractABI(json: entry.value["abi"] ?? .null),
            creationBytecode: try bytecode(entry.value["bytecode"], field: "bytecode", context: context),
            runtimeBytecode: try bytecode(entry.value["bytecode_runtime"], field: "bytecode_runtime", context: context),
            format: .vyperCombinedJSON)
    }

    static func vyperText(_ text: String, name: String) throws(ABIDefinitionError) -> ContractArtifact {
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).filter { !$0.isEmpty }
        guard lines.count == 3 else { throw .unknownArtifactFormat }
        let context = "vyper -f abi,bytecode,bytecode_runtime output"
        return ContractArtifact(
            name: name, abi: try ContractABI(json: String(lines[0])),
            creationBytecode: try bytecode(.string(String(lines[1])), field: "bytecode", context: context),
            runtimeBytecode: try bytecode(.string(String(lines[2])), field: "bytecode_runtime", context: context),
            format: .vyperText)
    }

    static func solc(_ contracts: JSONValue, name: String?) throws(ABIDefinitionError) -> ContractArtifact {
        var entries: [(name: String, value: JSONValue)] = []
        for source in contracts.objectValue ?? [] {
            for contract in source.value.objectValue ?? [] { entries.append((contract.key, contract.value)) }
        }
        let entry = try pick(entries, name: name)
        let context = "solc output contract \(entry.name)"
        let evm = entry.value["evm"]
        return ContractArtifact(
            name: entry.name, abi: try ContractABI(json: entry.value["abi"] ?? .null),
            creationBytecode: try bytecode(evm?["bytecode"]?["object"], field: "evm.bytecode.object", context: context),
            runtimeBytecode: try bytecode(evm?["deployedBytecode"]?["object"], field: "evm.deployedBytecode.object",
                                          context: context),
            format: .solcStandardJSON)
    }

    static func foundry(_ document: JSONValue, name: String?) throws(ABIDefinitionError) -> ContractArtifact {
        let context = "Foundry artifact"
        let target = document["metadata"]?["settings"]?["compilationTarget"]?.objectValue?.first?.value.stringValue
        return ContractArtifact(
            name: name ?? target ?? "Contract", abi: try ContractABI(json: document["abi"] ?? .null),
            creationBytecode: try bytecode(document["bytecode"]?["object"], field: "bytecode.object", context: context),
            runtimeBytecode: try bytecode(document["deployedBytecode"]?["object"], field: "deployedBytecode.object",
                                          context: context),
            format: .foundry)
    }

    static func hardhat(_ document: JSONValue, name: String?) throws(ABIDefinitionError) -> ContractArtifact {
        let context = "Hardhat artifact"
        let artifactName = document["contractName"]?.stringValue
        if let name, let artifactName, name != artifactName {
            throw .contractNotFound(name, available: [artifactName])
        }
        return ContractArtifact(
            name: artifactName ?? name ?? "Contract", abi: try ContractABI(json: document["abi"] ?? .null),
            creationBytecode: try bytecode(document["bytecode"], field: "bytecode", context: context),
            runtimeBytecode: try bytecode(document["deployedBytecode"], field: "deployedBytecode", context: context),
            format: .hardhat)
    }
}
