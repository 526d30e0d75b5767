import CLEVM
import CLPrimitives
import Foundation

/// Writes EIP-3155 JSON lines (one object per step) in the shape of the execution specs'
/// `ethereum-spec-evm statetest --json`, to a file handle (stderr by default).
public final class EIP3155Tracer: EVMTracer {
    private let handle: FileHandle
    private var buffer = ""
    /// The fork whose mnemonics name the opcodes (CLZ is `0x1e` before Osaka).
    private let fork: Hardfork

    /// Creates a tracer writing to `handle`, naming opcodes as `fork` defines them.
    public init(handle: FileHandle = .standardError, fork: Hardfork = .cancun) {
        self.handle = handle
        self.fork = fork
    }

    /// See `EVMTracer`.
    public func step(_ s: TraceStep) {
        var line = "{\"pc\":\(s.pc),\"op\":\(s.opcode),\"gas\":\"\(hex(s.gas))\",\"gasCost\":\"\(hex(s.gasCost))\""
        line += ",\"memSize\":\(s.memorySize),\"stack\":["
        line += s.stack.map { "\"\($0.hexQuantity)\"" }.joined(separator: ",")
        line += "],\"depth\":\(s.depth),\"refund\":\(s.refund),\"opName\":\"\(OpcodeTable.name(of: s.opcode, fork: fork))\""
        if let error = s.error { line += ",\"error\":\"\(error)\"" }
        line += "}\n"
        write(line)
    }

    /// Writes the EIP-3155 end-of-transaction summary line.
    public func finish(output: [UInt8], gasUsed: UInt64, error: String?, stateRoot: Bytes32, passed: Bool) {
        var line = "{\"stateRoot\":\"\(stateRoot.hex)\",\"output\":\"\(Hex.encode(output, prefix: true))\""
        line += ",\"gasUsed\":\"\(hex(Int(gasUsed)))\",\"pass\":\(passed),\"fork\":\"Cancun\""
        if let error { line += ",\"error\":\"\(error)\"" }
        line += "}\n"
        write(line)
        flush()
    }

    private func hex(_ v: Int) -> String { "0x" + String(v, radix: 16) }

    private func write(_ text: String) {
        buffer += text
        if buffer.utf8.count > 1 << 16 { flush() }
    }

    /// Writes out buffered lines.
    public func flush() {
        if !buffer.isEmpty {
            handle.write(Data(buffer.utf8))
            buffer = ""
        }
    }
}
