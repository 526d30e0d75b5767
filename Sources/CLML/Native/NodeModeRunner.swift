import CLFPVM
import CLPrimitives

/// The result of one node-mode (phase-2) run of the ML guest.
public struct NodeModeRun: Sendable {
    /// `S_k`, read from the output region `0x7000_0000`.
    public let root: Bytes32
    /// The node's output tensor (written by the guest to fd 1).
    public let output: Tensor
    /// Instructions executed.
    public let steps: UInt64
    /// Every preimage key the guest read, in the order of first request.
    public let requestedKeys: [Bytes32]
}

/// Runs node `k` of a graph trace in the ML guest's node mode (docs/PROTOCOL.md, "Node mode"), the phase-2
/// program: the FPVM input is `keccak256(task)` with `task = "CLMN" ‖ S_{k−1} ‖ u32_be(k)`, and the host
/// serves preimages on demand, so what the guest reads is recorded exactly.
public enum NodeModeRunner {
    /// The node task for position `k` (1…N) of `trace`.
    public static func task(trace: GraphTrace, position: Int) -> [UInt8] {
        GraphState.task(previous: trace.root(after: position - 1), position: position)
    }

    /// The 32-byte FPVM input (the input leaf of phase 2's S0) for position `k`.
    public static func inputKey(trace: GraphTrace, position: Int) -> Bytes32 {
        Keccak256.hash(task(trace: trace, position: position))
    }

    /// What an honest host serves for position `k`: the task, the record of `S_{k−1}`, the model commitment's
    /// pair, both trees' inner nodes, the descriptor, and the blobs node `k − 1` reads (its graph-input,
    /// earlier-output and constant operands) as chunks and indexes. (Serving the other blobs of `S_{k−1}` too
    /// would change nothing: the guest never asks for them, `NodeModeTests`.)
    public static func preimages(trace: GraphTrace, position: Int) -> [[UInt8]] {
        let index = position - 1
        let model = trace.modelCommitment
        var out: [[UInt8]] = [task(trace: trace, position: position)]
        let values = GraphTree(leaves: trace.valueLeaves(after: index))
        out.append(GraphState.record(index: index, model: model.commitment, values: values.root))
        out.append(model.descriptorKey.bytes + model.constants.root.bytes)
        out += values.innerPreimages()
        out += model.constants.innerPreimages()
        out += GuestChunking.indexed(model.descriptor).preimages
        guard index >= 0, index < trace.model.nodes.count else { return out }
        for reference in trace.model.nodes[index].inputs {
            switch reference {
            case .input(let k): out += GuestChunking.indexed(TensorCoding.encode(trace.inputs[k])).preimages
            case .node(let k) where k < index: out += GuestChunking.indexed(TensorCoding.encode(trace.outputs[k])).preimages
            case .node: break
            case .constant(let k): out += GuestChunking.indexed(model.constantBlobs[k]).preimages
            }
        }
        return out
    }

    /// Runs the guest on the task whose key is `input`, serving from `available` only the preimages it asks for.
    public static func run(
        elf: [UInt8], input: Bytes32, available: [[UInt8]], stepLimit: UInt64 = 20_000_000_000
    ) throws(GuestRunError) -> NodeModeRun {
        let program: GuestProgram
        do { program = try GuestProgram(elf: elf) } catch { throw .badProgram(error) }
        var store = PreimageStore()
        for preimage in available { store.add(preimage) }
        let vm: FPVM
        do { vm = try program.makeVM(input: input.bytes, oracle: PreimageStore()) } catch { throw .badProgram(error) }
        vm.capturesOutput = true
        var requested: [Bytes32] = []
        while true {
            do {
                try vm.run(until: stepLimit)
                break
            } catch {
                // A read of a key the VM's store lacks stops the run before the step: serve it and resume.
                guard case .missingPreimage(let key) = error, let data = store.preimage(key) else { throw .host(error) }
                vm.oracle.add(data)
                requested.append(key)
            }
        }
        if !vm.exited { throw .stepLimit(vm.step) }
        if vm.fault != 0 { throw .fault(code: vm.fault, step: vm.step) }
        if vm.exitCode != 0 { throw .guestStatus(vm.exitCode) }
        let output: Tensor
        do { output = try TensorCoding.decode(vm.standardOutput) } catch { throw .badOutput }
        guard let root = Bytes32(bytes: vm.memory.read(MemoryMap.outputBase, count: 32)) else { throw .badOutput }
        return NodeModeRun(root: root, output: output, steps: vm.step, requestedKeys: requested)
    }

    /// Runs position `k` of `trace` with everything an honest host holds.
    public static func run(elf: [UInt8], trace: GraphTrace, position: Int) throws(GuestRunError) -> NodeModeRun {
        try run(elf: elf, input: inputKey(trace: trace, position: position), available: preimages(trace: trace, position: position))
    }
}
