/// The guest's `ParallelRows`: the FPVM has one hart, so rows run in order on it.
enum ParallelRows {
    /// Calls `body` once on the whole range.
    static func forEach(count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        body(0..<count)
    }
}
