// The JSON ABI model: functions, events, errors, constructor, fallback and receive, with signatures
// and selectors.

import CLPrimitives

/// A named, typed parameter of a function, event or error, as in a JSON ABI.
public struct ABIParameter: Hashable, Sendable {
    /// The parameter name (may be empty).
    public var name: String
    /// The canonical type.
    public var type: ABIType
    /// The compiler's source-level type (`struct Pool.Key`, `contract IERC20`), when given.
    public var internalType: String?
    /// For tuple types (and arrays of them): the named members of the innermost tuple.
    public var components: [ABIParameter]
    /// For event inputs: whether the parameter is a topic.
    public var indexed: Bool

    /// A parameter of `type`.
    public init(name: String = "", type: ABIType, internalType: String? = nil, components: [ABIParameter] = [],
                indexed: Bool = false) {
        self.name = name
        self.type = type
        self.internalType = internalType
        self.components = components
        self.indexed = indexed
    }
}

/// A function's `stateMutability`.
public enum StateMutability: String, Hashable, Sendable {
    /// Reads no state.
    case pure
    /// Reads but does not write state.
    case view
    /// Writes state, takes no ether.
    case nonpayable
    /// Writes state and takes ether.
    case payable
}

/// The 4-byte selector of a canonical signature: the first four bytes of its Keccak-256.
public func abiSelector(_ signature: String) -> [UInt8] {
    Array(Keccak256.hash(Array(signature.utf8)).bytes.prefix(4))
}

/// `name(T1,T2,...)` with canonical type names.
public func abiSignature(_ name: String, _ parameters: [ABIParameter]) -> String {
    name + ABIType.canonicalList(parameters.map(\.type))
}

/// A function entry of an ABI.
public struct ABIFunction: Hashable, Sendable {
    /// The function name.
    public var name: String
    /// The arguments.
    public var inputs: [ABIParameter]
    /// The return values.
    public var outputs: [ABIParameter]
    /// Whether it reads, writes, or takes ether.
    public var stateMutability: StateMutability

    /// A function with the given parts.
    public init(name: String, inputs: [ABIParameter], outputs: [ABIParameter] = [],
                stateMutability: StateMutability = .nonpayable) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.stateMutability = stateMutability
    }

    /// Parses `name(T1,T2)` (a human-readable signature, parameter types only).
    public init(signature: String) throws(ABIError) {
        guard let open = signature.firstIndex(of: "("), signature.last == ")" else {
            throw .invalidType(text: signature, reason: "expected name(types)")
        }
        let name = String(signature[..<open])
        guard !name.isEmpty, name.utf8.allSatisfy({ TypeStringParser.isIdentifierByte($0) }) else {
            throw .invalidType(text: signature, reason: "bad function name")
        }
        let types = try ABIType.parseList(String(signature[open...]))
        self.init(name: name, inputs: types.map { ABIParameter(type: $0) })
    }

    /// The canonical signature, e.g. `transfer(address,uint256)`.
    public var signature: String { abiSignature(name, inputs) }
    /// The 4-byte selector.
    public var selector: [UInt8] { abiSelector(signature) }
    /// The input types.
    public var inputTypes: [ABIType] { inputs.map(\.type) }
    /// The output types.
    public var outputTypes: [ABIType] { outputs.map(\.type) }

    /// Calldata for a call with `arguments`.
    public func encodeCall(_ arguments: [ABIValue]) throws(ABIError) -> [UInt8] {
        try ABIEncoder.encodeCall(selector: selector, arguments, as: inputTypes)
    }

    /// The arguments of calldata for this function (the selector is checked).
    public func decodeCall(_ calldata: [UInt8]) throws(ABIError) -> [ABIValue] {
        try ABIDecoder.decodeCall(selector: selector, inputTypes, from: calldata)
    }

    /// The return values in `returnData`.
    public func decodeOutput(_ returnData: [UInt8]) throws(ABIError) -> [ABIValue] {
        try ABIDecoder.decode(outputTypes, from: returnData)
    }

    /// Return data holding `values` (what the function returns, encoded).
    public func encodeOutput(_ values: [ABIValue]) throws(ABIError) -> [UInt8] {
        try ABIEncoder.encode(values, as: outputTypes)
    }
}

