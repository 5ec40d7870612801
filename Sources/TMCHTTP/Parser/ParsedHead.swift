/// How the body of a request is delimited (RFC 9112 §6).
enum HTTPBodyFraming: Equatable, Sendable {
    case none
    case length(Int)
    case chunked
}

/// A request head that passed every framing rule, ready for its body.
struct ParsedHead: Sendable {
    /// The request with an empty body.
    var request: HTTPRequest
    /// Whether the connection may carry another request after this one.
    var keepAlive: Bool
    /// `Expect: 100-continue` on an HTTP/1.1 request.
    var expectContinue: Bool
    var framing: HTTPBodyFraming
}
