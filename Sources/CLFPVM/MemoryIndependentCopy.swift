extension Memory {
    /// A copy that shares no page record with this memory: each page is duplicated with its node cache, so the
    /// copy's tree is current and nothing is rehashed, and the copy may be used on another thread while this
    /// memory is copied again (copy-on-write copies share records whose counts are not atomic).
    public func independentCopy() -> Memory {
        let other = copy()
        for index in other.pageIndexes { _ = other.privatePage(index) }
        // The duplicates hold this memory's up-to-date nodes and no dirty leaves: list none of them.
        for index in other.dirtyPages {
            other.table[Int(index)]?.storeBytes(of: 0, toByteOffset: PageRecord.listed, as: UInt32.self)
        }
        other.dirtyPages.removeAll(keepingCapacity: true)
        return other
    }
}
