/// A response: status, headers and a body that is either whole or streamed.
///
/// The server adds `Date`, `Content-Length` (whole bodies) or `Transfer-Encoding: chunked`
/// (streams), and `Connection` as the exchange needs; a responder sets everything else.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: HTTPResponseBody

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: HTTPResponseBody = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

public enum HTTPResponseBody: Sendable {
    case bytes([UInt8])
    /// A body produced over time (Server-Sent Events). The closure writes chunks until it
    /// returns or throws; it is cancelled (Task cancellation) when the server shuts down.
    case stream(@Sendable (any HTTPStreamWriter) async throws -> Void)
}

/// Where a streaming body is written.
public protocol HTTPStreamWriter: Sendable {
    /// Queues `bytes` for the client. Throws `HTTPStreamError` once the client has gone, or when
    /// more than the configured buffer is waiting unsent (a client too slow: it is disconnected).
    func write(_ bytes: [UInt8]) async throws
}

public enum HTTPStreamError: Error, Sendable, Equatable {
    case closed
    case clientTooSlow
}

/// The reason phrase of a status code, for the status line.
public func httpReasonPhrase(_ status: Int) -> String {
    switch status {
    case 100: return "Continue"
    case 200: return "OK"
    case 201: return "Created"
    case 202: return "Accepted"
    case 204: return "No Content"
    case 301: return "Moved Permanently"
    case 302: return "Found"
    case 304: return "Not Modified"
    case 400: return "Bad Request"
    case 401: return "Unauthorized"
    case 403: return "Forbidden"
    case 404: return "Not Found"
    case 405: return "Method Not Allowed"
    case 406: return "Not Acceptable"
    case 408: return "Request Timeout"
    case 409: return "Conflict"
    case 410: return "Gone"
    case 411: return "Length Required"
    case 412: return "Precondition Failed"
    case 413: return "Content Too Large"
    case 414: return "URI Too Long"
    case 415: return "Unsupported Media Type"
    case 422: return "Unprocessable Content"
    case 428: return "Precondition Required"
    case 429: return "Too Many Requests"
    case 431: return "Request Header Fields Too Large"
    case 500: return "Internal Server Error"
    case 501: return "Not Implemented"
    case 502: return "Bad Gateway"
    case 503: return "Service Unavailable"
    case 504: return "Gateway Timeout"
    case 505: return "HTTP Version Not Supported"
    default: return "Unknown"
    }
}
