import CLFPVM
import CLPrimitives

/// What a task asks for, as the off-chain parties know it: the guest program, its input and the
/// preimages (model data) the guest reads through the oracle. The chain only holds hashes of these
/// and the initial state hash S_0, which every party recomputes before taking part.
public struct TaskSpec: Sendable {
    /// A label for logs.
    public var name: String
    /// The guest ELF.
    public var program: [UInt8]
    /// The input bytes (at 0x7100_0000).
    public var input: [UInt8]
    /// Data served by the preimage oracle, each under keccak256(data).
    public var preimages: [[UInt8]]
    /// The model's hash as posted (the oracle key of its descriptor, or of the model file).
    public var modelHash: Bytes32

    /// A task from its parts.
    public init(name: String, program: [UInt8], input: [UInt8], preimages: [[UInt8]] = [], modelHash: Bytes32? = nil) {
        self.name = name
        self.program = program
        self.input = input
        self.preimages = preimages
        self.modelHash = modelHash ?? Keccak256.hash(preimages.first ?? [])
    }

    /// keccak256 of the ELF.
    public var programHash: Bytes32 { Keccak256.hash(program) }
    /// keccak256 of the input.
    public var inputHash: Bytes32 { Keccak256.hash(input) }

    /// The VM in state S_0 with the oracle filled.
    public func makeVM() throws(DisputeError) -> FPVM {
        var store = PreimageStore()
        for data in preimages { store.add(data) }
        do {
            return try GuestProgram(elf: program).makeVM(input: input, oracle: store)
        } catch {
            throw .execution("\(name): \(error)")
        }
    }

    /// The hash of S_0.
    public func initialStateHash() throws(DisputeError) -> Bytes32 { try makeVM().stateHash }
}
