import CLFPVM
import CLPrimitives
import Foundation

/// The loaded base state of each guest program a process runs tasks of (its ELF with a zero input, the memory
/// tree hashed once), so that a task's S_0 is a copy-on-write copy with the 32-byte input written, rehashing one
/// page instead of the whole image. An honest party computes the program's base state anyway (its hash is the
/// program hash it vets tasks against); a validator that re-runs many nodes of one program pays for it once.
final class ProgramImages: @unchecked Sendable {
    /// The process's images.
    static let shared = ProgramImages()
    /// Programs kept at most (the oldest is dropped beyond it).
    private let capacity = 8
    private var images: [(key: Bytes32, base: FPVM)] = []
    private let lock = NSLock()

    /// The VM in S_0 of `program` with `input` (32 bytes) and `oracle`: the same state as
    /// `GuestProgram(elf: program).makeVM(input: input, oracle: oracle)`.
    func makeVM(program: [UInt8], input: [UInt8], oracle: PreimageStore) throws(ELFError) -> FPVM {
        if input.count != TaskSpec.inputSize { return try GuestProgram(elf: program).makeVM(input: input, oracle: oracle) }
        let key = Keccak256.hash(program)
        lock.lock()
        defer { lock.unlock() }
        let base: FPVM
        if let known = images.first(where: { $0.key == key }) {
            base = known.base
        } else {
            base = try GuestProgram(elf: program).makeVM(input: [UInt8](repeating: 0, count: TaskSpec.inputSize))
            _ = base.stateHash
            images.append((key, base))
            if images.count > capacity { images.removeFirst() }
        }
        // An independent copy (no shared page records), so the VM may run on any thread.
        let vm = FPVM(memory: base.memory.independentCopy(), pc: base.pc, registers: base.registers,
                      preimageKey: base.preimageKey, oracle: oracle)
        vm.memory.write(MemoryMap.inputBase, input)
        return vm
    }
}
