import CLABI
import CLPrimitives
import Foundation
import TestSupport

/// Fixture loading through CLABI's own JSON reader (which these tests exercise as well).
enum ABIFixtures {
    static func text(_ relative: String) throws -> String {
        String(decoding: try Fixtures.data(relative), as: UTF8.self)
    }

    static func json(_ relative: String) throws -> JSONValue {
        try JSONValue(parsing: try text(relative))
    }

    /// The `vectors` array of a generated vector file.
    static func vectors(_ relative: String) throws -> [JSONValue] {
        try json(relative)["vectors"]?.arrayValue ?? []
    }

    static func hexBytes(_ json: JSONValue?) throws -> [UInt8] {
        try Hex.decode(json?.stringValue ?? "?")
    }

    static func types(_ json: JSONValue?) throws -> [ABIType] {
        var out: [ABIType] = []
        for item in json?.arrayValue ?? [] { out.append(try ABIType(parsing: item.stringValue ?? "?")) }
        return out
    }

    static func values(_ json: JSONValue?, _ types: [ABIType]) throws -> [ABIValue] {
        let items = json?.arrayValue ?? []
        var out: [ABIValue] = []
        for (item, type) in zip(items, types) { out.append(try ABIValue(json: item, type: type)) }
        return out
    }
}
