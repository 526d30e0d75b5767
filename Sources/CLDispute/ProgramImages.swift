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
    private var images: [(program: [UInt8], base: FPVM)] = []
    private let lock = NSLock()

    /// The program's base state (its ELF with a zero input) and the memory proof of the input leaf against it.
    func baseState(program: [UInt8]) throws(ELFError) -> (state: VMState, inputProof: MemoryProof) {
        lock.lock()
        defer { lock.unlock() }
        let base = try image(program)
        return (base.state, base.memory.proof(MemoryMap.inputBase))
    }

    /// The loaded base VM of `program` (the caller holds the lock).
    private func image(_ program: [UInt8]) throws(ELFError) -> FPVM {
        // Array equality: immediate for the same storage (a task's copy of the program), else a byte compare.
        if let known = images.first(where: { $0.program == program }) { return known.base }
        let base = try GuestProgram(elf: program).makeVM(input: [UInt8](repeating: 0, count: TaskSpec.inputSize))
        _ = base.stateHash
        images.append((program, base))
        if images.count > capacity { images.removeFirst() }
        return base
    }

    /// The VM in S_0 of `program` with `input` (32 bytes) and `oracle`: the same state as
    /// `GuestProgram(elf: program).makeVM(input: input, oracle: oracle)`.
    func makeVM(program: [UInt8], input: [UInt8], oracle: PreimageStore) throws(ELFError) -> FPVM {
        if input.count != TaskSpec.inputSize { return try GuestProgram(elf: program).makeVM(input: input, oracle: oracle) }
        lock.lock()
        defer { lock.unlock() }
        let base = try image(program)
        // An independent copy (no shared page records), so the VM may run on any thread.
        let vm = FPVM(memory: base.memory.independentCopy(), pc: base.pc, registers: base.registers,
                      preimageKey: base.preimageKey, oracle: oracle)
        vm.memory.write(MemoryMap.inputBase, input)
        return vm
    }
}
