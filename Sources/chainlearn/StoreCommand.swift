import ArgumentParser
import CLDispute
import CLPrimitives
import CLService
import CLStore
import CLTelemetry
import Foundation

/// `chainlearn store ...`: the content-addressed store of programs, models and inputs.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Store programs, models and inputs by the hashes tasks commit to, and serve them over HTTP.",
        discussion: """
            Data is keyed by keccak256 of its bytes (the hash tasks commit to for models, inputs and every preimage \
            the guest reads); a program (--program) by its program hash, the FPVM hash of its base state. Clients \
            check every answer against its key, so a store needs no trust.
            """,
        subcommands: [StoreAddCommand.self, StoreGetCommand.self, StoreServeCommand.self, StorePublishTaskCommand.self])
}

/// The directory of the local store.
struct StoreDirectoryOption: ParsableArguments {
    @Option(help: "The store directory.") var dir = "chainlearn-store"

    func store() throws -> ContentStore {
        do { return try ContentStore(path: dir) } catch { throw CLIError("\(error)") }
    }
}

struct StoreAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a file; print its key.")
    @OptionGroup var location: StoreDirectoryOption
    @Flag(help: "The file is a guest ELF: key it by its program hash (the FPVM hash of its base state).") var program = false
    @Argument(help: "The file.") var file: String

    func run() throws {
        let bytes = try readBytes(file)
        let store = try location.store()
        do {
            if program {
                let hash = TaskDataFetcher.programCheck.key(bytes)
                guard hash != .zero else { throw CLIError("\(file) is not a guest ELF the FPVM loads") }
                try store.put(bytes, as: hash)
                print(hash.hex)
            } else {
                print(try store.add(bytes).hex)
            }
        } catch let error as StoreError {
            throw CLIError("\(error)")
        }
    }
}

struct StoreGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Fetch the data under a key (from --store URLs or directories, else --dir), checked against the key.")
    @OptionGroup var location: StoreDirectoryOption
    @Option(name: .customLong("store"), help: "A store URL or directory to ask (repeatable, asked in order).") var stores: [String] = []
    @Flag(help: "The key is a program hash (check the ELF's base state, not keccak256).") var program = false
    @Option(name: .shortAndLong, help: "Write the bytes to this file (default: standard output).") var output: String?
    @Argument(help: "The key (64 hex digits).") var key: String

    func run() async throws {
        do {
            let parsed = try parseStoreKey(key)
            let client = try StoreClient(stores.isEmpty ? [location.dir] : stores) { refusal in
                FileHandle.standardError.write(Data("warning: \(refusal)\n".utf8))
            }
            let bytes = try await client.fetch(parsed, check: program ? TaskDataFetcher.programCheck : .keccak256)
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else { throw CLIError("cannot write \(output)") }
            } else {
                FileHandle.standardOutput.write(Data(bytes))
            }
        } catch let error as StoreError {
            throw CLIError("\(error)")
        }
    }
}

struct StoreServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Serve the store over HTTP: GET /KEY.")
    @OptionGroup var location: StoreDirectoryOption
    @Option(help: "HOST:PORT to listen on (port 0 picks a free one, printed).") var addr = "127.0.0.1:8600"

    func run() async throws {
        guard let (host, port) = parseHostPort(addr) else { throw ValidationError("--addr must be HOST:PORT") }
        let server = StoreServer(store: try location.store(), host: host, port: port)
        let bound = try server.start()
        FileHandle.standardOutput.write(Data("store \(location.dir) on http://\(host):\(bound)\n".utf8))
        while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
    }
}

struct StorePublishTaskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish-task",
        abstract: "Add everything a task needs (program, request, model, inputs) to the store; print the keys the task commits to.")
    @OptionGroup var location: StoreDirectoryOption
    @OptionGroup var files: TaskFileOptions

    func run() async throws {
        try files.validatePhases()
        let store = try location.store()
        let published: TaskPublisher.Published
        do {
            if files.phases == 2 {
                // The verifier is the validators' to trust, not part of the published data.
                let graph = try TaskFiles(guest: files.guest, model: files.model, input: files.input).graph()
                let dispute = try GraphDispute(name: files.model, graph: graph, nodeProgram: try readBytes(files.guest), verifier: .zero)
                published = try TaskPublisher.publish(dispute, into: store)
            } else {
                published = try TaskPublisher.publish(try TaskFiles(guest: files.guest, model: files.model, input: files.input).spec(), into: store)
            }
        } catch let error as TaskPublishError {
            throw CLIError("\(error)")
        }
        print("program \(published.programHash.hex)")
        print("model \(published.modelHash.hex)")
        print("input \(published.inputHash.hex)")
        print("\(published.entries) entries in \(location.dir)")
    }
}
