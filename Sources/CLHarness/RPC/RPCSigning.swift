import CLCrypto
import CLPrimitives

/// EIP-712 typed structured data: `hashStruct`, `encodeType` and the signing hash
/// `keccak256(0x19 0x01 ‖ hashStruct(domain) ‖ hashStruct(message))`, from the JSON that
/// eth_signTypedData_v4 takes (`types`, `primaryType`, `domain`, `message`).
struct TypedData {
    /// Each struct type's fields, (name, type) in order.
    let types: [String: [(String, String)]]

    init(types json: JSON) throws(RPCError) {
        guard case .object(let entries) = json else { throw .invalidParams("typed data: types must be an object") }
        var types: [String: [(String, String)]] = [:]
        for (name, fields) in entries {
            guard let list = fields.arrayValue else { throw .invalidParams("typed data: type \(name) must be an array") }
            var out: [(String, String)] = []
            for field in list {
                guard let fieldName = field["name"]?.stringValue, let fieldType = field["type"]?.stringValue else {
                    throw .invalidParams("typed data: each field of \(name) needs a name and a type")
                }
                out.append((fieldName, fieldType))
            }
            types[name] = out
        }
        self.types = types
    }

    /// The signing hash of the whole request.
    static func signingHash(_ json: JSON) throws(RPCError) -> Bytes32 {
        guard case .object = json, let typesJSON = json["types"], let primary = json["primaryType"]?.stringValue,
              let message = json["message"] else { throw .invalidParams("typed data: needs types, primaryType and message") }
        let data = try TypedData(types: typesJSON)
        var preimage: [UInt8] = [0x19, 0x01]
        preimage += try data.hashStruct("EIP712Domain", json["domain"] ?? .object([])).bytes
        preimage += try data.hashStruct(primary, message).bytes
        return Keccak256.hash(preimage)
    }

    /// The struct types `type` refers to, itself first, then the others sorted by name.
    func dependencies(of type: String, into found: inout [String]) {
        let base = TypedData.baseType(type)
        guard types[base] != nil, !found.contains(base) else { return }
        found.append(base)
        for (_, fieldType) in types[base] ?? [] { dependencies(of: fieldType, into: &found) }
    }

    func encodeType(_ type: String) -> String {
        var found: [String] = []
        dependencies(of: type, into: &found)
        let ordered = [type] + found.dropFirst().sorted()
        return ordered.map { name in
            name + "(" + (types[name] ?? []).map { "\($0.1) \($0.0)" }.joined(separator: ",") + ")"
        }.joined()
    }

    func hashStruct(_ type: String, _ value: JSON) throws(RPCError) -> Bytes32 {
        guard let fields = types[type] else { throw .invalidParams("typed data: unknown type \(type)") }
        guard case .object = value else { throw .invalidParams("typed data: a \(type) must be an object") }
        var encoded = Keccak256.hash(Array(encodeType(type).utf8)).bytes
        for (name, fieldType) in fields {
            encoded += try encodeValue(fieldType, value[name] ?? .null).bytes
        }
        return Keccak256.hash(encoded)
    }

    /// `T` of `T[]` or `T[n]`; the type itself otherwise.
    static func baseType(_ type: String) -> String {
        guard let open = type.firstIndex(of: "[") else { return type }
        return String(type[..<open])
    }

