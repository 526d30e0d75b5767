/// A dense tensor of integers in row-major order.
///
/// Values are held as `Int32` whatever the element type; `dtype` fixes their legal range and the
/// encoding width. Quantisation parameters (scale and zero point) belong to the graph values that
/// carry tensors, not to the tensor itself, so a tensor's commitment is its shape, type and values.
public struct Tensor: Equatable, Sendable {
    /// The element type.
    public var dtype: DType
    /// The dimensions, outermost first. A scalar has one dimension of size 1.
    public var shape: [Int]
    /// The elements in row-major order (`count == shape.product`).
    public var values: [Int32]

    /// A tensor of the given shape and values. The caller guarantees `values.count` matches the shape.
    public init(dtype: DType, shape: [Int], values: [Int32]) {
        precondition(values.count == Tensor.elementCount(shape), "tensor values do not fill the shape")
        self.dtype = dtype
        self.shape = shape
        self.values = values
    }

    /// A zero-filled tensor.
    public init(zeros dtype: DType, shape: [Int]) {
        self.dtype = dtype
        self.shape = shape
        self.values = [Int32](repeating: 0, count: Tensor.elementCount(shape))
    }

    /// The number of elements a shape holds.
    @inlinable public static func elementCount(_ shape: [Int]) -> Int {
        var count = 1
        for dimension in shape { count *= dimension }
        return count
    }

    /// The number of elements.
    @inlinable public var count: Int { values.count }

    /// Whether every value lies in the element type's range.
    public var isInRange: Bool {
        let low = dtype.minValue
        let high = dtype.maxValue
        for value in values where value < low || value > high { return false }
        return true
    }
}
