import CLCrypto
import CLEVM
import CLPrimitives
import Foundation

/// One ethereum/tests GeneralStateTests test (one named entry of a file), parsed.
public struct StateTest: Sendable {
    /// The test's name (its key in the file).
    public var name: String
    /// The block.
    public var block: BlockEnvironment
    /// Pre-state accounts.
    public var pre: [Address: AccountInfo]
    /// Pre-state storage.
    public var preStorage: [Address: [UInt256: UInt256]]
    /// The transaction template (one value per index list).
    public var transaction: TransactionTemplate
    /// Expected results per fork (only forks the EVM implements; others are ignored).
    public var expectations: [Hardfork: [Expectation]]

    /// Expected results for the Cancun fork.
    public var cancun: [Expectation] { expectations[.cancun] ?? [] }
}

/// The `transaction` section: lists of data, gas limits and values, indexed by each post entry.
public struct TransactionTemplate: Sendable {
    /// Sender (from `sender`, or derived from `secretKey`).
    public var sender: Address
    /// Nonce (nil when it does not fit 64 bits: the transaction is then invalid).
    public var nonce: UInt64?
    /// Recipient (nil: create).
    public var to: Address?
    /// Call data candidates.
    public var data: [[UInt8]]
    /// Access lists per data index (nil entries: none).
    public var accessLists: [[AccessListEntry]?]
    /// Gas-limit candidates (nil when a value does not fit 64 bits).
    public var gasLimits: [UInt64?]
    /// Value candidates (nil when a value does not fit 256 bits).
    public var values: [UInt256?]
    /// Legacy gas price.
    public var gasPrice: UInt256?
    /// EIP-1559 fee cap.
    public var maxFeePerGas: UInt256?
    /// EIP-1559 tip cap.
    public var maxPriorityFeePerGas: UInt256?
    /// EIP-4844 blob fee cap.
    public var maxFeePerBlobGas: UInt256?
    /// EIP-4844 blob hashes.
    public var blobVersionedHashes: [Bytes32]?
    /// EIP-7702 authorization list (nil: not a set-code transaction).
    public var authorizationList: [Authorization]?
    /// True when a fee field does not fit 256 bits (the transaction cannot be encoded: invalid).
    public var hasOversizedField: Bool
}

/// One `post.Cancun[i]` entry.
public struct Expectation: Sendable {
    /// Position in the `post.Cancun` list.
    public var position: Int
    /// Data, gas and value indexes.
    public var dataIndex: Int, gasIndex: Int, valueIndex: Int
    /// Expected state root.
    public var stateRoot: Bytes32
    /// Expected keccak256(rlp(logs)).
    public var logsHash: Bytes32
    /// Expected rejection reason, when the transaction must be invalid.
    public var expectException: String?
}

/// Forks a state test may name; anything else is an error in the file.
let knownForks: Set<String> = [
    "Frontier", "Homestead", "EIP150", "EIP158", "Byzantium", "Constantinople", "ConstantinopleFix", "Petersburg",
    "Istanbul", "Berlin", "London", "Paris", "Merge", "Shanghai", "Cancun", "Prague", "Osaka",
]

/// Parsing helpers over `JSONSerialization` values.
enum JSONField {
    static func object(_ value: Any?, _ path: String) throws(StateTestError) -> [String: Any] {
        guard let o = value as? [String: Any] else { throw StateTestError("\(path): expected an object") }
        return o
    }

    static func string(_ value: Any?, _ path: String) throws(StateTestError) -> String {
        guard let s = value as? String else { throw StateTestError("\(path): expected a string") }
        return s
    }

    static func list(_ value: Any?, _ path: String) throws(StateTestError) -> [Any] {
        guard let l = value as? [Any] else { throw StateTestError("\(path): expected a list") }
        return l
    }

    /// A hex quantity; nil when it exceeds 256 bits.
    static func uint256OrNil(_ value: Any?, _ path: String) throws(StateTestError) -> UInt256? {
        var s = try string(value, path)
        // Fillers write integers wider than 256 bits as "0x:bigint 0x…".
        if s.hasPrefix("0x:bigint ") { s = String(s.dropFirst(10)) }
        var digits = Substring(s)
        guard digits.hasPrefix("0x") || digits.hasPrefix("0X") else { throw StateTestError("\(path): bad hex '\(s)'") }
        digits = digits.dropFirst(2)
        while digits.count > 1 && digits.first == "0" { digits = digits.dropFirst() }
        if digits.isEmpty { return .zero }
        if digits.utf8.count > 64 {
            guard digits.allSatisfy({ $0.isHexDigit }) else { throw StateTestError("\(path): bad hex '\(s)'") }
            return nil
        }
        guard let v = UInt256(hex: digits) else { throw StateTestError("\(path): bad hex '\(s)'") }
        return v
    }

    static func uint256(_ value: Any?, _ path: String) throws(StateTestError) -> UInt256 {
        guard let v = try uint256OrNil(value, path) else { throw StateTestError("\(path): value exceeds 256 bits") }
        return v
    }

