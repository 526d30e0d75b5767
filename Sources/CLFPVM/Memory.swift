import CLPrimitives
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The geometry of the FPVM memory and its Merkle tree (DESIGN §2, docs/PROTOCOL.md §FPVM memory).
public enum MemoryLayout32 {
    /// Bytes in one Merkle leaf.
    public static let leafSize = 32
    /// Height of the memory tree: 2^27 leaves of 32 bytes cover 2^32 bytes.
    public static let treeDepth = 27
    /// Bytes in one storage page of the interpreter (a subtree of height 7 in the Merkle tree).
    public static let pageSize = 4096
    /// log2(pageSize).
    public static let pageShift: UInt32 = 12
    /// Leaves in one page.
    public static let leavesPerPage = 128
    /// Height of the subtree a page covers.
    public static let pageHeight = 7
    /// Number of pages in the 4 GiB address space.
    public static let pageCount = 1 << 20
}

/// Page record layout in raw memory: data, then the page's internal Merkle nodes, then the dirty masks.
enum PageRecord {
    /// Offset of the 4096 data bytes.
    static let data = 0
    /// Offset of the 128 node slots (heap order within the page: slot 1 is the page root,
    /// slots 64...127 are the parents of leaf pairs; slot 0 is unused).
    static let nodes = 4096
    /// Offset of the two 64-bit masks of leaves written since the page was last hashed.
    static let dirtyMask = 8192
    /// Offset of the 32-bit `PageFlags`. A page in the dirty-page list is private to its `Memory` (only the
    /// slow write path lists a page, after un-sharing it), so stores to a listed, unwatched page go straight in.
    static let listed = 8208
    /// Offset of the 32-bit count of `Memory` objects sharing this record (copy-on-write snapshots).
    static let owners = 8212
    /// Bytes allocated per page.
    static let size = 8256
}

/// The bits of a page record's flags word (`PageRecord.listed`).
enum PageFlags {
    /// The page is in its memory's dirty-page list.
    static let inDirtyList: UInt32 = 1
    /// The fast mode holds decoded instructions of this page: the next store must take the slow path.
    static let watched: UInt32 = 2
}

/// Sparse, byte-addressed 4 GiB guest memory with a Merkle commitment maintained lazily.
///
/// Storage is a flat table of 2^20 page pointers; a page is allocated on its first write and an
/// unallocated page reads as zeros. Every store marks its leaf dirty (two bit operations); the Merkle
/// root is brought up to date only when asked for (`root`, `proof`), rehashing just the dirty leaves'
/// paths: inside a page with the per-page node cache, above pages with a sparse per-level node cache.
/// Plain execution therefore never hashes.
///
/// `copy()` shares page records between the copies (copy-on-write): a page is duplicated on the first
/// store after the copy, so a snapshot costs the page table plus the pages written later. A `Memory`
/// and its copies must be used from one thread at a time (the sharing counts are not atomic).
public final class Memory {
    /// The page table: `table[address >> 12]` is the page record or nil.
    let table: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// Pages written since the last root update (each listed once).
    var dirtyPages: [UInt32] = []
    /// Upper tree: `upper[k]` holds nodes of height `7 + k` (k = 1...20) that differ from the zero subtree.
    var upper: [[UInt32: Bytes32]] = Array(repeating: [:], count: 21)
    /// Number of allocated pages.
    public private(set) var allocatedPages = 0
    /// The indexes of the allocated pages (so copies and teardown visit only those, not the whole table).
    var pageIndexes: [UInt32] = []
    /// Fast mode's decoded code: `decodedTable[address >> 12]` (see DecodedCode.swift).
    let decodedTable: UnsafeMutablePointer<UnsafeMutablePointer<DecodedInstruction>?>
    /// The pages that have had decoded instructions.
    var decodedIndexes: Set<UInt32> = []
    /// How often each page's decoded instructions were dropped by a store.
    var decodeDrops: [UInt32: Int] = [:]
    /// Advanced whenever decoded instructions are dropped (read by the fast loop after its stores).
    let codeGeneration: UnsafeMutablePointer<UInt64>

