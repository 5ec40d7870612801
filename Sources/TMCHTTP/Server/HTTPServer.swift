/// The HTTP/1.1 server: epoll event loops, keep-alive, pipelining, limits and timeouts.
///
/// `start()` binds and returns; requests are then answered on `eventLoopCount` threads of the
/// server's own (handlers run as Tasks whose executor is the loop owning their connection, so
/// nothing blocks Swift's cooperative pool). `shutdown()` drains and stops. Signals are the
/// executable's business, not this library's.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let responder: any HTTPResponder
    private let protocolErrorResponse: @Sendable (HTTPProtocolError, HTTPRequest?) -> HTTPResponse
    private let log: @Sendable (String) -> Void
    private let state = HTTPServerState()

    /// - Parameters:
    ///   - responder: answers every well-formed request.
    ///   - protocolErrorResponse: builds the response for a request refused by the server itself
    ///     (the server adds `Connection: close` where the connection cannot continue).
    ///   - log: receives one line for server-level events (not per request).
    public init(
        configuration: HTTPServerConfiguration,
        responder: any HTTPResponder,
        protocolErrorResponse: @escaping @Sendable (HTTPProtocolError, HTTPRequest?) -> HTTPResponse = HTTPServer.defaultProtocolErrorResponse,
        log: @escaping @Sendable (String) -> Void = { print($0) }
    ) {
        self.configuration = configuration
        self.responder = responder
        self.protocolErrorResponse = protocolErrorResponse
        self.log = log
    }

    /// Binds and starts serving; returns once the socket listens.
    ///
    /// Throws `HTTPServerError` naming what failed, e.g. `bind 127.0.0.1:8080: Address already
    /// in use (errno 98)`; a server can be started once.
    public func start() throws {
        guard state.beginStart() else {
            throw HTTPServerError(operation: "start", errno: 0, message: "the server was already started")
        }
        let host = configuration.host
        let fd: Int32
        do {
            fd = try HTTPListener.makeSocket(host: host, port: configuration.port, backlog: configuration.backlog)
        } catch {
            state.startFailed()
            throw error
        }
        var loops: [EventLoop] = []
        do {
            for index in 0..<max(1, configuration.eventLoopCount) {
                loops.append(try EventLoop(index: index))
            }
        } catch {
            Syscall.close(fd)
            loops.forEach { $0.discardUnstarted() }
            state.startFailed()
            throw HTTPServerError(operation: "create event loop (\(error.call))", errno: error.errno)
        }
        let core = HTTPServerCore(
            configuration: configuration, responder: responder, protocolErrorResponse: protocolErrorResponse,
            log: log, loops: loops)
        let listener = HTTPListener(fd: fd, loop: loops[0], core: core)
        do {
            try listener.register()
        } catch {
            Syscall.close(fd)
            loops.forEach { $0.discardUnstarted() }
            state.startFailed()
            throw HTTPServerError(operation: "register listener (\(error.call))", errno: error.errno)
        }
        core.listener = listener
        core.loopStates[0].ownsListener = true
        let port = SocketAddress.local(of: fd)?.port ?? configuration.port
        state.started(core: core, port: port)
        let state = self.state
        for loop in loops {
            loop.onStop = { state.loopStopped() }
            loop.start()
        }
        let shown = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        log("http: listening on \(shown) with \(loops.count) event loop\(loops.count == 1 ? "" : "s")")
    }

    /// The bound port (useful with port 0); 0 before `start()`.
    public var localPort: Int { state.localPort }

    /// Stops accepting, lets in-flight requests finish (up to `drainTimeout`), cancels streams,
    /// closes every connection and returns when all event loops have stopped. The port is free
    /// when it returns. Calling it again, or concurrently, just waits for the same stop.
    public func shutdown() async {
        guard let core = state.beginShutdown() else {
            await state.waitUntilStopped()
            return
        }
        log("http: shutting down (open connections: \(core.limiter.openCount))")
        for loop in core.loops {
            loop.execute { core.beginShutdown(on: loop) }
        }
        await state.waitUntilStopped()
        log("http: stopped")
    }

    /// Suspends until the server has stopped (after `shutdown`); returns at once if it never started.
    public func waitUntilStopped() async {
        await state.waitUntilStopped()
    }

    public static let defaultProtocolErrorResponse: @Sendable (HTTPProtocolError, HTTPRequest?) -> HTTPResponse = { error, _ in
        let body = "{\"type\":\"about:blank\",\"title\":\"\(httpReasonPhrase(error.status))\",\"status\":\(error.status),\"detail\":\"\(error.detail)\"}"
        return HTTPResponse(status: error.status, headers: ["Content-Type": "application/problem+json"], body: .bytes(Array(body.utf8)))
    }
}
