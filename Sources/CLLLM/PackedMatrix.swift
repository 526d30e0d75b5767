import CLGGUF
import CLML

/// A block-quantized matrix as the decoder's threads read it: the imported matrix itself, not a copy, so
/// a model's weights are held once (a LLaMA-7B's 4-bit weights take about 4 GB; a copy would double that).
/// Its arrays are never mutated, so concurrent reads through `withUnsafeBufferPointer` need no copy or lock.
final class PackedMatrix: @unchecked Sendable {
    let format: BlockMatVec.Format
    let rows: Int
    let columns: Int
    let matrix: BlockQuantizedMatrix
    /// Q4_0 and Q8_0 have no minimums; the kernels still take a pointer, which is never read for them.
    private static let noMinimums: [Int32] = [0]

    init(_ m: BlockQuantizedMatrix) {
        switch m.format {
        case .q8_0: format = .q8_0
        case .q4_0: format = .q4_0
        case .q4_1: format = .q4_1
        }
        rows = m.rows
        columns = m.columns
        matrix = m
    }

    /// Calls `body` with pointers to the quants, scales and minimums.
    @inline(__always)
    private func withParts<R>(_ body: (UnsafePointer<UInt8>, UnsafePointer<Int32>, UnsafePointer<Int32>) -> R) -> R {
        let minimums = matrix.minimums.isEmpty ? Self.noMinimums : matrix.minimums
        return matrix.quants.withUnsafeBufferPointer { q in
            matrix.scales.withUnsafeBufferPointer { s in
                minimums.withUnsafeBufferPointer { m in body(q.baseAddress!, s.baseAddress!, m.baseAddress!) }
            }
        }
    }

    /// Rows `range` of this matrix times the quantized activations `a`, into `out`.
    func rows(_ range: Range<Int>, _ a: QuantizedVector, into out: UnsafeMutablePointer<Int64>) {
        withParts { q, s, m in
            BlockMatVec.rows(range, format: format, columns: columns, quants: q, scales: s, minimums: m,
                             values: a.values.baseAddress!, exponents: a.exponents.baseAddress!, sums: a.sums.baseAddress!,
                             into: out)
        }
    }

    /// Row `row` as Q16 values (an embedding lookup).
    func row(_ row: Int, into out: UnsafeMutablePointer<Int64>) {
        withParts { q, s, m in
            BlockMatVec.dequantizeRow(row, format: format, columns: columns, quants: q, scales: s, minimums: m, into: out)
        }
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
