/// The size limits the parser enforces, taken from `HTTPServerConfiguration`.
struct HTTPParserLimits: Sendable {
    var maxRequestLineBytes: Int
    var maxHeaderBytes: Int
    var maxHeaderCount: Int
    var maxBodyBytes: Int

    init(maxRequestLineBytes: Int = 8 * 1024, maxHeaderBytes: Int = 32 * 1024, maxHeaderCount: Int = 100, maxBodyBytes: Int = 1024 * 1024) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }

    init(_ configuration: HTTPServerConfiguration) {
        self.init(
            maxRequestLineBytes: configuration.maxRequestLineBytes, maxHeaderBytes: configuration.maxHeaderBytes,
            maxHeaderCount: configuration.maxHeaderCount, maxBodyBytes: configuration.maxBodyBytes
        )
    }
}

/// A refusal by the parser: the error to answer with and, when the head was readable, the request
/// head (empty body) so `protocolErrorResponse` can see what was asked.
struct HTTPParseFailure: Error, Sendable {
    var error: HTTPProtocolError
    var request: HTTPRequest?

    init(_ status: Int, _ detail: String, request: HTTPRequest? = nil) {
        self.error = HTTPProtocolError(status: status, detail: detail)
        self.request = request
    }
}