    /// An empty (all-zero) memory.
    public init() {
        // An anonymous mapping: the OS hands out zeroed pages lazily, so a table (8 MiB of nil entries) costs
        // memory only where pages are used, and a copy for a checkpoint never clears 8 MiB first (calloc does,
        // once the allocator serves such blocks from its heap instead of fresh mappings).
        let raw = mmap(nil, Memory.tableBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let raw, raw != MAP_FAILED else { fatalError("out of memory for the FPVM page table") }
        table = raw.bindMemory(to: UnsafeMutableRawPointer?.self, capacity: MemoryLayout32.pageCount)
        let decodedRaw = mmap(nil, Memory.tableBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let decodedRaw, decodedRaw != MAP_FAILED else { fatalError("out of memory for the FPVM code table") }
        decodedTable = decodedRaw.bindMemory(to: UnsafeMutablePointer<DecodedInstruction>?.self,
                                             capacity: MemoryLayout32.pageCount)
        codeGeneration = .allocate(capacity: 1)
        codeGeneration.initialize(to: 0)
    }

    /// Bytes of the page table.
    static let tableBytes = MemoryLayout32.pageCount * MemoryLayout<UnsafeMutableRawPointer?>.stride

    deinit {
        for index in pageIndexes {
            if let page = table[Int(index)] { release(page) }
        }
        munmap(UnsafeMutableRawPointer(table), Memory.tableBytes)
        releaseDecodedPages()
    }

    /// Drops one owner of a page record; frees it with the last.
    private func release(_ page: UnsafeMutableRawPointer) {
        let owners = page.load(fromByteOffset: PageRecord.owners, as: UInt32.self)
        if owners <= 1 {
            page.deallocate()
        } else {
            page.storeBytes(of: owners - 1, toByteOffset: PageRecord.owners, as: UInt32.self)
        }
    }

    /// A copy that shares every page with this memory until one of them writes it (copy-on-write).
    /// Brings this memory's tree up to date first, so shared records hold current node caches and no
    /// page is listed as dirty on either side.
    public func copy() -> Memory {
        updateTree()
        let other = Memory()
        for index in pageIndexes {
            guard let page = table[Int(index)] else { continue }
            let owners = page.load(fromByteOffset: PageRecord.owners, as: UInt32.self)
            page.storeBytes(of: owners + 1, toByteOffset: PageRecord.owners, as: UInt32.self)
            other.table[Int(index)] = page
        }
        other.upper = upper
        other.allocatedPages = allocatedPages
        other.pageIndexes = pageIndexes
        return other
    }

    // MARK: - Page allocation

    /// The slow write path: the page holding `index` is absent, shared, not yet listed or watched by the
    /// fast mode. Allocates it (all leaves dirty) or un-shares it (private duplicate), drops its decoded
    /// instructions, then lists it as dirty.
    @inline(never)
    func preparePageForWrite(_ index: UInt32) -> UnsafeMutableRawPointer {
        var page: UnsafeMutableRawPointer
        var flags: UInt32 = 0
        if let existing = table[Int(index)] {
            page = existing
            flags = existing.load(fromByteOffset: PageRecord.listed, as: UInt32.self)
            if existing.load(fromByteOffset: PageRecord.owners, as: UInt32.self) > 1 {
                page = UnsafeMutableRawPointer.allocate(byteCount: PageRecord.size, alignment: 64)
                page.copyMemory(from: existing, byteCount: PageRecord.size)
                page.storeBytes(of: 1, toByteOffset: PageRecord.owners, as: UInt32.self)
                release(existing)
                table[Int(index)] = page
            }
            if flags & PageFlags.watched != 0 { dropDecodedPage(index) }
        } else {
            page = UnsafeMutableRawPointer.allocate(byteCount: PageRecord.size, alignment: 64)
            page.initializeMemory(as: UInt8.self, repeating: 0, count: PageRecord.size)
            page.storeBytes(of: UInt64.max, toByteOffset: PageRecord.dirtyMask, as: UInt64.self)
            page.storeBytes(of: UInt64.max, toByteOffset: PageRecord.dirtyMask + 8, as: UInt64.self)
            page.storeBytes(of: 1, toByteOffset: PageRecord.owners, as: UInt32.self)
            table[Int(index)] = page
            allocatedPages += 1
            pageIndexes.append(index)
        }
        if flags & PageFlags.inDirtyList == 0 { dirtyPages.append(index) }
        page.storeBytes(of: PageFlags.inDirtyList, toByteOffset: PageRecord.listed, as: UInt32.self)
        return page
    }

    /// Page `index` made private if it is shared (nil when absent); its record then never moves.
    func privatePage(_ index: UInt32) -> UnsafeMutableRawPointer? {
        guard let page = table[Int(index)] else { return nil }
        if page.load(fromByteOffset: PageRecord.owners, as: UInt32.self) > 1 { return preparePageForWrite(index) }
        return page
    }

    /// The page holding `address`, private, listed as dirty and unwatched (the fast path is one flag test).
    @inline(__always)
    func writablePage(_ address: UInt32) -> UnsafeMutableRawPointer {
        let index = address >> MemoryLayout32.pageShift
        if let page = table[Int(index)],
           page.load(fromByteOffset: PageRecord.listed, as: UInt32.self) == PageFlags.inDirtyList {
            return page
        }
        return preparePageForWrite(index)
    }

    /// Records that the leaf holding `address` in `page` changed (`page` came from `writablePage`).
    @inline(__always)
    func markDirty(_ page: UnsafeMutableRawPointer, _ address: UInt32) {
        let leaf = (address >> 5) & 127
        let offset = PageRecord.dirtyMask + Int(leaf >> 6) * 8
        let mask = page.load(fromByteOffset: offset, as: UInt64.self)
        page.storeBytes(of: mask | (1 &<< UInt64(leaf & 63)), toByteOffset: offset, as: UInt64.self)
    }

    // MARK: - Loads and stores (little-endian; callers check alignment)

    /// Loads a byte.
    @inline(__always)
    public func load8(_ address: UInt32) -> UInt32 {
        guard let page = table[Int(address >> MemoryLayout32.pageShift)] else { return 0 }
        return UInt32(page.load(fromByteOffset: Int(address & 0xfff), as: UInt8.self))
    }

    /// Loads a 2-byte-aligned halfword.
    @inline(__always)
    public func load16(_ address: UInt32) -> UInt32 {
        guard let page = table[Int(address >> MemoryLayout32.pageShift)] else { return 0 }
        return UInt32(UInt16(littleEndian: page.load(fromByteOffset: Int(address & 0xfff), as: UInt16.self)))
    }

    /// Loads a 4-byte-aligned word.
    @inline(__always)
    public func load32(_ address: UInt32) -> UInt32 {
        guard let page = table[Int(address >> MemoryLayout32.pageShift)] else { return 0 }
        return UInt32(littleEndian: page.load(fromByteOffset: Int(address & 0xfff), as: UInt32.self))
    }

    /// Stores a byte.
    @inline(__always)
    public func store8(_ address: UInt32, _ value: UInt32) {
        let page = writablePage(address)
        page.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: Int(address & 0xfff), as: UInt8.self)
        markDirty(page, address)
    }

    /// Stores a 2-byte-aligned halfword.
    @inline(__always)
    public func store16(_ address: UInt32, _ value: UInt32) {
        let page = writablePage(address)
        page.storeBytes(of: UInt16(truncatingIfNeeded: value).littleEndian, toByteOffset: Int(address & 0xfff),
                        as: UInt16.self)
        markDirty(page, address)
    }

    /// Stores a 4-byte-aligned word.
    @inline(__always)
    public func store32(_ address: UInt32, _ value: UInt32) {
        let page = writablePage(address)
        page.storeBytes(of: value.littleEndian, toByteOffset: Int(address & 0xfff), as: UInt32.self)
        markDirty(page, address)
    }

    /// Reads `count` bytes starting at `address` (wrapping at 2^32).
    public func read(_ address: UInt32, count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count { out[i] = UInt8(load8(address &+ UInt32(truncatingIfNeeded: i))) }
        return out
    }

    /// Writes `bytes` starting at `address` (wrapping at 2^32).
    public func write(_ address: UInt32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { source in
            var done = 0
            while done < source.count {
                let target = address &+ UInt32(truncatingIfNeeded: done)
                let chunk = min(source.count - done, MemoryLayout32.pageSize - Int(target & 0xfff))
                let page = writablePage(target)
                (page + Int(target & 0xfff)).copyMemory(from: source.baseAddress! + done, byteCount: chunk)
                let start = Int(target & 0xfff)
                for offset in stride(from: start & ~31, to: start + chunk, by: 32) {
                    markDirty(page, (target & ~0xfff) | UInt32(offset))
                }
                done += chunk
            }
        }
    }

    /// The 32-byte leaf holding `address`.
    public func leaf(containing address: UInt32) -> Bytes32 {
        let base = address & ~31
        guard let page = table[Int(base >> MemoryLayout32.pageShift)] else { return .zero }
        return Bytes32(copying: UnsafeRawBufferPointer(start: page + Int(base & 0xfff), count: 32))
    }

    /// Replaces the 32-byte leaf holding `address`.
    public func setLeaf(containing address: UInt32, to value: Bytes32) {
        let base = address & ~31
        let page = writablePage(base)
        value.withUnsafeBytes { (page + Int(base & 0xfff)).copyMemory(from: $0.baseAddress!, byteCount: 32) }
        markDirty(page, base)
    }
}
