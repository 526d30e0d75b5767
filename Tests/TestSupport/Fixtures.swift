import Foundation

/// Locates test data in the repository's `Fixtures/` folder, independent of the working directory.
public enum Fixtures {
    /// The repository root (two levels above this file's folder).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Fixtures/<relative>` as a URL.
    public static func url(_ relative: String) -> URL {
        repositoryRoot.appendingPathComponent("Fixtures").appendingPathComponent(relative)
    }

    /// The bytes of `Fixtures/<relative>`.
    public static func data(_ relative: String) throws -> Data {
        try Data(contentsOf: url(relative))
    }

    /// Parses `Fixtures/<relative>` as JSON.
    public static func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: data(relative), options: [.fragmentsAllowed])
    }

    /// Files under `Fixtures/<folder>` ending in `suffix`, sorted, as paths relative to `Fixtures/`.
    public static func files(in folder: String, suffix: String = ".json") -> [String] {
        let base = url(folder)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        var out: [String] = []
        for case let file as URL in walker where file.lastPathComponent.hasSuffix(suffix) {
            let rel = String(file.path.dropFirst(base.path.count + 1))
            out.append(folder + "/" + rel)
        }
        return out.sorted()
    }
}
