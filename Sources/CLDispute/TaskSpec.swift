import CLFPVM
import CLPrimitives

/// What a task asks for, as the off-chain parties know it: the guest program, its 32-byte input commitment
/// and the preimages (the request, model data) the guest reads through the oracle. The chain holds the
/// program hash (the FPVM hash of the program's base state), the input commitment and the model hash, and
/// computes the initial state S_0 itself from the registered base state (docs/PROTOCOL.md, "Programs and
/// the initial state"); every party recomputes all three before staking.
public struct TaskSpec: Sendable {
    /// The size of the input region a market task uses: one memory leaf, the input commitment.
    public static let inputSize = 32

    /// A label for logs.
    public var name: String
    /// The guest ELF.
    public var program: [UInt8]
    /// The input commitment: the 32 bytes at 0x7100_0000 (for the ML guest, the request's top index key).
    public var input: [UInt8]
    /// Data served by the preimage oracle, each under keccak256(data).
    public var preimages: [[UInt8]]
    /// The model's hash as posted (the oracle key of its descriptor, or of the model file).
    public var modelHash: Bytes32

    /// A task from its parts; `input` must be exactly 32 bytes (checked by `validate`).
    public init(name: String, program: [UInt8], input: [UInt8], preimages: [[UInt8]] = [], modelHash: Bytes32? = nil) {
        self.name = name
        self.program = program
        self.input = input
        self.preimages = preimages
        self.modelHash = modelHash ?? Keccak256.hash(preimages.first ?? [])
    }

    /// The input commitment as a word: what `TaskMarket.request` takes as `inputHash`.
    public var inputHash: Bytes32 { Bytes32(bytes: input) ?? .zero }

    /// The program's base state: its ELF loaded with a zeroed 32-byte input (what `registerProgram` takes),
    /// and the memory proof of the input leaf against it.
    public func baseState() throws(DisputeError) -> (state: VMState, inputProof: MemoryProof) {
        do {
            return try ProgramImages.shared.baseState(program: program)
        } catch {
            throw .execution("\(name): \(error)")
        }
    }

    /// The program hash: the FPVM hash of the base state.
    public func programHash() throws(DisputeError) -> Bytes32 { try baseState().state.hash }

    /// Rejects a spec the market cannot express (an input that is not one 32-byte leaf).
    public func validate() throws(DisputeError) {
        guard input.count == Self.inputSize else {
            throw .protocolViolation("\(name): the input commitment must be \(Self.inputSize) bytes, not \(input.count)")
        }
    }

    /// The VM in state S_0 with the oracle filled.
    public func makeVM() throws(DisputeError) -> FPVM {
        try validate()
        var store = PreimageStore()
        for data in preimages { store.add(data) }
        do {
            return try ProgramImages.shared.makeVM(program: program, input: input, oracle: store)
        } catch {
            throw .execution("\(name): \(error)")
        }
    }
}
