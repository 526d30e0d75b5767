import CLPrimitives
import Foundation

/// Ethereum JSON-RPC 2.0 over HTTP for a `DevChain`: single requests and batches, errors shaped as
/// geth and Anvil shape them.
public final class RPCServer: @unchecked Sendable {
    /// The chain served.
    public let chain: DevChain
    /// The bounds on one request's work.
    public let limits: RPCLimits
    /// The most requests one batch may hold.
    public var maxBatchSize: Int { limits.maxBatchSize }
    /// `web3_clientVersion`.
    public static let clientVersion = "chainlearn/0.1.0/linux/swift6"
    /// Installed filters (`RPCFilters`).
    let filters: FilterRegistry
    /// WebSocket subscriptions (`RPCSubscriptions`).
    let subscriptions: SubscriptionHub
    private var http: HTTPServer?
    private var miningTimer: Thread?
    private let stopLock = NSLock()
    private var stopped = false
    private var miningGeneration = 0
    private var miningSeconds = 0.0

    /// A server for `chain` with these limits.
    public init(chain: DevChain, limits: RPCLimits = RPCLimits()) {
        self.chain = chain
        self.limits = limits
        filters = FilterRegistry(timeout: limits.filterTimeout, maxEntries: limits.maxFilterEntries, maxFilters: limits.maxFilters)
        chain.addObserver(filters)
        subscriptions = SubscriptionHub(maxPerConnection: limits.maxSubscriptionsPerConnection)
        chain.addObserver(subscriptions)
    }

    /// A server for `chain` taking batches of up to `maxBatchSize` requests, other limits at their defaults.
    public convenience init(chain: DevChain, maxBatchSize: Int) {
        var limits = RPCLimits()
        limits.maxBatchSize = maxBatchSize
        self.init(chain: chain, limits: limits)
    }

    /// Listens on `host:port` (0: any free port) with these HTTP limits and deadlines; returns the bound port.
    @discardableResult
    public func start(host: String = "127.0.0.1", port: UInt16 = 8545, httpLimits: HTTPServerLimits) throws(HTTPServerError) -> UInt16 {
        let server = HTTPServer(host: host, port: port, limits: httpLimits) { [self] request in
            handleHTTP(request)
        }
        subscriptions.server = self
        server.webSocket = subscriptions
        let bound = try server.start()
        http = server
        return bound
    }

    /// Listens on `host:port` (0: any free port); returns the bound port.
    /// `timeouts` are the HTTP deadlines in seconds: idle keep-alive, request head, request body.
    @discardableResult
    public func start(host: String = "127.0.0.1", port: UInt16 = 8545, maxBodyBytes: Int = 5 * 1024 * 1024,
                      timeouts: (idle: Double, header: Double, body: Double) = (15, 10, 30),
                      maxConnections: Int = 4096, maxConnectionsPerClient: Int = 0)
        throws(HTTPServerError) -> UInt16 {
        var limits = HTTPServerLimits()
        limits.maxBodyBytes = maxBodyBytes
        limits.idleTimeout = timeouts.idle
        limits.headerTimeout = timeouts.header
        limits.bodyTimeout = timeouts.body
        limits.maxConnections = maxConnections
        limits.maxConnectionsPerClient = maxConnectionsPerClient
        return try start(host: host, port: port, httpLimits: limits)
    }

    /// Mines a block every `seconds` (interval mining); automine is switched off. Transactions
    /// kept from a previous run are promoted into the pending set first. A later call replaces the
    /// interval; `stopIntervalMining()` ends it.
    public func startIntervalMining(seconds: Double) {
        chain.setAutomine(false)
        chain.promoteQueued()
        let generation: Int = stopLock.withLock {
            miningGeneration += 1
            miningSeconds = seconds
            return miningGeneration
        }
        let thread = Thread { [self] in
            while !isStopped && currentMiningGeneration == generation {
                Thread.sleep(forTimeInterval: seconds)
                if isStopped || currentMiningGeneration != generation { break }
                try? chain.mineBlocks()
            }
        }
        thread.name = "interval-miner"
        thread.stackSize = 256 * 1024 * 1024
        thread.start()
        miningTimer = thread
    }

    /// Ends interval mining (blocks are then mined on request only; automine stays off).
    public func stopIntervalMining() {
        stopLock.withLock {
            miningGeneration += 1
            miningSeconds = 0
        }
    }

    /// The interval of interval mining in seconds; 0 when off.
    public var intervalMiningSeconds: Double { stopLock.withLock { miningSeconds } }

    private var currentMiningGeneration: Int { stopLock.withLock { miningGeneration } }

    private var isStopped: Bool {
        stopLock.lock()
        defer { stopLock.unlock() }
        return stopped
    }

    /// Stops listening and mining.
    public func stop() {
        stopLock.lock()
        stopped = true
        stopLock.unlock()
        http?.stop()
    }

    func handleHTTP(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "POST" else {
            if request.method == "GET" {
                return HTTPResponse(status: 200, contentType: "text/plain", body: Array("chainlearn JSON-RPC: POST JSON-RPC 2.0 requests here\n".utf8))
            }
            return HTTPResponse(status: 405, contentType: "text/plain", body: Array("use POST\n".utf8))
        }
        return HTTPResponse(status: 200, body: handle(body: request.body))
    }

