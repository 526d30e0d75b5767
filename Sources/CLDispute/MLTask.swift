import CLML
import CLPrimitives

extension TaskSpec {
    /// A whole-model inference in the ML guest: the request, the model descriptor, its constants and the input
    /// tensors are served by the preimage oracle (large ones as chunks of at most 4096 bytes and their indexes;
    /// the request always through an index); the guest's input region holds the request's top index key, the
    /// task's input commitment (docs/PROTOCOL.md, "ML guest request"). The model hash is the descriptor's key.
    public static func mlInference(name: String, guest elf: [UInt8], model: Model, inputs: [Tensor]) -> TaskSpec {
        let setup = GuestRunner.setup(model: model, inputs: inputs)
        return TaskSpec(name: name, program: elf, input: setup.inputCommitment.bytes, preimages: setup.preimages,
                        modelHash: setup.modelHash)
    }
}
