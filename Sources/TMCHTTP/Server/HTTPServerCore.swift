/// What every connection and loop of one server shares. Immutable after `HTTPServer.start()`,
/// except `loopStates[i]`, which only loop `i` touches.
final class HTTPServerCore: @unchecked Sendable {
    let configuration: HTTPServerConfiguration
    let limits: HTTPParserLimits
    let responder: any HTTPResponder
    let protocolErrorResponse: @Sendable (HTTPProtocolError, HTTPRequest?) -> HTTPResponse
    let log: @Sendable (String) -> Void
    let limiter: ConnectionLimiter
    let loops: [EventLoop]
    let loopStates: [HTTPLoopState]
    let headTimeout: UInt64
    let idleTimeout: UInt64
    let bodyTimeout: UInt64
    let drainTimeout: UInt64
    /// How long a closing connection keeps draining the client's bytes after our last response,
    /// so that the kernel does not reset the connection (and lose that response) on close.
    let lingerTimeout: UInt64 = 1_000_000_000
    /// Loop 0 owns it once started.
    var listener: HTTPListener?

    init(
        configuration: HTTPServerConfiguration, responder: any HTTPResponder,
        protocolErrorResponse: @escaping @Sendable (HTTPProtocolError, HTTPRequest?) -> HTTPResponse,
        log: @escaping @Sendable (String) -> Void, loops: [EventLoop]
    ) {
        self.configuration = configuration
        self.limits = HTTPParserLimits(configuration)
        self.responder = responder
        self.protocolErrorResponse = protocolErrorResponse
        self.log = log
        self.limiter = ConnectionLimiter(max: configuration.maxConnections)
        self.loops = loops
        self.loopStates = loops.map { _ in HTTPLoopState() }
        self.headTimeout = configuration.headTimeout.nanoseconds
        self.idleTimeout = configuration.idleTimeout.nanoseconds
        self.bodyTimeout = configuration.bodyTimeout.nanoseconds
        self.drainTimeout = configuration.drainTimeout.nanoseconds
    }

    /// Called on `loop` when one of its connections closed.
    func connectionClosed(on loop: EventLoop) {
        loopStates[loop.index].connectionCount -= 1
        if limiter.release(), let first = loops.first {
            first.execute { [self] in listener?.resume() }
        }
        stopLoopIfDrained(loop)
    }

    /// During shutdown, a loop stops once it has no connection and no listener left.
    func stopLoopIfDrained(_ loop: EventLoop) {
        let state = loopStates[loop.index]
        if state.shuttingDown && state.connectionCount == 0 && !state.ownsListener {
            loop.requestStop()
        }
    }

    /// Runs on each loop when shutdown begins.
    func beginShutdown(on loop: EventLoop) {
        let state = loopStates[loop.index]
        guard !state.shuttingDown else { return }
        state.shuttingDown = true
        if loop.index == 0, let listener {
            listener.close()
            state.ownsListener = false
        }
        for case let connection as HTTPConnection in loop.allHandlers {
            connection.serverIsShuttingDown()
        }
        loop.schedule(after: drainTimeout) {
            for case let connection as HTTPConnection in loop.allHandlers {
                connection.forceClose()
            }
        }
        stopLoopIfDrained(loop)
    }
}

/// Per-loop bookkeeping, confined to its loop.
final class HTTPLoopState {
    var connectionCount = 0
    var shuttingDown = false
    var ownsListener = false
}