/// An event entry of an ABI.
public struct ABIEvent: Hashable, Sendable {
    /// The event name.
    public var name: String
    /// The parameters; `indexed` ones are topics.
    public var inputs: [ABIParameter]
    /// Whether the event omits its signature topic.
    public var anonymous: Bool

    /// An event with the given parts.
    public init(name: String, inputs: [ABIParameter], anonymous: Bool = false) {
        self.name = name
        self.inputs = inputs
        self.anonymous = anonymous
    }

    /// The canonical signature, e.g. `Transfer(address,address,uint256)`.
    public var signature: String { abiSignature(name, inputs) }
    /// The signature topic: the Keccak-256 of the signature.
    public var topic0: Bytes32 { Keccak256.hash(Array(signature.utf8)) }
}

/// A custom error entry of an ABI (`error InsufficientBalance(uint256 needed)`).
public struct ABIErrorDefinition: Hashable, Sendable {
    /// The error name.
    public var name: String
    /// The parameters.
    public var inputs: [ABIParameter]

    /// An error with the given parts.
    public init(name: String, inputs: [ABIParameter]) {
        self.name = name
        self.inputs = inputs
    }

    /// The canonical signature.
    public var signature: String { abiSignature(name, inputs) }
    /// The 4-byte selector that starts its revert data.
    public var selector: [UInt8] { abiSelector(signature) }
}

/// A contract's ABI: everything a JSON ABI lists.
public struct ContractABI: Hashable, Sendable {
    /// Functions, in source order.
    public var functions: [ABIFunction]
    /// Events, in source order.
    public var events: [ABIEvent]
    /// Custom errors, in source order.
    public var errors: [ABIErrorDefinition]
    /// The constructor's parameters, when it has an entry.
    public var constructorInputs: [ABIParameter]?
    /// The constructor's mutability (`payable` or `nonpayable`), when it has an entry.
    public var constructorMutability: StateMutability?
    /// The fallback function's mutability, when the contract has one.
    public var fallback: StateMutability?
    /// Whether the contract has a `receive` function.
    public var hasReceive: Bool

    /// An ABI with the given entries.
    public init(functions: [ABIFunction] = [], events: [ABIEvent] = [], errors: [ABIErrorDefinition] = [],
                constructorInputs: [ABIParameter]? = nil, constructorMutability: StateMutability? = nil,
                fallback: StateMutability? = nil, hasReceive: Bool = false) {
        self.functions = functions
        self.events = events
        self.errors = errors
        self.constructorInputs = constructorInputs
        self.constructorMutability = constructorMutability
        self.fallback = fallback
        self.hasReceive = hasReceive
    }

    /// The functions named `name` (overloads share a name).
    public func functions(named name: String) -> [ABIFunction] { functions.filter { $0.name == name } }

    /// The function whose selector starts `calldata`.
    public func function(selector: [UInt8]) -> ABIFunction? { functions.first { $0.selector == selector } }

    /// The non-anonymous event whose signature topic is `topic0`.
    public func event(topic0: Bytes32) -> ABIEvent? { events.first { !$0.anonymous && $0.topic0 == topic0 } }

    /// The custom error whose selector is `selector`.
    public func error(selector: [UInt8]) -> ABIErrorDefinition? { errors.first { $0.selector == selector } }

    /// Constructor arguments encoded for appending to creation bytecode.
    public func encodeConstructorArguments(_ values: [ABIValue]) throws(ABIError) -> [UInt8] {
        try ABIEncoder.encode(values, as: (constructorInputs ?? []).map(\.type))
    }
}

extension TypeStringParser {
    /// Letters, digits, `_` and `$`: the bytes of a Solidity identifier.
    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isNameByte(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
    }
}
