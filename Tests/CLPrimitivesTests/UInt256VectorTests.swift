import CLPrimitives
import Foundation
import Testing
import TestSupport

/// The EVM operations covered by the reference vectors of `Scripts/gen-uint256-vectors.py`.
enum UInt256Operation: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case add, sub, mul, div, sdiv, mod, smod, addmod, mulmod, exp
    case shl, shr, sar, byte, signextend
    case lt, gt, slt, sgt, eq
    case and, or, xor, not, iszero

    var testDescription: String { rawValue }

    var arity: Int {
        switch self {
        case .not, .iszero: return 1
        case .addmod, .mulmod: return 3
        default: return 2
        }
    }

    /// The result as the EVM pushes it (predicates as the word 0 or 1).
    func evaluate(_ x: [UInt256]) -> UInt256 {
        func word(_ flag: Bool) -> UInt256 { flag ? .one : .zero }
        switch self {
        case .add: return x[0] &+ x[1]
        case .sub: return x[0] &- x[1]
        case .mul: return x[0] &* x[1]
        case .div: return x[0].div(x[1])
        case .sdiv: return x[0].sdiv(x[1])
        case .mod: return x[0].mod(x[1])
        case .smod: return x[0].smod(x[1])
        case .addmod: return x[0].addmod(x[1], x[2])
        case .mulmod: return x[0].mulmod(x[1], x[2])
        case .exp: return x[0].exp(x[1])
        case .shl: return x[0].shl(x[1])
        case .shr: return x[0].shr(x[1])
        case .sar: return x[0].sar(x[1])
        case .byte: return x[0].byte(x[1])
        case .signextend: return x[0].signextend(x[1])
        case .lt: return word(x[0] < x[1])
        case .gt: return word(x[0] > x[1])
        case .slt: return word(x[0].signedLessThan(x[1]))
        case .sgt: return word(x[0].signedGreaterThan(x[1]))
        case .eq: return word(x[0] == x[1])
        case .and: return x[0] & x[1]
        case .or: return x[0] | x[1]
        case .xor: return x[0] ^ x[1]
        case .not: return ~x[0]
        case .iszero: return word(x[0].isZero)
        }
    }
}

/// A parsed `Fixtures/uint256/<op>.bin` (layout in Fixtures/uint256/README.md).
struct UInt256VectorFile {
    struct FormatError: Error, CustomStringConvertible {
        let description: String
    }

    let seed: UInt64
    let sampledCount: Int
    let explicitCount: Int
    let arity: Int
    let resultSize: Int
    private let bytes: [UInt8]

    init(_ operation: UInt256Operation) throws {
        let raw = Array(try Fixtures.data("uint256/\(operation.rawValue).bin"))
        guard raw.count >= 32, Array(raw[0..<8]) == Array("U256VEC1".utf8) else {
            throw FormatError(description: "\(operation.rawValue).bin: bad magic")
        }
        func little(_ offset: Int, _ size: Int) -> UInt64 {
            (0..<size).reduce(0) { $0 | UInt64(raw[offset + $1]) << (8 * UInt64($1)) }
        }
        bytes = raw
        seed = little(8, 8)
        sampledCount = Int(little(16, 4))
        explicitCount = Int(little(20, 4))
        arity = Int(raw[24])
        resultSize = Int(raw[25])
        let expected = 32 + explicitCount * (arity * 32 + resultSize) + sampledCount * resultSize
        guard bytes.count == expected else {
            throw FormatError(description: "\(operation.rawValue).bin: \(bytes.count) bytes, header implies \(expected)")
        }
    }

    private func word(at offset: Int, size: Int) -> UInt256 {
        UInt256(bigEndianBytes: bytes[offset..<(offset + size)])!
    }

    /// Explicit vector `index`: its inputs and expected result.
    func explicitVector(_ index: Int) -> (inputs: [UInt256], result: UInt256) {
        let start = 32 + index * (arity * 32 + resultSize)
        let inputs = (0..<arity).map { word(at: start + 32 * $0, size: 32) }
        return (inputs, word(at: start + arity * 32, size: resultSize))
    }

    /// The expected result of sampled vector `index`.
    func sampledResult(_ index: Int) -> UInt256 {
        let start = 32 + explicitCount * (arity * 32 + resultSize) + index * resultSize
        return word(at: start, size: resultSize)
    }
}

@Suite struct UInt256VectorTests {
    /// Every vector of every operation against Python's integers. Failures print the inputs.
    @Test(arguments: UInt256Operation.allCases)
    func referenceVectors(_ operation: UInt256Operation) throws {
        let file = try UInt256VectorFile(operation)
        #expect(file.arity == operation.arity)
        #expect(file.sampledCount >= 10_000)

        var failures: [String] = []
        var checked = 0, mismatches = 0
        func check(_ inputs: [UInt256], _ expected: UInt256, _ label: String) {
            checked += 1
            let actual = operation.evaluate(inputs)
            guard actual != expected else { return }
            mismatches += 1
            if failures.count < 20 {
                let shown = inputs.map(\.hexQuantity).joined(separator: ", ")
                failures.append("\(label): \(operation.rawValue)(\(shown)) = \(actual.hexQuantity), "
                                + "expected \(expected.hexQuantity)")
            }
        }
        for index in 0..<file.explicitCount {
            let (inputs, expected) = file.explicitVector(index)
            check(inputs, expected, "explicit #\(index)")
        }
        var rng = SplitMix64(seed: file.seed)
        for index in 0..<file.sampledCount {
            let inputs = VectorSampler.inputs(for: operation, &rng)
            check(inputs, file.sampledResult(index), "sampled #\(index)")
        }
        #expect(checked == file.explicitCount + file.sampledCount)
        #expect(mismatches == 0, """
            \(operation.rawValue): \(mismatches) of \(checked) vectors wrong (first \(failures.count) shown; if nearly every sampled vector \
            fails, the Swift sampler has drifted from Scripts/gen-uint256-vectors.py):
            \(failures.joined(separator: "\n"))
            """)
    }
}
