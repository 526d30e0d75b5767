import ArgumentParser
import CLEVM
import CLPrimitives
import CLStateTest
import Foundation

/// `chainlearn evmrun`: executes transactions described in a JSON file and prints one JSON result
/// per case (status, gas used, refund, output, logs, post-state). Used by the differential test
/// against a reference EVM (`Scripts/evm-differential`).
struct EVMRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evmrun",
        abstract: "Run JSON-described transactions on the EVM and print JSON results (differential testing).")

    @Argument(help: "JSON file: a list of cases {env, pre, tx}.")
    var path: String

    @Option(help: "Fork the cases run under: cancun, prague or osaka.")
    var hardfork: Hardfork = .cancun

    func run() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let cases = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw ValidationError("\(path): expected a list of case objects")
        }
        let box = LinesBox()
        box.cases = cases
        let rules = ForkRules.of(hardfork)
        StateTestRunner.onLargeStack {
            var lines: [String] = []
            for (i, c) in box.cases.enumerated() {
                do {
                    lines.append(try EVMRunCase.run(c, rules: rules))
                } catch {
                    lines.append("{\"case\":\(i),\"error\":\"\(error)\"}")
                }
            }
            box.lines = lines
        }
        for line in box.lines { print(line) }
    }
}

private final class LinesBox: @unchecked Sendable {
    var cases: [[String: Any]] = []
    var lines: [String] = []
}

/// One differential case.
enum EVMRunCase {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func hex(_ v: Any?) throws -> [UInt8] {
        guard let s = v as? String, let b = try? Hex.decode(s) else { throw Failure(description: "bad hex \(String(describing: v))") }
        return b
    }

    static func word(_ v: Any?) throws -> UInt256 {
        if let i = v as? Int { return UInt256(i) }
        guard let s = v as? String else { throw Failure(description: "bad number \(String(describing: v))") }
        if s.hasPrefix("0x") {
            guard let w = s.count == 2 ? .zero : UInt256(hex: s) else { throw Failure(description: "bad number \(s)") }
            return w
        }
        guard let w = UInt256(decimal: s) else { throw Failure(description: "bad number \(s)") }
        return w
    }

    static func address(_ v: Any?) throws -> Address {
        guard let a = Address(bytes: try hex(v)) else { throw Failure(description: "bad address") }
        return a
    }

    static func run(_ c: [String: Any], rules: ForkRules) throws -> String {
        guard let env = c["env"] as? [String: Any], let pre = c["pre"] as? [String: Any],
              let t = c["tx"] as? [String: Any] else { throw Failure(description: "case needs env, pre, tx") }
        var accounts: [Address: AccountInfo] = [:]
        var storages: [Address: [UInt256: UInt256]] = [:]
        for (key, value) in pre {
            guard let a = value as? [String: Any] else { throw Failure(description: "bad account") }
            let addr = try address(key)
            accounts[addr] = AccountInfo(nonce: try word(a["nonce"]).w0, balance: try word(a["balance"]),
                                         code: try hex(a["code"]))
            var slots: [UInt256: UInt256] = [:]
            for (k, v) in (a["storage"] as? [String: Any]) ?? [:] { slots[try word(k)] = try word(v) }
            storages[addr] = slots
        }
        let backend = InMemoryBackend(accounts: accounts, storages: storages)
        let world = WorldState(backend: backend)
        let block = BlockEnvironment(
            coinbase: try address(env["coinbase"]), number: try word(env["number"]).w0,
            timestamp: try word(env["timestamp"]).w0, gasLimit: try word(env["gasLimit"]).w0,
            prevRandao: try word(env["prevRandao"]).bytes32, baseFee: try word(env["baseFee"]),
            excessBlobGas: 0, chainId: try word(env["chainId"]))
        let evm = EVM(state: world, block: block, context: TransactionContext(origin: try address(t["sender"]), gasPrice: .zero),
                      rules: rules)
        let toText = (t["to"] as? String) ?? ""
        let tx = Transaction(type: 0, sender: try address(t["sender"]), nonce: try word(t["nonce"]).w0,
                             gasLimit: try word(t["gas"]).w0, to: toText.isEmpty ? nil : try address(toText),
                             value: try word(t["value"]), data: try hex(t["data"]), gasPrice: try word(t["gasPrice"]))
        var out: [String: Any] = [:]
        do {
            let r = try evm.executeTransaction(tx)
            out["status"] = r.status == .success ? "success" : (r.status == .revert ? "revert" : "error")
            out["detail"] = r.status.description
            out["gasUsed"] = Int(r.gasUsed)
            out["refund"] = Int(r.refund)
            out["output"] = Hex.encode(r.output, prefix: true)
            out["logs"] = r.logs.map { log -> [Any] in
                [Hex.encode(log.address.bytes, prefix: true), log.topics.map { $0.hex }, Hex.encode(log.data, prefix: true)]
            }
        } catch {
            out["status"] = "invalid"
            out["detail"] = error.description
        }
        var state: [String: Any] = [:]
        for (addr, a) in world.accounts where a.exists {
            var storage: [String: String] = [:]
            var merged = a.storageCleared ? [:] : (storages[addr] ?? [:])
            for (k, v) in a.storage { merged[k] = v }
            for (k, v) in merged where !v.isZero { storage[k.hexQuantity] = v.hexQuantity }
            state[Hex.encode(addr.bytes, prefix: true)] = [
                "balance": a.balance.hexQuantity, "nonce": Int(a.nonce), "codeHash": a.codeHash.hex, "storage": storage,
            ] as [String: Any]
        }
        for (addr, info) in accounts where world.accounts[addr] == nil {
            var storage: [String: String] = [:]
            for (k, v) in storages[addr] ?? [:] where !v.isZero { storage[k.hexQuantity] = v.hexQuantity }
            state[Hex.encode(addr.bytes, prefix: true)] = [
                "balance": info.balance.hexQuantity, "nonce": Int(info.nonce), "codeHash": info.codeHash.hex,
                "storage": storage,
            ] as [String: Any]
        }
        out["state"] = state
        let json = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys])
        return String(decoding: json, as: UTF8.self)
    }
}