    /// Answers one HTTP body: a request object or a batch array. Returns the response body.
    public func handle(body: [UInt8]) -> [UInt8] { handle(body: body, session: nil) }

    /// Answers one body for `session` (a WebSocket connection's, which eth_subscribe needs; nil over HTTP).
    func handle(body: [UInt8], session: RPCSession?) -> [UInt8] {
        let parsed: JSON
        do { parsed = try JSON.parse(body) } catch {
            return RPCServer.errorResponse(id: .null, .parseError(error.description)).serialized
        }
        let meter = ExecutionMeter()
        switch parsed {
        case .array(let items):
            if items.isEmpty { return RPCServer.errorResponse(id: .null, .invalidRequest("empty batch")).serialized }
            if items.count > maxBatchSize {
                return RPCServer.errorResponse(id: .null, .invalidRequest("batch too large: \(items.count) requests, the limit is \(maxBatchSize) (--max-batch-size)")).serialized
            }
            // Serialized one by one, so that the size limit is checked as the answer grows.
            var out: [UInt8] = [UInt8(ascii: "[")]
            var first = true
            var tooLarge = false
            for item in items {
                guard var response = handle(request: item, meter: meter, session: session) else { continue }
                if tooLarge { response = RPCServer.errorResponse(id: item["id"] ?? .null, RPCServer.responseTooLarge(limits)) }
                var bytes = response.serialized
                if !tooLarge && out.count + bytes.count + 1 > limits.maxResponseBytes {
                    tooLarge = true
                    bytes = RPCServer.errorResponse(id: item["id"] ?? .null, RPCServer.responseTooLarge(limits)).serialized
                }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                out += bytes
            }
            out.append(UInt8(ascii: "]"))
            return out
        default:
            guard let response = handle(request: parsed, meter: meter, session: session) else { return [] }
            let bytes = response.serialized
            if bytes.count > limits.maxResponseBytes {
                return RPCServer.errorResponse(id: parsed["id"] ?? .null, RPCServer.responseTooLarge(limits)).serialized
            }
            return bytes
        }
    }

    static func responseTooLarge(_ limits: RPCLimits) -> RPCError {
        RPCError(code: -32003, message: "response too large: over the limit of \(limits.maxResponseBytes) bytes (--max-response-bytes)")
    }

    /// Methods that run the EVM and so draw on a batch's gas budget.
    static let executingMethods: Set<String> = ["eth_call", "eth_estimateGas", "debug_traceTransaction", "debug_traceCall",
                                                "debug_traceBlockByNumber", "debug_traceBlockByHash", "eth_createAccessList"]

    static func errorResponse(id: JSON, _ error: RPCError) -> JSON {
        .object([("jsonrpc", .string("2.0")), ("id", id), ("error", error.json)])
    }

    /// Answers one request object; nil for a notification (no id).
    func handle(request: JSON, meter: ExecutionMeter = ExecutionMeter(), session: RPCSession? = nil) -> JSON? {
        guard case .object = request else { return RPCServer.errorResponse(id: .null, .invalidRequest("expected an object")) }
        let id = request["id"]
        if let id {
            switch id {
            case .string, .number, .null: break
            default: return RPCServer.errorResponse(id: .null, .invalidRequest("id must be a string, number or null"))
            }
        }
        guard request["jsonrpc"]?.stringValue == "2.0" else {
            return RPCServer.errorResponse(id: id ?? .null, .invalidRequest("jsonrpc must be \"2.0\""))
        }
        guard let method = request["method"]?.stringValue else {
            return RPCServer.errorResponse(id: id ?? .null, .invalidRequest("method must be a string"))
        }
        let result: Result<JSON, RPCError>
        do throws(RPCError) {
            if RPCServer.executingMethods.contains(method) && meter.gasUsed >= limits.maxBatchGas {
                throw RPCLimits.exceeded("batch gas budget of \(limits.maxBatchGas) used up (--max-batch-gas)")
            }
            let params = try RPCParams(request["params"])
            result = .success(try dispatch(method, params, meter, session: session))
        } catch {
            result = .failure(error)
        }
        guard let id else { return nil }
        switch result {
        case .success(let value): return .object([("jsonrpc", .string("2.0")), ("id", id), ("result", value)])
        case .failure(let error): return RPCServer.errorResponse(id: id, error)
        }
    }

    /// Calls the handler of `method`.
    func dispatch(_ method: String, _ params: RPCParams, _ meter: ExecutionMeter, session: RPCSession? = nil) throws(RPCError) -> JSON {
        if let result = try ethMethod(method, params, meter) { return result }
        if let result = try devMethod(method, params, meter) { return result }
        if let result = try poolMethod(method, params) { return result }
        if let result = try filterMethod(method, params) { return result }
        if let result = try subscriptionMethod(method, params, session: session) { return result }
        if let result = try proofMethod(method, params) { return result }
        if let result = try traceMethod(method, params, meter) { return result }
        if let result = try accessListMethod(method, params, meter) { return result }
        if let result = try signingMethod(method, params) { return result }
        if let result = try anvilMethod(method, params) { return result }
        throw .methodNotFound(method)
    }
}