    /// One field's 32-byte encoding (EIP-712 `encodeData`).
    func encodeValue(_ type: String, _ value: JSON) throws(RPCError) -> Bytes32 {
        if type.hasSuffix("]"), let open = type.lastIndex(of: "[") {
            let element = String(type[..<open])
            guard let items = value.arrayValue else { throw .invalidParams("typed data: \(type) must be an array") }
            var joined: [UInt8] = []
            for item in items { joined += try encodeValue(element, item).bytes }
            return Keccak256.hash(joined)
        }
        if types[type] != nil { return try hashStruct(type, value) }
        switch type {
        case "string":
            guard let text = value.stringValue else { throw .invalidParams("typed data: string expected") }
            return Keccak256.hash(Array(text.utf8))
        case "bytes":
            return Keccak256.hash(try RPCParams.bytes(value, "bytes"))
        case "bool":
            guard let flag = value.boolValue ?? (value.stringValue.flatMap { ["true": true, "false": false][$0] }) else {
                throw .invalidParams("typed data: bool expected")
            }
            return (flag ? UInt256.one : UInt256.zero).bytes32
        case "address":
            return try RPCParams.address(value).wordBytes
        default:
            break
        }
        if type.hasPrefix("bytes"), let size = Int(type.dropFirst(5)), (1...32).contains(size) {
            let bytes = try RPCParams.bytes(value, type)
            guard bytes.count <= size else { throw .invalidParams("typed data: more than \(size) bytes for \(type)") }
            return Bytes32(bytes: bytes + [UInt8](repeating: 0, count: 32 - bytes.count))!
        }
        if type.hasPrefix("uint") || type.hasPrefix("int") {
            return try TypedData.integer(value, signed: type.hasPrefix("int"))
        }
        throw .invalidParams("typed data: unknown type \(type)")
    }

    /// An integer from a JSON number or a decimal or 0x-hex string; negative values in two's complement.
    static func integer(_ value: JSON, signed: Bool) throws(RPCError) -> Bytes32 {
        var text: Substring
        switch value {
        case .number(let n): text = Substring(n)
        case .string(let s): text = Substring(s)
        default: throw .invalidParams("typed data: integer expected")
        }
        let negative = text.hasPrefix("-")
        if negative { guard signed else { throw .invalidParams("typed data: negative unsigned integer") }; text = text.dropFirst() }
        let magnitude: UInt256?
        if text.hasPrefix("0x") || text.hasPrefix("0X") { magnitude = UInt256(hex: text.dropFirst(2)) } else { magnitude = UInt256(decimal: text) }
        guard let magnitude else { throw .invalidParams("typed data: \(value.text) is not an integer") }
        return (negative ? UInt256.zero &- magnitude : magnitude).bytes32
    }
}

extension Address {
    /// The address left-padded to a 32-byte word.
    var wordBytes: Bytes32 { Bytes32(bytes: [UInt8](repeating: 0, count: 12) + bytes)! }
}

extension RPCServer {
    /// eth_sign, personal_sign and eth_signTypedData_v4 with the dev accounts' keys; nil for other methods.
    func signingMethod(_ method: String, _ p: RPCParams) throws(RPCError) -> JSON? {
        let hash: Bytes32
        let address: Address
        switch method {
        case "eth_sign":
            address = try RPCParams.address(try p.required(0, "address"))
            hash = RPCServer.personalHash(try RPCParams.bytes(try p.required(1, "message"), "message"))
        case "personal_sign":
            // personal_sign puts the message first and the account second.
            hash = RPCServer.personalHash(try RPCParams.bytes(try p.required(0, "message"), "message"))
            address = try RPCParams.address(try p.required(1, "address"))
        case "eth_signTypedData_v4", "eth_signTypedData":
            address = try RPCParams.address(try p.required(0, "address"))
            var typed = try p.required(1, "typed data")
            // Clients send it as a JSON string (MetaMask's form) or as an object.
            if let text = typed.stringValue {
                do { typed = try JSON.parse(text) } catch { throw .invalidParams("typed data: \(error.description)") }
            }
            hash = try TypedData.signingHash(typed)
        default:
            return nil
        }
        guard let key = chain.key(for: address) else { throw .server("unknown account \(address.checksummed)") }
        let signature: RecoverableSignature
        do { signature = try key.sign(hash: hash) } catch { throw .internalError("signing failed: \(error)") }
        return RPCFormat.data(signature.r.bytes + signature.s.bytes + [signature.v + 27])
    }

    /// EIP-191 version 0x45: `keccak256("\x19Ethereum Signed Message:\n" ‖ len(message) ‖ message)`.
    static func personalHash(_ message: [UInt8]) -> Bytes32 {
        Keccak256.hash(Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8) + message)
    }
}
