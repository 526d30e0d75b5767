extension BPETokenizer {
    /// The ids of `text`, as llama.cpp's `llama_tokenize(..., add_special: false, parse_special: parseSpecial)`.
    ///
    /// With `parseSpecial`, the text of a control token (`<|im_start|>`) in the input becomes that token;
    /// without, it is ordinary text. No BOS or EOS is added.
    public func encode(_ text: String, parseSpecial: Bool = false) -> [Int32] {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { encode(utf8: $0, parseSpecial: parseSpecial) }
    }

    /// The ids of valid UTF-8 `utf8` (a Swift `String`'s bytes), as `encode(_:parseSpecial:)`.
    public func encode(utf8: UnsafeBufferPointer<UInt8>, parseSpecial: Bool = false) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(utf8.count / 3 + 1)
        var scratch = Scratch()
        for fragment in partition(utf8, parseSpecial: parseSpecial) {
            switch fragment {
            case .token(let id): out.append(id)
            case .text(let range): encodeText(UnsafeBufferPointer(rebasing: utf8[range]), into: &out, &scratch)
            }
        }
        return out
    }

    /// A piece of the input after special tokens are cut out.
    enum Fragment {
        case text(Range<Int>)
        case token(Int32)
    }

    /// Cuts `utf8` at the special tokens' texts (step 1 of the rule in the type's documentation).
    func partition(_ utf8: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [Fragment] {
        var fragments: [Fragment] = utf8.isEmpty ? [] : [.text(0..<utf8.count)]
        for id in specialOrder {
            let type = types[Int(id)]
            if !parseSpecial && (type == .control || type == .unknown) { continue }
            let needle = pieces[Int(id)]
            var next: [Fragment] = []
            next.reserveCapacity(fragments.count)
            for fragment in fragments {
                guard case .text(let range) = fragment else { next.append(fragment); continue }
                var start = range.lowerBound
                while let m = Self.find(needle, in: utf8, from: start, to: range.upperBound) {
                    if m > start { next.append(.text(start..<m)) }
                    next.append(.token(id))
                    start = m + needle.count
                }
                if start < range.upperBound { next.append(.text(start..<range.upperBound)) }
            }
            fragments = next
        }
        return fragments
    }

    /// The first index `i` in `from..<to` with `haystack[i..<i + needle.count] == needle` inside the range.
    static func find(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        let n = needle.count
        guard n > 0, to - from >= n else { return nil }
        let first = needle[0]
        var i = from
        while i <= to - n {
            if haystack[i] == first {
                var j = 1
                while j < n && haystack[i + j] == needle[j] { j += 1 }
                if j == n { return i }
            }
            i += 1
        }
        return nil
    }

    /// Buffers reused from word to word.
    struct Scratch {
        var scalars: [UInt32] = []
        var offsets: [Int] = []
        var ids: [Int32] = []
        var prev: [Int32] = []
        var next: [Int32] = []
        var heap = MinHeap()
    }

    /// Steps 2–4 for one piece of text: pre-tokenize, then BPE within each word.
    func encodeText(_ utf8: UnsafeBufferPointer<UInt8>, into out: inout [Int32], _ s: inout Scratch) {
        // Decode the (valid) UTF-8 into scalars, remembering where each starts.
        s.scalars.removeAll(keepingCapacity: true)
        s.offsets.removeAll(keepingCapacity: true)
        var i = 0
        while i < utf8.count {
            let b0 = UInt32(utf8[i])
            s.offsets.append(i)
            if b0 < 0x80 {
                s.scalars.append(b0); i += 1
            } else if b0 < 0xE0 {
                s.scalars.append((b0 & 0x1F) << 6 | UInt32(utf8[i + 1] & 0x3F)); i += 2
            } else if b0 < 0xF0 {
                s.scalars.append((b0 & 0x0F) << 12 | UInt32(utf8[i + 1] & 0x3F) << 6 | UInt32(utf8[i + 2] & 0x3F)); i += 3
            } else {
                s.scalars.append((b0 & 0x07) << 18 | UInt32(utf8[i + 1] & 0x3F) << 12 | UInt32(utf8[i + 2] & 0x3F) << 6
                                 | UInt32(utf8[i + 3] & 0x3F)); i += 4
            }
        }
        s.offsets.append(utf8.count)
        var start = 0
        for end in preTokenizer.split(s.scalars) {
            bpe(UnsafeBufferPointer(rebasing: utf8[s.offsets[start]..<s.offsets[end]]), into: &out, &s)
            start = end
        }
    }

    /// BPE over one word's bytes (step 3): join the adjacent pair with the lowest merge rank, the leftmost
    /// on a tie, until none is left. Symbols form a linked list; candidate pairs wait in a heap keyed by
    /// `rank << 32 | left index`, and a popped pair is used only if it is still adjacent and unchanged.
    /// A merged-away symbol's id becomes -1, as is a byte's without a token (which no merge names).
    func bpe(_ word: UnsafeBufferPointer<UInt8>, into out: inout [Int32], _ s: inout Scratch) {
        let n = word.count
        if n == 1 {
            let id = byteTokens[Int(word[0])]
            if id >= 0 { out.append(id) }
            return
        }
        s.ids.removeAll(keepingCapacity: true)
        s.prev.removeAll(keepingCapacity: true)
        s.next.removeAll(keepingCapacity: true)
        s.heap.removeAll()
        for i in 0..<n {
            s.ids.append(byteTokens[Int(word[i])])
            s.prev.append(Int32(i - 1))
            s.next.append(i + 1 < n ? Int32(i + 1) : -1)
        }
        for i in 0..<(n - 1) {
            if let m = merges.lookup(s.ids[i], s.ids[i + 1]) { s.heap.push(m & 0xFFFF_FFFF_0000_0000 | UInt64(i)) }
        }
        while let top = s.heap.pop() {
            let l = Int(top & 0xFFFF_FFFF), rank = top >> 32
            guard s.ids[l] >= 0 else { continue }
            let r = Int(s.next[l])
            guard r >= 0, let m = merges.lookup(s.ids[l], s.ids[r]), m >> 32 == rank else { continue }
            s.ids[l] = Int32(truncatingIfNeeded: m)
            s.ids[r] = -1
            let after = s.next[r]
            s.next[l] = after
            if after >= 0 { s.prev[Int(after)] = Int32(l) }
            let before = Int(s.prev[l])
            if before >= 0, let p = merges.lookup(s.ids[before], s.ids[l]) {
                s.heap.push(p & 0xFFFF_FFFF_0000_0000 | UInt64(before))
            }
            if after >= 0, let q = merges.lookup(s.ids[l], s.ids[Int(after)]) {
                s.heap.push(q & 0xFFFF_FFFF_0000_0000 | UInt64(l))
            }
        }
        // Symbol 0 is never merged away; a symbol still -1 is a byte without a token.
        var k = 0
        while k >= 0 {
            if s.ids[k] >= 0 { out.append(s.ids[k]) }
            k = Int(s.next[k])
        }
    }
}

/// A binary min-heap of `UInt64` keys.
struct MinHeap {
    private var items: [UInt64] = []

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    mutating func push(_ x: UInt64) {
        items.append(x)
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard items[p] > items[i] else { break }
            items.swapAt(p, i)
            i = p
        }
    }

    mutating func pop() -> UInt64? {
        guard let last = items.popLast() else { return nil }
        guard !items.isEmpty else { return last }
        let top = items[0]
        items[0] = last
        var i = 0
        while true {
            let a = 2 * i + 1, b = a + 1
            var m = i
            if a < items.count && items[a] < items[m] { m = a }
            if b < items.count && items[b] < items[m] { m = b }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }
}
