/// An open-addressing hash table from a pair of token ids to the pair's merge: its rank (the merge's
/// index in `tokenizer.ggml.merges`, lower first) and the id of the joined token.
///
/// Fixed capacity (a power of two at least twice the number of merges), linear probing, no removal.
struct MergeTable: Sendable {
    /// `(left << 32 | right) + 1` per slot; 0 marks an empty slot.
    private var keys: [UInt64]
    /// `rank << 32 | merged` per slot.
    private var values: [UInt64]
    private let mask: Int

    init(capacity: Int) {
        var size = 16
        while size < 2 * capacity { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        values = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// Adds a merge; returns the rank already stored for the pair instead, if there is one.
    mutating func insert(left: Int32, right: Int32, rank: UInt32, merged: Int32) -> UInt32? {
        let key = (UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))) + 1
        var i = slot(key)
        while keys[i] != 0 {
            if keys[i] == key { return UInt32(truncatingIfNeeded: values[i] >> 32) }
            i = (i + 1) & mask
        }
        keys[i] = key
        values[i] = UInt64(rank) << 32 | UInt64(UInt32(bitPattern: merged))
        return nil
    }

    /// The merge of `(left, right)` as `rank << 32 | merged`, or nil when the pair has none (always for an id -1).
    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> UInt64? {
        guard left >= 0, right >= 0 else { return nil }
        let key = (UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))) + 1
        var i = slot(key)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == 0 { return nil }
            i = (i + 1) & mask
        }
    }
}
