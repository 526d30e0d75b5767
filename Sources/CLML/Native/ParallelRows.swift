import Dispatch

/// Splits independent output rows across the machine's two cores (native build only; the guest build
/// has a serial version of this type, so the kernels call the same name in both builds).
enum ParallelRows {
    /// Below this many multiply-accumulates a split costs more than it saves.
    static let minimumWork = 1 << 17

    /// Calls `body` on disjoint ranges covering `0..<count`, concurrently when `work` is large enough.
    static func forEach(count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        if work < minimumWork || count < 2 {
            body(0..<count)
            return
        }
        let half = count / 2
        withoutActuallyEscaping(body) { task in
            let shared = UncheckedBox(task)
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                shared.value(part == 0 ? 0..<half : half..<count)
            }
        }
    }
}

/// Carries a value into a concurrent closure whose callers write disjoint memory.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
