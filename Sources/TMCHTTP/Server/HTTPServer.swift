/// The HTTP/1.1 server: epoll event loops, keep-alive, pipelining, limits and timeouts.
/// INTERFACE STUB — to be replaced by the real implementation.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration

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
        fatalError("unimplemented")
    }

    /// Binds and starts serving; returns once the socket listens.
    public func start() throws { fatalError("unimplemented") }

    /// The bound port (useful with port 0).
    public var localPort: Int { fatalError("unimplemented") }

    /// Stops accepting, lets in-flight requests finish (up to `drainTimeout`), cancels streams,
    /// closes every connection and returns when all event loops have stopped.
    public func shutdown() async { fatalError("unimplemented") }

    /// Suspends until the server has stopped (after `shutdown`).
    public func waitUntilStopped() async { fatalError("unimplemented") }

    public static let defaultProtocolErrorResponse: @Sendable (HTTPProtocolError, HTTPRequest?) -> HTTPResponse = { error, _ in
        let body = "{\"type\":\"about:blank\",\"title\":\"\(httpReasonPhrase(error.status))\",\"status\":\(error.status),\"detail\":\"\(error.detail)\"}"
        return HTTPResponse(status: error.status, headers: ["Content-Type": "application/problem+json"], body: .bytes(Array(body.utf8)))
    }
}