    static func uint64OrNil(_ value: Any?, _ path: String) throws(StateTestError) -> UInt64? {
        try uint256OrNil(value, path)?.uint64
    }

    static func uint64(_ value: Any?, _ path: String) throws(StateTestError) -> UInt64 {
        guard let v = try uint64OrNil(value, path) else { throw StateTestError("\(path): value exceeds 64 bits") }
        return v
    }

    static func bytes(_ value: Any?, _ path: String) throws(StateTestError) -> [UInt8] {
        let s = try string(value, path)
        do {
            return try Hex.decode(s)
        } catch {
            throw StateTestError("\(path): bad hex data (\(error))")
        }
    }

    static func address(_ value: Any?, _ path: String) throws(StateTestError) -> Address {
        let b = try bytes(value, path)
        guard let a = Address(bytes: b) else { throw StateTestError("\(path): an address needs 20 bytes") }
        return a
    }

    static func bytes32(_ value: Any?, _ path: String) throws(StateTestError) -> Bytes32 {
        let b = try bytes(value, path)
        guard let w = Bytes32(bytes: b) else { throw StateTestError("\(path): expected 32 bytes") }
        return w
    }
}

extension StateTest {
    /// Parses every test in a GeneralStateTests file.
    public static func parseFile(_ data: Data) throws(StateTestError) -> [StateTest] {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw StateTestError("malformed JSON: \(error.localizedDescription)")
        }
        let tests = try JSONField.object(root, "file")
        var out: [StateTest] = []
        for name in tests.keys.sorted() {
            out.append(try parse(name: name, try JSONField.object(tests[name], name)))
        }
        return out
    }

    static func parse(name: String, _ t: [String: Any]) throws(StateTestError) -> StateTest {
        let env = try JSONField.object(t["env"], "\(name).env")
        let p = "\(name).env"
        let randomValue = env["currentRandom"] ?? env["currentDifficulty"]
        let block = BlockEnvironment(
            coinbase: try JSONField.address(env["currentCoinbase"], "\(p).currentCoinbase"),
            number: try JSONField.uint64(env["currentNumber"], "\(p).currentNumber"),
            timestamp: try JSONField.uint64(env["currentTimestamp"], "\(p).currentTimestamp"),
            gasLimit: try JSONField.uint64(env["currentGasLimit"], "\(p).currentGasLimit"),
            prevRandao: try JSONField.uint256(randomValue, "\(p).currentRandom").bytes32,
            baseFee: env["currentBaseFee"] == nil ? .zero : try JSONField.uint256(env["currentBaseFee"], "\(p).currentBaseFee"),
            excessBlobGas: env["currentExcessBlobGas"] == nil ? 0
                : try JSONField.uint64(env["currentExcessBlobGas"], "\(p).currentExcessBlobGas"),
            chainId: UInt256(1 as UInt64))

        var pre: [Address: AccountInfo] = [:]
        var storage: [Address: [UInt256: UInt256]] = [:]
        let preObject = try JSONField.object(t["pre"], "\(name).pre")
        for (key, value) in preObject {
            let path = "\(name).pre.\(key)"
            let address = try JSONField.address(key, path)
            let a = try JSONField.object(value, path)
            pre[address] = AccountInfo(nonce: try JSONField.uint64(a["nonce"], "\(path).nonce"),
                                       balance: try JSONField.uint256(a["balance"], "\(path).balance"),
                                       code: try JSONField.bytes(a["code"], "\(path).code"))
            var slots: [UInt256: UInt256] = [:]
            for (k, v) in try JSONField.object(a["storage"] ?? [String: Any](), "\(path).storage") {
                let value = try JSONField.uint256(v, "\(path).storage.\(k)")
                if !value.isZero { slots[try JSONField.uint256(k, "\(path).storage key")] = value }
            }
            if !slots.isEmpty { storage[address] = slots }
        }

        let tx = try parseTransaction(try JSONField.object(t["transaction"], "\(name).transaction"), "\(name).transaction")
        let post = try JSONField.object(t["post"], "\(name).post")
        for fork in post.keys where !knownForks.contains(fork) {
            throw StateTestError("\(name).post: unknown fork '\(fork)'")
        }
        var byFork: [Hardfork: [Expectation]] = [:]
        for fork in Hardfork.allCases {
            guard let entries = post[fork.fixtureName] else { continue }
            var expectations: [Expectation] = []
            for (i, e) in try JSONField.list(entries, "\(name).post.\(fork.fixtureName)").enumerated() {
                let path = "\(name).post.\(fork.fixtureName)[\(i)]"
                let entry = try JSONField.object(e, path)
                let indexes = try JSONField.object(entry["indexes"], "\(path).indexes")
                guard let d = indexes["data"] as? Int, let g = indexes["gas"] as? Int, let v = indexes["value"] as? Int,
                      d >= 0, d < tx.data.count, g >= 0, g < tx.gasLimits.count, v >= 0, v < tx.values.count else {
                    throw StateTestError("\(path).indexes: missing or out of range")
                }
                expectations.append(Expectation(
                    position: i, dataIndex: d, gasIndex: g, valueIndex: v,
                    stateRoot: try JSONField.bytes32(entry["hash"], "\(path).hash"),
                    logsHash: try JSONField.bytes32(entry["logs"], "\(path).logs"),
                    expectException: entry["expectException"] as? String))
            }
            byFork[fork] = expectations
        }
        return StateTest(name: name, block: block, pre: pre, preStorage: storage, transaction: tx, expectations: byFork)
    }

    static func parseTransaction(_ t: [String: Any], _ path: String) throws(StateTestError) -> TransactionTemplate {
        let sender: Address
        if let s = t["sender"] {
            sender = try JSONField.address(s, "\(path).sender")
        } else {
            let secret = try JSONField.bytes32(t["secretKey"], "\(path).secretKey")
            do {
                let key = try PrivateKey(secret)
                sender = Address(bytes: key.ethereumAddress)!
            } catch {
                throw StateTestError("\(path).secretKey: invalid key")
            }
        }
        let toText = try JSONField.string(t["to"], "\(path).to")
        let to: Address? = toText.isEmpty ? nil : try JSONField.address(toText, "\(path).to")
        var data: [[UInt8]] = []
        for (i, d) in try JSONField.list(t["data"], "\(path).data").enumerated() {
            data.append(try JSONField.bytes(d, "\(path).data[\(i)]"))
        }
        var accessLists: [[AccessListEntry]?] = Array(repeating: nil, count: data.count)
        if let lists = t["accessLists"] as? [Any] {
            for (i, l) in lists.enumerated() where i < data.count {
                guard let entries = l as? [Any] else { continue }
                var parsed: [AccessListEntry] = []
                for (j, e) in entries.enumerated() {
                    let ep = "\(path).accessLists[\(i)][\(j)]"
                    let o = try JSONField.object(e, ep)
                    var keys: [UInt256] = []
                    for k in try JSONField.list(o["storageKeys"], "\(ep).storageKeys") {
                        keys.append(try JSONField.uint256(k, "\(ep).storageKeys"))
                    }
                    parsed.append(AccessListEntry(address: try JSONField.address(o["address"], "\(ep).address"),
                                                  storageKeys: keys))
                }
                accessLists[i] = parsed
            }
        }
        var gasLimits: [UInt64?] = []
        for g in try JSONField.list(t["gasLimit"], "\(path).gasLimit") {
            gasLimits.append(try JSONField.uint64OrNil(g, "\(path).gasLimit"))
        }
        var values: [UInt256?] = []
        for v in try JSONField.list(t["value"], "\(path).value") {
            values.append(try JSONField.uint256OrNil(v, "\(path).value"))
        }
        var oversized = false
        func optional(_ key: String) throws(StateTestError) -> UInt256? {
            guard let v = t[key] else { return nil }
            guard let parsed = try JSONField.uint256OrNil(v, "\(path).\(key)") else {
                oversized = true
                return .zero
            }
            return parsed
        }
        var blobHashes: [Bytes32]?
        if let hashes = t["blobVersionedHashes"] {
            var parsed: [Bytes32] = []
            for h in try JSONField.list(hashes, "\(path).blobVersionedHashes") {
                parsed.append(try JSONField.bytes32(h, "\(path).blobVersionedHashes"))
            }
            blobHashes = parsed
        }
        var authorizations: [Authorization]?
        if let list = t["authorizationList"] {
            var parsed: [Authorization] = []
            for (i, entry) in try JSONField.list(list, "\(path).authorizationList").enumerated() {
                let ep = "\(path).authorizationList[\(i)]"
                let o = try JSONField.object(entry, ep)
                // A nonce beyond 64 bits cannot be encoded in the transaction: the transaction is invalid.
                guard let nonce = try JSONField.uint64OrNil(o["nonce"], "\(ep).nonce") else {
                    oversized = true
                    continue
                }
                parsed.append(Authorization(
                    chainId: try JSONField.uint256(o["chainId"], "\(ep).chainId"),
                    address: try JSONField.address(o["address"], "\(ep).address"), nonce: nonce,
                    yParity: try JSONField.uint256(o["v"] ?? o["yParity"], "\(ep).v"),
                    r: try JSONField.uint256(o["r"], "\(ep).r"), s: try JSONField.uint256(o["s"], "\(ep).s")))
            }
            authorizations = parsed
        }
        let gasPrice = try optional("gasPrice")
        let maxFee = try optional("maxFeePerGas")
        let maxPriority = try optional("maxPriorityFeePerGas")
        let maxBlobFee = try optional("maxFeePerBlobGas")
        return TransactionTemplate(
            sender: sender, nonce: try JSONField.uint64OrNil(t["nonce"], "\(path).nonce"), to: to, data: data,
            accessLists: accessLists, gasLimits: gasLimits, values: values, gasPrice: gasPrice,
            maxFeePerGas: maxFee, maxPriorityFeePerGas: maxPriority, maxFeePerBlobGas: maxBlobFee,
            blobVersionedHashes: blobHashes, authorizationList: authorizations, hasOversizedField: oversized)
    }
}
