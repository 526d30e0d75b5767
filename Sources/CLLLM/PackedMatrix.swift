import CLGGUF
import CLML

/// A block-quantized matrix copied into memory the decoder's threads can read through plain pointers.
final class PackedMatrix: @unchecked Sendable {
    let format: BlockMatVec.Format
    let rows: Int
    let columns: Int
    let quants: UnsafeMutableBufferPointer<UInt8>
    let scales: UnsafeMutableBufferPointer<Int32>
    let minimums: UnsafeMutableBufferPointer<Int32>

    init(_ m: BlockQuantizedMatrix) {
        switch m.format {
        case .q8_0: format = .q8_0
        case .q4_0: format = .q4_0
        case .q4_1: format = .q4_1
        }
        rows = m.rows
        columns = m.columns
        quants = .allocate(capacity: m.quants.count)
        _ = quants.initialize(from: m.quants)
        scales = .allocate(capacity: m.scales.count)
        _ = scales.initialize(from: m.scales)
        minimums = .allocate(capacity: max(m.minimums.count, 1))
        minimums.initialize(repeating: 0)
        _ = minimums.initialize(from: m.minimums)
    }

    deinit {
        quants.deallocate()
        scales.deallocate()
        minimums.deallocate()
    }

    /// Rows `range` of this matrix times the quantized activations `a`, into `out`.
    func rows(_ range: Range<Int>, _ a: QuantizedVector, into out: UnsafeMutablePointer<Int64>) {
        BlockMatVec.rows(range, format: format, columns: columns, quants: quants.baseAddress!,
                         scales: scales.baseAddress!, minimums: minimums.baseAddress!, values: a.values.baseAddress!,
                         exponents: a.exponents.baseAddress!, sums: a.sums.baseAddress!, into: out)
    }

    /// Row `row` as Q16 values (an embedding lookup).
    func row(_ row: Int, into out: UnsafeMutablePointer<Int64>) {
        BlockMatVec.dequantizeRow(row, format: format, columns: columns, quants: quants.baseAddress!,
                                  scales: scales.baseAddress!, minimums: minimums.baseAddress!, into: out)
    }
}

/// A Q16 vector quantized per block of 32 for `BlockMatVec` (its values, exponents and sums).
final class QuantizedVector: @unchecked Sendable {
    let capacity: Int
    let values: UnsafeMutableBufferPointer<Int16>
    let exponents: UnsafeMutableBufferPointer<Int32>
    let sums: UnsafeMutableBufferPointer<Int64>

    init(capacity: Int) {
        self.capacity = capacity
        values = .allocate(capacity: capacity)
        values.initialize(repeating: 0)
        exponents = .allocate(capacity: capacity / 32 + 1)
        exponents.initialize(repeating: 0)
        sums = .allocate(capacity: capacity / 32 + 1)
        sums.initialize(repeating: 0)
    }

    deinit {
        values.deallocate()
        exponents.deallocate()
        sums.deallocate()
    }

    /// Quantizes the first `count` values of `x`.
    func set(_ x: UnsafePointer<Int64>, count: Int) {
        BlockMatVec.quantize(x, count: count, values: values.baseAddress!, exponents: exponents.baseAddress!,
                             sums: sums.baseAddress!)
    }
}

/// A zeroed Int64 buffer of `count` values.
func zeroed(_ count: Int) -> UnsafeMutableBufferPointer<Int64> {
    let b = UnsafeMutableBufferPointer<Int64>.allocate(capacity: max(count, 1))
    b.initialize(repeating: 0)
    return b
}
