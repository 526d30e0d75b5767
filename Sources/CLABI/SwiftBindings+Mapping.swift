// How generated bindings map ABI types to Swift types, and the Swift expressions that convert them.

/// The Swift side of one ABI type in generated bindings.
struct SwiftTypeMapping {
    /// The Swift type name (`UInt256`, `[Point]`).
    var swiftType: String
    /// Builds an expression of type `ABIValue` from a Swift expression of `swiftType`.
    var encode: (String) -> String
    /// Builds a (throwing) expression of `swiftType` from an expression of type `ABIValue`.
    var decode: (String) -> String
}

/// A tuple type the generator has given a Swift struct.
struct GeneratedStruct {
    var name: String
    var type: ABIType
    var members: [ABIParameter]
}

extension SwiftBindingsGenerator {
    /// Swift keywords that cannot be used bare as identifiers.
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "protocol", "public", "rethrows", "static", "struct",
        "subscript", "typealias", "var", "break", "case", "continue", "default", "defer", "do", "else",
        "fallthrough", "for", "guard", "if", "in", "repeat", "return", "switch", "where", "while", "as", "Any",
        "catch", "false", "is", "nil", "super", "self", "Self", "throw", "throws", "true", "try", "Type",
        "some", "any", "await", "consume", "borrowing", "consuming",
    ]

    /// A valid Swift identifier from an ABI name (`_to` stays, `from` stays, `in` becomes `in_`).
    static func identifier(_ name: String, fallback: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            let ok = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
                || (scalar >= "0" && scalar <= "9") || scalar == "_"
            out.unicodeScalars.append(ok ? scalar : "_")
        }
        if out.isEmpty { return fallback }
        if let first = out.unicodeScalars.first, first >= "0" && first <= "9" { out = "_" + out }
        return keywords.contains(out) ? out + "_" : out
    }

    /// `name` with its first letter upper-cased.
    static func capitalized(_ name: String) -> String {
        guard let first = name.first else { return name }
        return first.uppercased() + name.dropFirst()
    }

    /// Unique identifiers for a parameter list (empty names become `arg0`, repeats get their index).
    static func parameterNames(_ parameters: [ABIParameter], fallbackPrefix: String) -> [String] {
        var seen: Set<String> = []
        var names: [String] = []
        for (index, parameter) in parameters.enumerated() {
            var name = identifier(parameter.name, fallback: "\(fallbackPrefix)\(index)")
            if seen.contains(name) { name += "_\(index)" }
            seen.insert(name)
            names.append(name)
        }
        return names
    }

    /// A Swift expression that builds `type` as an `ABIType` value.
    static func typeLiteral(_ type: ABIType) -> String {
        switch type {
        case .uint(let bits): return "ABIType.uint(bits: \(bits))"
        case .int(let bits): return "ABIType.int(bits: \(bits))"
        case .address: return "ABIType.address"
        case .bool: return "ABIType.bool"
        case .fixedBytes(let size): return "ABIType.fixedBytes(\(size))"
        case .bytes: return "ABIType.bytes"
        case .string: return "ABIType.string"
        case .array(let element): return "ABIType.array(\(typeLiteral(element)))"
        case .fixedArray(let element, let count): return "ABIType.fixedArray(\(typeLiteral(element)), \(count))"
        case .tuple(let members): return "ABIType.tuple([\(members.map(typeLiteral).joined(separator: ", "))])"
        }
    }

    /// A Swift array literal of ABI types.
    static func typeListLiteral(_ types: [ABIType]) -> String {
        "[" + types.map(typeLiteral).joined(separator: ", ") + "]"
    }

    /// A Swift expression that builds an `ABIParameter` (for event definitions).
    static func parameterLiteral(_ parameter: ABIParameter) -> String {
        "ABIParameter(name: \(stringLiteral(parameter.name)), type: \(typeLiteral(parameter.type)), "
            + "indexed: \(parameter.indexed))"
    }

    /// A Swift string literal.
    static func stringLiteral(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value > 0x7e: out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A Swift byte-array literal.
    static func bytesLiteral(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        let items = bytes.map { "0x" + String(digits[Int($0 >> 4)]) + String(digits[Int($0 & 15)]) }
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// The struct name a tuple parameter gets: the last part of `internalType` (`struct Pool.Key[]` →
    /// `Key`) when present, else `hint`.
    static func structName(internalType: String?, hint: String) -> String {
        if let internalType, internalType.hasPrefix("struct ") {
            var name = Substring(internalType.dropFirst("struct ".count))
            if let bracket = name.firstIndex(of: "[") { name = name[..<bracket] }
            if let dot = name.lastIndex(of: ".") { name = name[name.index(after: dot)...] }
            return identifier(String(name), fallback: hint)
        }
        return hint
    }

    /// The mapping of a parameter's type, registering structs for its tuples.
    mutating func mapping(for parameter: ABIParameter, hint: String, depth: Int = 0) -> SwiftTypeMapping {
        mapping(type: parameter.type, components: parameter.components, internalType: parameter.internalType,
                hint: hint, depth: depth)
    }

    mutating func mapping(type: ABIType, components: [ABIParameter], internalType: String?, hint: String,
                          depth: Int) -> SwiftTypeMapping {
        switch type {
        case .uint(let bits) where [8, 16, 32, 64].contains(bits):
            return SwiftTypeMapping(swiftType: "UInt\(bits)", encode: { "ABIBindingSupport.uint(\($0))" },
                                    decode: { "try ABIBindingSupport.unsigned(\($0), as: UInt\(bits).self)" })
        case .int(let bits) where [8, 16, 32, 64].contains(bits):
            return SwiftTypeMapping(swiftType: "Int\(bits)", encode: { "ABIBindingSupport.int(\($0))" },
                                    decode: { "try ABIBindingSupport.signed(\($0), as: Int\(bits).self)" })
        case .uint:
            return SwiftTypeMapping(swiftType: "UInt256", encode: { "ABIValue.uint(\($0))" }, decode: { "try \($0).asUInt()" })
        case .int:
            return SwiftTypeMapping(swiftType: "UInt256", encode: { "ABIValue.int(\($0))" }, decode: { "try \($0).asInt()" })
        case .address:
            return SwiftTypeMapping(swiftType: "Address", encode: { "ABIValue.address(\($0))" },
                                    decode: { "try \($0).asAddress()" })
        case .bool:
            return SwiftTypeMapping(swiftType: "Bool", encode: { "ABIValue.bool(\($0))" }, decode: { "try \($0).asBool()" })
        case .fixedBytes(32):
            return SwiftTypeMapping(swiftType: "Bytes32", encode: { "ABIValue.fixedBytes(\($0).bytes)" },
                                    decode: { "try ABIBindingSupport.bytes32(\($0))" })
        case .fixedBytes:
            return SwiftTypeMapping(swiftType: "[UInt8]", encode: { "ABIValue.fixedBytes(\($0))" },
                                    decode: { "try \($0).asBytes()" })
        case .bytes:
            return SwiftTypeMapping(swiftType: "[UInt8]", encode: { "ABIValue.bytes(\($0))" }, decode: { "try \($0).asBytes()" })
        case .string:
            return SwiftTypeMapping(swiftType: "String", encode: { "ABIValue.string(\($0))" }, decode: { "try \($0).asString()" })
        case .array(let element), .fixedArray(let element, _):
            let inner = mapping(type: element, components: components, internalType: internalType, hint: hint,
                                depth: depth + 1)
            let item = "item\(depth)"
            return SwiftTypeMapping(
                swiftType: "[\(inner.swiftType)]",
                encode: { "ABIValue.array(\($0).map { (\(item): \(inner.swiftType)) -> ABIValue in \(inner.encode(item)) })" },
                decode: { "try ABIBindingSupport.array(\($0)) { (\(item): ABIValue) throws(ABIError) -> \(inner.swiftType) in "
                    + "\(inner.decode(item)) }" })
        case .tuple:
            let name = registerStruct(type: type, members: components, name: Self.structName(internalType: internalType, hint: hint))
            return SwiftTypeMapping(swiftType: name, encode: { "\($0).abiValue" }, decode: { "try \(name)(abiValue: \($0))" })
        }
    }

    /// Gives a tuple type a struct (reusing an identical one), returning its name.
    mutating func registerStruct(type: ABIType, members: [ABIParameter], name: String) -> String {
        let memberNames = members.map(\.name)
        if let existing = structs.first(where: { $0.type == type && $0.members.map(\.name) == memberNames }) {
            return existing.name
        }
        var unique = name
        var counter = 2
        while structs.contains(where: { $0.name == unique }) || reservedNames.contains(unique) {
            unique = name + "\(counter)"
            counter += 1
        }
        structs.append(GeneratedStruct(name: unique, type: type, members: members))
        let index = structs.count - 1
        // Register nested tuples now, so their names are fixed before this struct is written.
        for (memberIndex, member) in members.enumerated() {
            _ = mapping(for: member, hint: unique + Self.capitalized(Self.identifier(member.name, fallback: "Member\(memberIndex)")))
        }
        return structs[index].name
    }
}
