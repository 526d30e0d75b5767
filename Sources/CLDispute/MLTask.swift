import CLML
import CLPrimitives

extension TaskSpec {
    /// A whole-model inference in the ML guest: the model descriptor, its constants and the input tensors
    /// are served by the preimage oracle; the guest's input region holds the request naming their hashes
    /// (docs/PROTOCOL.md, "ML guest request"). The model hash is the descriptor's oracle key.
    public static func mlInference(name: String, guest elf: [UInt8], model: Model, inputs: [Tensor]) -> TaskSpec {
        let descriptor = ModelFormat.encodeDescriptor(model)
        var preimages = [descriptor]
        for constant in model.constants { preimages.append(TensorCoding.encode(constant)) }
        var inputHashes: [Bytes32] = []
        for tensor in inputs {
            let encoded = TensorCoding.encode(tensor)
            preimages.append(encoded)
            inputHashes.append(Keccak256.hash(encoded))
        }
        let modelHash = Keccak256.hash(descriptor)
        let request = GuestRunner.request(modelHash: modelHash, node: nil, tensorHashes: inputHashes)
        return TaskSpec(name: name, program: elf, input: request, preimages: preimages, modelHash: modelHash)
    }
}
