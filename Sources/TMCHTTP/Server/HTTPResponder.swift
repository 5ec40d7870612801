/// Anything that turns a request into a response: a router, a middleware chain, an endpoint.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest) async -> HTTPResponse
}

/// A request the server refused before any responder saw it (framing, limits, timeouts).
public struct HTTPProtocolError: Error, Sendable, Equatable {
    /// 400, 408, 413, 414, 431, 501 or 505.
    public var status: Int
    /// What was wrong, in words fit for the client.
    public var detail: String
    public init(status: Int, detail: String) {
        self.status = status
        self.detail = detail
    }
}
