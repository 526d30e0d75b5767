import CLFPVM
import CLPrimitives
import Foundation
import TestSupport
import Testing

/// Known-answer vectors from Scripts/fpvm_vectors.py, which builds the encodings from docs/PROTOCOL.md
/// with its own packing code and hashes them with pycryptodome's Keccak-256.
@Suite("FPVM state encoding")
struct StateEncodingTests {
    struct Vector: Decodable {
        let memRoot: String, preimageKey: String, preimageOffset: UInt32, pc: UInt32, exitCode: UInt8
        let exited: Bool, fault: UInt8, step: UInt64, registers: [UInt32], encoded: String, hash: String
    }

    @Test func stateVectors() throws {
        let vectors = try JSONDecoder().decode([Vector].self, from: Fixtures.data("fpvm/state-vectors.json"))
        #expect(vectors.count >= 4)
        for v in vectors {
            let state = VMState(memRoot: try Bytes32(hex: v.memRoot), preimageKey: try Bytes32(hex: v.preimageKey),
                                preimageOffset: v.preimageOffset, pc: v.pc, exitCode: v.exitCode, exited: v.exited,
                                fault: v.fault, step: v.step, registers: v.registers)
            #expect(Hex.encode(state.encoded) == v.encoded)
            #expect(state.hash.hex == v.hash)
            #expect(VMState(encoded: state.encoded) == state)
        }
    }

    @Test func emptyMemoryRootVector() throws {
        let json = try Fixtures.json("fpvm/memory-vectors.json") as! [String: Any]
        #expect(Memory().root().hex == json["emptyRoot"] as? String)
        let memory = Memory()
        for write in json["writes"] as! [[String: Any]] {
            memory.write(UInt32(write["address"] as! Int), try Hex.decode(write["bytes"] as! String))
        }
        #expect(memory.root().hex == json["root"] as? String)
    }

    @Test func decodeRejectsBadEncodings() {
        #expect(VMState(encoded: [UInt8](repeating: 0, count: 210)) == nil)
        var bytes = [UInt8](repeating: 0, count: 211)
        bytes[StateLayout.exited] = 2
        #expect(VMState(encoded: bytes) == nil)
    }
}
