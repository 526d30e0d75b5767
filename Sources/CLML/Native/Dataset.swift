import Dispatch

/// A labelled data set file: the tensor encoding of the inputs `[N, …]`, then that of the labels `[N]`
/// (int32). Native only: the guest reads single inputs through the preimage oracle.
public struct Dataset: Sendable {
    /// All samples, `[N, …]`.
    public let inputs: Tensor
    /// One label per sample.
    public let labels: [Int32]

    /// Decodes a data set file.
    public init(decoding bytes: [UInt8]) throws(MLError) {
        var reader = ByteReader(bytes)
        inputs = try TensorCoding.decode(&reader)
        let labelTensor = try TensorCoding.decode(&reader)
        if reader.remaining != 0 { throw MLError.trailingBytes(count: reader.remaining) }
        if labelTensor.shape.count != 1 || labelTensor.shape[0] != inputs.shape[0] { throw MLError.inputMismatch(index: 1) }
        labels = labelTensor.values
    }

    /// A data set from its parts; `labels.count` must equal the inputs' leading dimension.
    public init(inputs: Tensor, labels: [Int32]) {
        precondition(inputs.shape.first == labels.count, "one label per sample")
        self.inputs = inputs
        self.labels = labels
    }

    /// The number of samples.
    public var count: Int { labels.count }

    /// Sample `index` as a tensor of the per-sample shape.
    public func sample(_ index: Int) -> Tensor {
        let shape = Array(inputs.shape.dropFirst())
        let size = Tensor.elementCount(shape)
        return Tensor(dtype: inputs.dtype, shape: shape, values: Array(inputs.values[(index * size)..<((index + 1) * size)]))
    }
}

/// Runs a single-input model over many samples on both cores (one session per core).
public enum BatchRunner {
    /// The model's output for every sample (`outputs[i]` is the last node's values), or the first error.
    public static func outputs(
        of model: Model, samples: Int, input: (Int) -> Tensor, progress: ((Int) -> Void)? = nil
    ) throws(MLError) -> [[Int32]] {
        let results = ResultSlots(count: samples)
        let lanes = 2
        withoutActuallyEscaping(input) { makeInput in
            let shared = UnsafeTransfer((makeInput, progress))
            DispatchQueue.concurrentPerform(iterations: lanes) { lane in
                var session = Session(model: model)
                var index = lane
                while index < samples {
                    do throws(MLError) {
                        let outputs = try session.run([shared.value.0(index)])
                        results.store(index, .success(outputs[outputs.count - 1].values))
                    } catch {
                        results.store(index, .failure(error))
                    }
                    if lane == 0 { shared.value.1?(index + 1) }
                    index += lanes
                }
            }
        }
        return try results.collect()
    }

    /// The index of the largest value (the first on ties).
    public static func argmax(_ values: [Int32]) -> Int {
        var best = 0
        for index in 1..<values.count where values[index] > values[best] { best = index }
        return best
    }
}

/// Per-sample result slots written by disjoint indices from two threads (raw storage, so the
/// threads never touch a shared array's reference count or exclusivity state).
private final class ResultSlots: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Result<[Int32], MLError>?>
    private let count: Int
    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: max(count, 1))
        slots.initialize(repeating: nil, count: count)
    }
    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
    func store(_ index: Int, _ result: Result<[Int32], MLError>) { slots[index] = result }
    func collect() throws(MLError) -> [[Int32]] {
        var out: [[Int32]] = []
        out.reserveCapacity(count)
        for index in 0..<count {
            switch slots[index] {
            case .success(let values)?: out.append(values)
            case .failure(let error)?: throw error
            case nil: out.append([])
            }
        }
        return out
    }
}

/// Moves a non-Sendable value into a concurrent closure that only reads it.
private struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
