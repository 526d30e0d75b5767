/// A counting semaphore for async code: at most `permits` holders at once, the others wait in order.
actor AsyncGate {
    private var permits: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// A gate letting `permits` (at least 1) through at once.
    init(permits: Int) { self.permits = max(1, permits) }

    /// Waits for a permit.
    func acquire() async {
        if permits > 0 {
            permits -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Returns a permit (to the longest waiter, if any).
    func release() {
        if waiters.isEmpty {
            permits += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}

/// Runs `body` holding a permit of `gate`.
func holding<T, E: Error>(_ gate: AsyncGate, _ body: () async throws(E) -> T) async throws(E) -> T {
    await gate.acquire()
    do {
        let value = try await body()
        await gate.release()
        return value
    } catch {
        await gate.release()
        throw error
    }
}
