/// Why a state-test file could not be run.
public struct StateTestError: Error, CustomStringConvertible, Sendable {
    /// What was wrong, with the field's path where known.
    public let message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
