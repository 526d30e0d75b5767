import NIOCore
import NIOHTTP1
import NIOWebSocket

/// The top of a connection's pipeline: checks each request's framing strictly, gathers its body up
/// to the size limit, hands the request to the worker pool and writes the answer back on the event
/// loop. Requests reach it one at a time (NIO's `HTTPServerPipelineHandler` below it holds back
/// pipelined ones and stops reading until the response is written).
///
/// Framing (RFC 9112) is checked twice: NIO's parser (llhttp, no lenient flags) refuses bare LF,
/// folded or malformed lines, bad or duplicate `Content-Length`, unknown transfer codings and
/// non-HTTP/1 versions; this handler refuses what a parser may legally pass on: a body-carrying
/// method with neither `Content-Length` nor chunked coding (which would otherwise let the body be
/// read as the next request), and anything but exactly one valid length or a lone `chunked`.
/// A refused request is answered (400, 411, 413 or 431) and its connection closed; nothing after it
/// on that connection is parsed or run.
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// A framing refusal: the response to send before closing.
    struct Refusal: Error {
        var response: HTTPResponse
        init(_ status: Int, _ message: String) { response = .text(status, message) }
        init(response: HTTPResponse) { self.response = response }
    }

    private let clock: HTTPConnectionClock
    private let limits: HTTPServerLimits
    private let pool: HTTPWorkerPool
    private let handler: HTTPServer.Handler
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var closing = false
    private var active = true
    /// A request is with the worker pool.
    private var inFlight = false
    /// The client shut its sending side (a half-close): answer what is in flight, then close.
    private var inputClosed = false

    init(clock: HTTPConnectionClock, limits: HTTPServerLimits, pool: HTTPWorkerPool, handler: @escaping HTTPServer.Handler) {
        self.clock = clock
        self.limits = limits
        self.pool = pool
        self.handler = handler
    }

    func channelInactive(context: ChannelHandlerContext) {
        active = false
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            do throws(Refusal) {
                try HTTPRequestHandler.checkFraming(requestHead, maxBodyBytes: limits.maxBodyBytes)
            } catch {
                refuse(context: context, error.response)
                return
            }
            clock.headReceived()
            head = requestHead
            body = []
            if let length = requestHead.headers.first(name: "content-length").flatMap(Int.init) { body.reserveCapacity(length) }
            if requestHead.headers.first(name: "expect")?.lowercased() == "100-continue" {
                // curl asks before sending bodies over 1 KiB; answering saves it a one-second wait.
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))), promise: nil)
            }
        case .body(let chunk):
            guard head != nil else { return }
            guard body.count + chunk.readableBytes <= limits.maxBodyBytes else {
                refuse(context: context, HTTPRequestHandler.tooLarge(limits.maxBodyBytes))
                return
            }
            body.append(contentsOf: chunk.readableBytesView)
        case .end:
            guard let requestHead = head else { return }
            head = nil
            clock.requestReceived()
            dispatch(context: context, requestHead, body)
            body = []
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case .inputClosed = event as? ChannelEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        inputClosed = true
        if !inFlight && !closing { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if !closing, error is NIOWebSocketUpgradeError {
            // A WebSocket handshake without a valid key or version 13 (RFC 6455 §4.2.2).
            var response = HTTPResponse.text(400, "bad WebSocket handshake (needs Sec-WebSocket-Key and Sec-WebSocket-Version: 13)")
            response.headers.append(("Sec-WebSocket-Version", "13"))
            refuse(context: context, response)
            return
        }
        guard !closing, let parseError = error as? HTTPParserError else {
            context.close(promise: nil)
            return
        }
        switch parseError {
        case .headerOverflow: refuse(context: context, .text(431, "header too large"))
        case .invalidVersion: refuse(context: context, .text(400, "not an HTTP/1.x request line"))
        default: refuse(context: context, .text(400, "malformed request: \(parseError)"))
        }
    }

    // MARK: Framing

    /// Refuses a head whose body framing is not exactly one valid Content-Length or a lone chunked
    /// coding, or whose version is not HTTP/1.0 or 1.1.
    static func checkFraming(_ head: HTTPRequestHead, maxBodyBytes: Int) throws(Refusal) {
        guard head.version.major == 1, head.version.minor <= 1 else { throw Refusal(400, "not an HTTP/1.x request line") }
        let lengths = head.headers["content-length"]
        let codings = head.headers["transfer-encoding"]
        if !codings.isEmpty {
            guard lengths.isEmpty else { throw Refusal(400, "both Content-Length and Transfer-Encoding") }
            guard codings.count == 1, codings[0].lowercased() == "chunked" else {
                throw Refusal(400, "unsupported Transfer-Encoding (only chunked)")
            }
        } else if !lengths.isEmpty {
            guard lengths.count == 1 else { throw Refusal(400, "more than one Content-Length") }
            let digits = lengths[0]
            guard !digits.isEmpty, digits.utf8.count <= 18, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let length = Int(digits) else { throw Refusal(400, "invalid Content-Length") }
            guard length <= maxBodyBytes else { throw Refusal(response: tooLarge(maxBodyBytes)) }
        } else if head.method == .POST || head.method == .PUT || head.method == .PATCH {
            throw Refusal(411, "a request body needs Content-Length or chunked Transfer-Encoding")
        }
    }

    /// 413, answered as a JSON-RPC error too, since JSON-RPC clients read the body.
    static func tooLarge(_ limit: Int) -> HTTPResponse {
        HTTPResponse(status: 413, body: Array(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"request body too large (limit \#(limit) bytes)"}}"#.utf8))
    }

    // MARK: Answering

    private func dispatch(context: ChannelHandlerContext, _ requestHead: HTTPRequestHead, _ body: [UInt8]) {
        let keepAlive = requestHead.isKeepAlive
        inFlight = true
        if requestHead.method == .OPTIONS {
            var response = HTTPResponse(status: 204, body: [])
            response.headers += [("Access-Control-Allow-Methods", "POST, GET, OPTIONS"), ("Access-Control-Allow-Headers", "Content-Type")]
            respond(context: context, response, keepAlive: keepAlive)
            return
        }
        var fields: [String: String] = [:]
        for (name, value) in requestHead.headers {
            let key = name.lowercased()
            if let previous = fields[key] { fields[key] = previous + ", " + value } else { fields[key] = value }
        }
        let request = HTTPRequest(method: requestHead.method.rawValue, path: requestHead.uri, headers: fields, body: body)
        let handler = self.handler
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        let queued = pool.submit {
            let response = handler(request)
            loop.execute {
                let (me, context) = bound.value
                me.respond(context: context, response, keepAlive: keepAlive)
            }
        }
        if !queued {
            respond(context: context, .text(503, "cannot start a thread for this request"), keepAlive: false)
        }
    }

    /// Writes `response`; then waits for the next request, or closes.
    private func respond(context: ChannelHandlerContext, _ response: HTTPResponse, keepAlive requested: Bool) {
        inFlight = false
        guard active else { return }
        if inputClosed {
            // Nothing more can come: close as soon as the answer is out.
            write(context: context, response, keepAlive: false).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        let keepAlive = requested
        // The idle deadline starts before the end is written: writing it may hand this handler the
        // next pipelined request at once, which moves the clock on again.
        if keepAlive { clock.responseSent() }
        let written = write(context: context, response, keepAlive: keepAlive)
        if !keepAlive { clock.drainAndClose(after: written) }
    }

    /// Answers a refused request and closes the connection; later input is ignored.
    private func refuse(context: ChannelHandlerContext, _ response: HTTPResponse) {
        closing = true
        head = nil
        body = []
        clock.drainAndClose(after: write(context: context, response, keepAlive: false))
    }

    private func write(context: ChannelHandlerContext, _ response: HTTPResponse, keepAlive: Bool) -> EventLoopFuture<Void> {
        var headers = HTTPHeaders()
        headers.reserveCapacity(response.headers.count + 3)
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        headers.add(name: "Access-Control-Allow-Origin", value: "*")
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        return context.writeAndFlush(wrapOutboundOut(.end(nil)))
    }
}
