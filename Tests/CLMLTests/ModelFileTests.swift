import CLML
import CLPrimitives
import Foundation
import Testing
import TestSupport

/// The model file reader: round trips, the model hash, and typed errors for corrupt or truncated files.
@Suite struct ModelFileTests {
    static let models = ["ml/digits-mlp.clml", "ml/fashion-mlp.clml", "ml/fashion-cnn.clml"]

    static func bytes(_ name: String) throws -> [UInt8] { Array(try Fixtures.data(name)) }

    @Test(arguments: models)
    func roundTripsAndHashMatchesConverter(name: String) throws {
        let file = try Self.bytes(name)
        let model = try ModelFormat.decode(file)
        #expect(ModelFormat.encode(model) == file)
        let report = try #require(try Fixtures.json(name.replacingOccurrences(of: ".clml", with: ".json")) as? [String: Any])
        #expect(ModelFormat.modelHash(model).hex == report["model_hash"] as? String)
    }

    @Test func everyTruncationIsATypedError() throws {
        let file = try Self.bytes("ml/digits-mlp.clml")
        for length in 0..<file.count {
            #expect(throws: MLError.self) { _ = try ModelFormat.decode(Array(file[0..<length])) }
        }
    }

    @Test func specificCorruptionsGiveSpecificErrors() throws {
        let file = try Self.bytes("ml/digits-mlp.clml")
        var badMagic = file
        badMagic[0] = 0x58
        #expect(throws: MLError.badMagic) { _ = try ModelFormat.decode(badMagic) }
        var badVersion = file
        badVersion[4] = 9
        #expect(throws: MLError.unsupportedVersion(9)) { _ = try ModelFormat.decode(badVersion) }
        var dataFlip = file
        dataFlip[file.count - 1] ^= 0x01
        #expect(throws: MLError.hashMismatch(constant: 3)) { _ = try ModelFormat.decode(dataFlip) }
        #expect(throws: MLError.trailingBytes(count: 1)) { _ = try ModelFormat.decode(file + [0]) }
        var reader = ByteReader(file)
        let descriptor = try ModelFormat.decodeDescriptor(&reader)
        #expect(descriptor.nodes.count == 2)
        // The first node's operator code sits right after the header, the input and the four constants.
        let firstNode = 20 + (4 + 4 * 1 + 12) + 4 * (32 + 12)
        var badOperator = file
        badOperator[firstNode] = 0xEE
        #expect(throws: MLError.unknownOperator(0xEE)) { _ = try ModelFormat.decode(badOperator) }
        var forward = file
        forward[firstNode + 8] = 0
        forward[firstNode + 8 + 3] = 0x40  // operand 0 now names node 0 itself
        #expect(throws: MLError.badReference(node: 0, input: 0)) { _ = try ModelFormat.decode(forward) }
    }

    @Test func randomByteFlipsNeverCrash() throws {
        let file = try Self.bytes("ml/fashion-cnn.clml")
        var generator = SplitMix64(seed: 11)
        var rejected = 0
        for _ in 0..<400 {
            var corrupt = file
            let position = Int(generator.next() % UInt64(min(file.count, 2048)))
            corrupt[position] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            do { _ = try ModelFormat.decode(corrupt) } catch { rejected += 1 }
        }
        #expect(rejected > 200)
    }

    @Test func tensorEncodingRejectsBadHeaders() throws {
        #expect(throws: MLError.unknownDType(3)) { _ = try TensorCoding.decode([3, 1, 0, 0, 1, 0, 0, 0, 5]) }
        #expect(throws: MLError.badShape(offset: 0)) { _ = try TensorCoding.decode([1, 1, 0, 0, 0, 0, 0, 0]) }
        #expect(throws: MLError.reservedNotZero(offset: 2)) { _ = try TensorCoding.decode([1, 1, 1, 0, 1, 0, 0, 0, 5]) }
        #expect(throws: MLError.truncated(offset: 8, needed: 2)) { _ = try TensorCoding.decode([2, 1, 0, 0, 1, 0, 0, 0, 5]) }
        let tensor = Tensor(dtype: .int16, shape: [2, 2], values: [1, -2, 300, -32768])
        #expect(try TensorCoding.decode(TensorCoding.encode(tensor)) == tensor)
    }
}

/// A small seeded generator for reproducible random tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
