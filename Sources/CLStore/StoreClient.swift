import CLPrimitives
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where a `StoreClient` looks for data: a `chainlearn store serve` endpoint or a local store directory.
public enum StoreSource: Sendable, CustomStringConvertible {
    /// An HTTP(S) store: `GET URL/KEY`.
    case http(URL)
    /// A local store directory.
    case directory(ContentStore)

    /// A source from its text: an `http://` or `https://` URL, else a directory path.
    public init(_ text: String) throws(StoreError) {
        if text.hasPrefix("http://") || text.hasPrefix("https://") {
            guard let url = URL(string: text.hasSuffix("/") ? String(text.dropLast()) : text) else { throw .badSource(text) }
            self = .http(url)
        } else {
            guard !text.isEmpty else { throw .badSource(text) }
            self = .directory(try ContentStore(path: text))
        }
    }

    /// The source as configured.
    public var description: String {
        switch self {
        case .http(let url): url.absoluteString
        case .directory(let store): store.directory.path
        }
    }
}

/// How fetched bytes are checked against the key they were asked for: the function that computes a key from
/// bytes (`keccak256` for data; a program's FPVM base-state hash for a guest ELF).
public struct ContentCheck: Sendable {
    /// A name for messages.
    public let name: String
    /// The key the bytes must have.
    public let key: @Sendable ([UInt8]) -> Bytes32

    /// A check computing keys with `key`.
    public init(name: String, key: @escaping @Sendable ([UInt8]) -> Bytes32) {
        self.name = name
        self.key = key
    }

    /// `keccak256(bytes)`: the key of every preimage, model descriptor, constant and input tensor.
    public static let keccak256 = ContentCheck(name: "keccak256") { Keccak256.hash($0) }
}

/// Fetches data by key from one or more stores, in order, and accepts only bytes whose key (by the
/// `ContentCheck`) is the key asked for: a store that serves anything else is refused (reported through
/// `onRefusal`) and the next one tried. When no store has valid data the fetch fails with
/// `StoreError.missing`, listing what each store answered.
public final class StoreClient: Sendable {
    /// The stores, asked in this order.
    public let sources: [StoreSource]
    /// Seconds to wait for one HTTP answer.
    public let timeout: Double
    private let onRefusal: @Sendable (StoreError) -> Void

    /// A client over `sources`; `onRefusal` hears of every store that served wrong data.
    public init(sources: [StoreSource], timeout: Double = 30, onRefusal: @escaping @Sendable (StoreError) -> Void = { _ in }) {
        self.sources = sources
        self.timeout = timeout
        self.onRefusal = onRefusal
    }

    /// A client over stores given as text (URLs or directories).
    public convenience init(_ texts: [String], timeout: Double = 30,
                            onRefusal: @escaping @Sendable (StoreError) -> Void = { _ in }) throws(StoreError) {
        var sources: [StoreSource] = []
        for text in texts { sources.append(try StoreSource(text)) }
        self.init(sources: sources, timeout: timeout, onRefusal: onRefusal)
    }

    /// The bytes under `key`, checked by `check`.
    public func fetch(_ key: Bytes32, check: ContentCheck = .keccak256) async throws(StoreError) -> [UInt8] {
        var attempts: [String] = []
        for source in sources {
            let bytes: [UInt8]?
            do { bytes = try await read(key, from: source) } catch {
                attempts.append("\(source): \(error)")
                continue
            }
            guard let bytes else {
                attempts.append("\(source): not found")
                continue
            }
            let actual = check.key(bytes)
            if actual == key { return bytes }
            let refusal = StoreError.hashMismatch(source: source.description, key: key, actual: actual)
            onRefusal(refusal)
            attempts.append("\(source): \(check.name) of the answer is \(actual.hex), refused")
        }
        throw .missing(key: key, attempts: attempts)
    }

    /// One source's answer: the bytes, nil when it has no entry, or an error when it cannot be read.
    private func read(_ key: Bytes32, from source: StoreSource) async throws(StoreError) -> [UInt8]? {
        switch source {
        case .directory(let store):
            return try store.get(key)
        case .http(let base):
            var request = URLRequest(url: base.appendingPathComponent(key.hex))
            request.timeoutInterval = timeout
            let data: Data
            let response: URLResponse
            do { (data, response) = try await URLSession.shared.data(for: request) } catch {
                throw .io("\(base.absoluteString) unreachable: \(error.localizedDescription)")
            }
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            if status == 404 { return nil }
            guard status == 200 else { throw .io("HTTP \(status) from \(base.absoluteString)") }
            return [UInt8](data)
        }
    }
}
