import CLFPVM
import CLPrimitives

/// Why a guest run produced no result.
public enum GuestRunError: Error, Equatable, Sendable {
    /// The guest ELF was rejected by the loader.
    case badProgram(ELFError)
    /// The host could not execute a step (a preimage the store lacks).
    case host(FPVMError)
    /// The VM halted on a fault (illegal instruction, misaligned access, ...).
    case fault(code: UInt8, step: UInt64)
    /// The guest exited with a non-zero status (2 bad request, 3 model rejected, 4 input rejected,
    /// 5 evaluation failed).
    case guestStatus(UInt8)
    /// The VM did not halt within the step limit.
    case stepLimit(UInt64)
    /// The guest's output tensor or commitment is malformed or inconsistent.
    case badOutput
}

/// The result of running the ML guest in the FPVM.
public struct GuestRun: Sendable {
    /// The output tensor the guest wrote to standard output.
    public let output: Tensor
    /// The commitment the guest stored at the start of the output region.
    public let commitment: Bytes32
    /// Instructions executed.
    public let steps: UInt64
}

/// Runs models or single nodes in the ML guest (Fixtures/ml/ml-guest.elf) inside the FPVM, serving the
/// model descriptor, the constants and the input tensors through the preimage oracle (native only).
public enum GuestRunner {
    /// The request placed in the guest's input region (docs/PROTOCOL.md, "ML guest request"). `directory`
    /// maps the key of each blob larger than one preimage to its top index key (`GuestChunking`).
    public static func request(modelHash: Bytes32, node: Int?, tensorHashes: [Bytes32],
                               directory: [(blobKey: Bytes32, indexKey: Bytes32)] = []) -> [UInt8] {
        var writer = ByteWriter()
        writer.append([0x43, 0x4C, 0x4D, 0x49])
        writer.u32(node == nil ? 0 : 1)
        writer.u32(UInt32(truncatingIfNeeded: node ?? 0))
        writer.append(modelHash.bytes)
        writer.u32(UInt32(truncatingIfNeeded: tensorHashes.count))
        for hash in tensorHashes { writer.append(hash.bytes) }
        writer.u32(UInt32(truncatingIfNeeded: directory.count))
        for entry in directory {
            writer.append(entry.blobKey.bytes)
            writer.append(entry.indexKey.bytes)
        }
        return writer.bytes
    }

    /// What the oracle serves and the input region holds for a run: every preimage (each at most
    /// `GuestChunking.maxPreimageSize` bytes), the request, and the 32-byte input commitment.
    public struct Setup: Sendable {
        /// The oracle's preimages: the descriptor, constants and inputs (large ones as chunks and indexes), and
        /// the request's chunks and index.
        public let preimages: [[UInt8]]
        /// The request (served through the oracle, not placed in memory).
        public let request: [UInt8]
        /// The model hash (the descriptor's key).
        public let modelHash: Bytes32
        /// The request's top index key: the 32 bytes of the FPVM input region, the task's input commitment.
        public let inputCommitment: Bytes32
    }

    /// The preimages and request of a run of `model` (or its node `node`) on `inputs`.
    public static func setup(model: Model, inputs: [Tensor], node: Int? = nil) -> Setup {
        var preimages: [[UInt8]] = []
        var directory: [(blobKey: Bytes32, indexKey: Bytes32)] = []
        func serve(_ blob: [UInt8]) -> Bytes32 {
            let split = GuestChunking.split(blob)
            preimages.append(contentsOf: split.preimages)
            if let indexKey = split.indexKey, !directory.contains(where: { $0.blobKey == split.blobKey }) {
                directory.append((split.blobKey, indexKey))
            }
            return split.blobKey
        }
        let modelHash = serve(ModelFormat.encodeDescriptor(model))
        for constant in model.constants { _ = serve(TensorCoding.encode(constant)) }
        var hashes: [Bytes32] = []
        for tensor in inputs { hashes.append(serve(TensorCoding.encode(tensor))) }
        let request = request(modelHash: modelHash, node: node, tensorHashes: hashes, directory: directory)
        let served = GuestChunking.indexed(request)
        preimages.append(contentsOf: served.preimages)
        return Setup(preimages: preimages, request: request, modelHash: modelHash, inputCommitment: served.indexKey)
    }

    /// The FPVM at step 0 of a guest run (the initial state S0 of a phase-2 program), with the oracle
    /// holding the descriptor, the constants and the input tensors (as `setup` serves them).
    public static func prepare(elf: [UInt8], model: Model, inputs: [Tensor], node: Int? = nil) throws(GuestRunError) -> FPVM {
        let program: GuestProgram
        do { program = try GuestProgram(elf: elf) } catch { throw .badProgram(error) }
        let setup = setup(model: model, inputs: inputs, node: node)
        var oracle = PreimageStore()
        for preimage in setup.preimages { oracle.add(preimage) }
        do {
            return try program.makeVM(input: setup.inputCommitment.bytes, oracle: oracle)
        } catch {
            throw .badProgram(error)
        }
    }

    /// Runs the whole model (`node == nil`) on its graph inputs, or node `node` on its computed operands.
    public static func run(
        elf: [UInt8], model: Model, inputs: [Tensor], node: Int? = nil, stepLimit: UInt64 = 20_000_000_000
    ) throws(GuestRunError) -> GuestRun {
        let vm = try prepare(elf: elf, model: model, inputs: inputs, node: node)
        vm.capturesOutput = true
        do { try vm.run(until: stepLimit) } catch { throw .host(error) }
        return try result(of: vm)
    }

    /// Reads the result of a halted guest: status, output tensor and its commitment.
    public static func result(of vm: FPVM) throws(GuestRunError) -> GuestRun {
        if !vm.exited { throw .stepLimit(vm.step) }
        if vm.fault != 0 { throw .fault(code: vm.fault, step: vm.step) }
        if vm.exitCode != 0 { throw .guestStatus(vm.exitCode) }
        let output: Tensor
        do { output = try TensorCoding.decode(vm.standardOutput) } catch { throw .badOutput }
        guard let commitment = Bytes32(bytes: vm.memory.read(MemoryMap.outputBase, count: 32)),
              commitment == ModelFormat.commitment(output) else { throw .badOutput }
        return GuestRun(output: output, commitment: commitment, steps: vm.step)
    }
}
