/// The last stage of every accumulating kernel: requantise, add the output zero point, clamp to the
/// output type (raised to the zero point when a ReLU is fused).
public struct OutputStage: Sendable {
    /// The scale applied to the accumulator.
    public var requantizer: Requantizer
    /// The output zero point.
    public var zeroPoint: Int64
    /// The smallest output value (the type's minimum, or the zero point with a fused ReLU).
    public var low: Int64
    /// The largest output value.
    public var high: Int64

    /// An output stage for `dtype`, with an optional fused ReLU.
    @inlinable public init(requantizer: Requantizer, zeroPoint: Int32, dtype: DType, relu: Bool) {
        self.requantizer = requantizer
        self.zeroPoint = Int64(zeroPoint)
        self.high = Int64(dtype.maxValue)
        let typeLow = Int64(dtype.minValue)
        self.low = relu ? max(typeLow, min(Int64(zeroPoint), high)) : typeLow
    }

    /// `clamp(zeroPoint + requant(accumulator))`.
    @inlinable public func finish(_ accumulator: Int64) -> Int32 {
        let value = zeroPoint &+ requantizer.apply(accumulator)
        if value < low { return Int32(truncatingIfNeeded: low) }
        if value > high { return Int32(truncatingIfNeeded: high) }
        return Int32(truncatingIfNeeded: value)
    }
}
