// Event logs: topics of indexed parameters and decoding a log back into arguments.

import CLPrimitives

/// One decoded event argument. An indexed parameter of a value type is recovered from its topic;
/// an indexed `bytes`, `string`, array or tuple is only a hash in the log, so that hash is returned.
public enum DecodedEventArgument: Hashable, Sendable {
    /// The argument's value.
    case value(ABIValue)
    /// The Keccak-256 of an indexed dynamic or composite argument's encoding (the value is not in the log).
    case hashedTopic(Bytes32)
}

/// A log decoded against an event.
public struct DecodedEvent: Hashable, Sendable {
    /// The event matched.
    public let event: ABIEvent
    /// One argument per event input, in declaration order.
    public let arguments: [DecodedEventArgument]

    /// The argument of the input called `name`, if any.
    public func argument(named name: String) -> DecodedEventArgument? {
        guard let index = event.inputs.firstIndex(where: { $0.name == name }) else { return nil }
        return arguments[index]
    }
}

extension ABIEvent {
    /// The topic of one indexed argument: the 32-byte word of a value type, otherwise the Keccak-256
    /// of the value's indexed encoding (Solidity ABI spec, "Encoding of Indexed Event Parameters").
    public static func topic(for value: ABIValue, type: ABIType) throws(ABIError) -> Bytes32 {
        if type.isValueType {
            return Bytes32(bytes: try ABIEncoder.encode(value, as: type)) ?? .zero
        }
        var out: [UInt8] = []
        try appendIndexedEncoding(value, type: type, padded: false, into: &out)
        return Keccak256.hash(out)
    }

    /// The indexed encoding: `bytes`/`string` raw (padded to a word when inside an array or tuple),
    /// arrays and tuples as the concatenation of their elements' indexed encodings, with no lengths
    /// or offsets.
    static func appendIndexedEncoding(_ value: ABIValue, type: ABIType, padded: Bool,
                                      into out: inout [UInt8]) throws(ABIError) {
        switch (type, value) {
        case (.bytes, .bytes(let bytes)):
            padded ? ABIEncoder.appendPadded(bytes, to: &out) : out.append(contentsOf: bytes)
        case (.string, .string(let text)):
            padded ? ABIEncoder.appendPadded(Array(text.utf8), to: &out) : out.append(contentsOf: Array(text.utf8))
        case (.array(let element), .array(let elements)):
            for item in elements { try appendIndexedEncoding(item, type: element, padded: true, into: &out) }
        case (.fixedArray(let element, let count), .array(let elements)):
            guard elements.count == count else {
                throw .wrongElementCount(type: type.canonicalName, expected: count, found: elements.count)
            }
            for item in elements { try appendIndexedEncoding(item, type: element, padded: true, into: &out) }
        case (.tuple(let members), .tuple(let memberValues)):
            guard members.count == memberValues.count else {
                throw .wrongElementCount(type: type.canonicalName, expected: members.count, found: memberValues.count)
            }
            for (member, item) in zip(members, memberValues) {
                try appendIndexedEncoding(item, type: member, padded: true, into: &out)
            }
        default:
            guard type.isValueType else { throw .typeMismatch(expected: type.canonicalName, found: value.kindName) }
            try ABIEncoder.encodeValue(value, as: type, into: &out)
        }
    }

    /// The topics and data of a log emitting this event with `arguments` (one per input).
    public func encodeLog(_ arguments: [ABIValue]) throws(ABIError) -> (topics: [Bytes32], data: [UInt8]) {
        guard arguments.count == inputs.count else {
            throw .wrongElementCount(type: signature, expected: inputs.count, found: arguments.count)
        }
        var topics: [Bytes32] = anonymous ? [] : [topic0]
        var dataValues: [ABIValue] = []
        var dataTypes: [ABIType] = []
        for (input, argument) in zip(inputs, arguments) {
            if input.indexed {
                topics.append(try ABIEvent.topic(for: argument, type: input.type))
            } else {
                dataValues.append(argument)
                dataTypes.append(input.type)
            }
        }
        return (topics, try ABIEncoder.encode(dataValues, as: dataTypes))
    }

    /// Decodes a log: checks the signature topic (unless anonymous) and the topic count, reads indexed
    /// value types from their topics (strictly, as the decoder reads words) and the rest from `data`.
    public func decodeLog(topics: [Bytes32], data: [UInt8]) throws(ABIError) -> DecodedEvent {
        let indexedCount = inputs.filter(\.indexed).count
        let expectedTopics = indexedCount + (anonymous ? 0 : 1)
        guard topics.count == expectedTopics else {
            throw .eventMismatch("\(signature) has \(expectedTopics) topics, log has \(topics.count)")
        }
        if !anonymous, topics[0] != topic0 { throw .eventMismatch("signature topic is not \(signature)") }
        let dataValues = try ABIDecoder.decode(inputs.filter { !$0.indexed }.map(\.type), from: data)
        var arguments: [DecodedEventArgument] = []
        var topicIndex = anonymous ? 0 : 1
        var dataIndex = 0
        for input in inputs {
            if input.indexed {
                let topic = topics[topicIndex]
                topicIndex += 1
                if input.type.isValueType {
                    arguments.append(.value(try ABIDecoder.decode(input.type, from: topic.bytes)))
                } else {
                    arguments.append(.hashedTopic(topic))
                }
            } else {
                arguments.append(.value(dataValues[dataIndex]))
                dataIndex += 1
            }
        }
        return DecodedEvent(event: self, arguments: arguments)
    }
}

extension ContractABI {
    /// Decodes a log against the event whose signature topic is `topics[0]`; nil when none matches.
    public func decodeLog(topics: [Bytes32], data: [UInt8]) throws(ABIError) -> DecodedEvent? {
        guard let first = topics.first, let event = event(topic0: first) else { return nil }
        return try event.decodeLog(topics: topics, data: data)
    }
}
