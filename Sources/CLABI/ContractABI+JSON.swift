// Reading a JSON ABI (the `abi` array compilers emit) into `ContractABI`.

/// Why a JSON ABI or a compiler artifact was rejected.
public enum ABIDefinitionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not JSON.
    case invalidJSON(JSONError)
    /// A required field is missing or has the wrong JSON type; `context` says where.
    case badField(String, context: String)
    /// A parameter's type string is not a valid ABI type.
    case invalidType(ABIError)
    /// An entry's `type` is not one of function/event/error/constructor/fallback/receive.
    case unknownEntry(String)
    /// The artifact is in none of the known layouts.
    case unknownArtifactFormat
    /// A multi-contract artifact has no contract of that name; `available` lists those it has.
    case contractNotFound(String, available: [String])
    /// A multi-contract artifact holds several contracts and no name was given.
    case ambiguousContract(available: [String])
    /// Bytecode is not hex (or still has `__$...$__` library placeholders).
    case invalidBytecode(String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .invalidJSON(let error): return error.description
        case .badField(let field, let context): return "missing or invalid field '\(field)' in \(context)"
        case .invalidType(let error): return error.description
        case .unknownEntry(let type): return "unknown ABI entry type '\(type)'"
        case .unknownArtifactFormat: return "not a Vyper, solc, Foundry or Hardhat artifact"
        case .contractNotFound(let name, let available):
            return "no contract '\(name)' in artifact (has: \(available.joined(separator: ", ")))"
        case .ambiguousContract(let available):
            return "artifact holds several contracts, pick one with a name: \(available.joined(separator: ", "))"
        case .invalidBytecode(let reason): return "invalid bytecode: \(reason)"
        }
    }
}

extension ContractABI {
    /// Parses a JSON ABI text (an array of entries).
    public init(json text: String) throws(ABIDefinitionError) {
        let document: JSONValue
        do { document = try JSONValue(parsing: text) } catch { throw .invalidJSON(error) }
        try self.init(json: document)
    }

    /// Reads a JSON ABI array.
    public init(json: JSONValue) throws(ABIDefinitionError) {
        guard let entries = json.arrayValue else { throw .badField("abi", context: "ABI (expected an array)") }
        self.init()
        for entry in entries {
            let kind = entry["type"]?.stringValue ?? "function"
            let name = entry["name"]?.stringValue ?? ""
            let context = "\(kind) \(name)"
            switch kind {
            case "function":
                guard !name.isEmpty else { throw .badField("name", context: context) }
                functions.append(ABIFunction(name: name, inputs: try Self.parameters(entry["inputs"], context),
                                             outputs: try Self.parameters(entry["outputs"], context),
                                             stateMutability: try Self.mutability(entry, context)))
            case "event":
                guard !name.isEmpty else { throw .badField("name", context: context) }
                events.append(ABIEvent(name: name, inputs: try Self.parameters(entry["inputs"], context),
                                       anonymous: entry["anonymous"]?.boolValue ?? false))
            case "error":
                guard !name.isEmpty else { throw .badField("name", context: context) }
                errors.append(ABIErrorDefinition(name: name, inputs: try Self.parameters(entry["inputs"], context)))
            case "constructor":
                constructorInputs = try Self.parameters(entry["inputs"], context)
                constructorMutability = try Self.mutability(entry, context)
            case "fallback":
                fallback = try Self.mutability(entry, context)
            case "receive":
                hasReceive = true
            default:
                throw .unknownEntry(kind)
            }
        }
    }

    /// `stateMutability`, or the legacy `constant`/`payable` flags, defaulting to nonpayable.
    static func mutability(_ entry: JSONValue, _ context: String) throws(ABIDefinitionError) -> StateMutability {
        if let text = entry["stateMutability"]?.stringValue {
            guard let value = StateMutability(rawValue: text) else { throw .badField("stateMutability", context: context) }
            return value
        }
        if entry["payable"]?.boolValue == true { return .payable }
        if entry["constant"]?.boolValue == true { return .view }
        return .nonpayable
    }

    /// A parameter list (absent means empty).
    static func parameters(_ json: JSONValue?, _ context: String) throws(ABIDefinitionError) -> [ABIParameter] {
        guard let json else { return [] }
        guard let items = json.arrayValue else { throw .badField("inputs/outputs", context: context) }
        var out: [ABIParameter] = []
        for item in items { out.append(try parameter(item, context, depth: 0)) }
        return out
    }

    /// One parameter; `tuple`, `tuple[]`, `tuple[2][]` take their members from `components`.
    static func parameter(_ json: JSONValue, _ context: String, depth: Int) throws(ABIDefinitionError) -> ABIParameter {
        guard depth <= ABIType.maximumDepth else { throw .invalidType(.invalidType(text: "tuple", reason: "nesting too deep")) }
        guard let typeText = json["type"]?.stringValue else { throw .badField("type", context: context) }
        let name = json["name"]?.stringValue ?? ""
        let internalType = json["internalType"]?.stringValue
        let indexed = json["indexed"]?.boolValue ?? false
        do {
            if typeText.hasPrefix("tuple") {
                guard let items = json["components"]?.arrayValue else { throw ABIDefinitionError.badField("components", context: context) }
                var members: [ABIParameter] = []
                for item in items { members.append(try parameter(item, context, depth: depth + 1)) }
                let base = ABIType.tuple(members.map(\.type))
                let type = try base.applyingArraySuffix(String(typeText.dropFirst("tuple".count)))
                return ABIParameter(name: name, type: type, internalType: internalType, components: members, indexed: indexed)
            }
            return ABIParameter(name: name, type: try ABIType(parsing: typeText), internalType: internalType,
                                indexed: indexed)
        } catch let error as ABIError {
            throw .invalidType(error)
        } catch let error as ABIDefinitionError {
            throw error
        } catch {
            throw .badField("type", context: context)
        }
    }
}
