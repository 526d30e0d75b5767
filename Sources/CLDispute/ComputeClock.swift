#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU seconds, for measuring what a party computes independently of what else the machine runs: the calling
/// thread's (an answer is computed on one thread) or the whole process's (a native graph trace spreads its rows
/// over threads; the in-process dev chain is idle while it runs).
public enum ComputeClock {
    /// CPU seconds the calling thread has used.
    public static func threadSeconds() -> Double { seconds(CLOCK_THREAD_CPUTIME_ID) }

    /// CPU seconds every thread of the process has used.
    public static func processSeconds() -> Double { seconds(CLOCK_PROCESS_CPUTIME_ID) }

    private static func seconds(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
