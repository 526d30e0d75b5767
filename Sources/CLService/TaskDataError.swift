import CLStore

/// Why a service could not build the computation of a task from the stores. A task with such an error is
/// logged (with its id), counted and skipped; the service keeps serving every other task and asks the stores
/// again later, in case the data is published after the task.
public enum TaskDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No store holds valid data for a piece of the task (`what` names it: program, request chunk, constant …).
    case missing(what: String, StoreError)
    /// The data matched its hash but does not decode as what the task needs (a request that is not one, a
    /// model the engine rejects, a program that is not an ELF).
    case malformed(what: String, reason: String)
    /// The task's computation could not be run (a guest fault, the step bound).
    case execution(String)

    /// A sentence naming the failure.
    public var description: String {
        switch self {
        case .missing(let what, let error): "missing data for the \(what): \(error)"
        case .malformed(let what, let reason): "malformed \(what): \(reason)"
        case .execution(let why): "cannot execute: \(why)"
        }
    }

    /// A short label for metrics and logs: `missing`, `malformed` or `execution`.
    public var kind: String {
        switch self {
        case .missing: "missing"
        case .malformed: "malformed"
        case .execution: "execution"
        }
    }
}
