import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A fixed-size pool of threads with large stacks that runs request handlers away from the event
/// loops: a JSON-RPC request may wait on the chain lock or run the EVM, which recurses on the native
/// stack for nested calls (up to depth 1024), so it needs more stack than an event loop's thread has.
/// Threads start on demand, up to `limit`; jobs queue in arrival order.
final class HTTPWorkerPool: @unchecked Sendable {
    /// One unit of work.
    typealias Job = @Sendable () -> Void

    private let limit: Int
    private let stackSize: Int
    private let condition = NSCondition()
    /// A queued job, a class so that a submission can be taken back by identity.
    private final class Entry { let job: Job; init(_ job: @escaping Job) { self.job = job } }
    private var queue: [Entry] = []
    private var queueHead = 0
    private var threads = 0
    private var idle = 0

    /// A pool of at most `limit` threads with `stackSize` bytes of stack each.
    init(limit: Int, stackSize: Int = 256 * 1024 * 1024) {
        self.limit = max(1, limit)
        self.stackSize = stackSize
    }

    /// Queues `job`. Returns false, queueing nothing, when no thread runs and none can be started
    /// (the caller then refuses the request instead of leaving it unanswered).
    func submit(_ job: @escaping Job) -> Bool {
        let entry = Entry(job)
        condition.lock()
        queue.append(entry)
        let needThread = idle == 0 && threads < limit
        if needThread { threads += 1 }
        condition.unlock()
        // Signalled after unlocking, so that the woken worker does not at once block on the lock
        // (a second context switch, which costs most on a loaded machine).
        condition.signal()
        guard needThread else { return true }
        if HTTPWorkerPool.spawn(stackSize: stackSize, { [self] in work() }) { return true }
        condition.lock()
        defer { condition.unlock() }
        threads -= 1
        if threads == 0 {
            // Nobody will ever take the job: take it back.
            if let index = queue[queueHead...].firstIndex(where: { $0 === entry }) { queue.remove(at: index) }
            return false
        }
        return true
    }

    private func work() {
        condition.lock()
        while true {
            while queueHead == queue.count {
                idle += 1
                condition.wait()
                idle -= 1
            }
            let job = queue[queueHead].job
            queueHead += 1
            if queueHead == queue.count {
                queue.removeAll(keepingCapacity: true)
                queueHead = 0
            } else if queueHead > 1024 {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            condition.unlock()
            job()
            condition.lock()
        }
    }

    /// Starts `body` on a new detached thread with `stackSize` bytes of stack; false when the system
    /// refuses the thread.
    static func spawn(stackSize: Int, _ body: @escaping @Sendable () -> Void) -> Bool {
        final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
        var attributes = pthread_attr_t()
        guard pthread_attr_init(&attributes) == 0 else { return false }
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, stackSize)
        let box = Unmanaged.passRetained(Box(body))
        var thread = pthread_t()
        let started = pthread_create(&thread, &attributes, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box.toOpaque())
        if started != 0 {
            box.release()
            return false
        }
        return true
    }
}
