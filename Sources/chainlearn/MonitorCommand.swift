import ArgumentParser
import CLDispute
import CLMonitor
import CLPrimitives
import CLService
import CLStore
import CLTelemetry
import Foundation

/// `chainlearn monitor`: a deployment's tasks and games on a live web page.
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Serve a live page of a deployment's tasks and games (each game's bisection timeline), with alerts in /metrics.",
        discussion: """
            With --store the monitor re-executes each task itself and counts, in chainlearn_monitor_unchallenged_disagreements, \
            the revealed results it disagrees with that nobody disputes within --alert-window seconds of their challenge deadline.
            """)
    @Option(help: "JSON-RPC endpoint.") var rpcUrl = "http://127.0.0.1:8545"
    @Option(help: "The TaskMarket address.") var market: String
    @Option(name: .customLong("store"), help: "A store URL or directory to check results from (repeatable).") var stores: [String] = []
    @Option(help: "HOST:PORT of the page (port 0 picks a free one, printed).") var addr = "127.0.0.1:8700"
    @Option(help: "Seconds between refreshes.") var interval = 1.0
    @Option(help: "Alert on a disputed-by-nobody wrong result this many seconds before its challenge deadline.") var alertWindow: UInt64 = 60

    func run() async throws {
        guard let (host, port) = parseHostPort(addr) else { throw ValidationError("--addr must be HOST:PORT") }
        let options = try TaskOptions.parse(["--rpc-url", rpcUrl, "--market", market])
        let client = try await options.client()
        var fetcher: TaskDataFetcher?
        if !stores.isEmpty {
            do { fetcher = TaskDataFetcher(stores: try StoreClient(stores)) } catch { throw ValidationError("\(error)") }
        }
        let monitor = DeploymentMonitor(client: client, fetcher: fetcher, alertWindow: alertWindow)
        let server = MonitorServer(monitor: monitor, host: host, port: port)
        let bound = try server.start()
        FileHandle.standardOutput.write(Data("monitor on http://\(host):\(bound)/\n".utf8))
        while true {
            do { try await monitor.refresh() } catch {
                FileHandle.standardError.write(Data("warning: \(error); retrying\n".utf8))
            }
            try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
        }
    }
}
