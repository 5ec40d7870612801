import TMCHTTP

/// CORS for the origins in `CORS_ALLOWED_ORIGINS`; other origins get no CORS headers at all.
public struct CORSPolicy: Sendable {
    public let allowedOrigins: Set<String>
    static let allowedHeaders = "Authorization, Content-Type, Idempotency-Key, If-Match, Last-Event-ID, X-Request-Id"
    static let exposedHeaders = "ETag, Location, Retry-After, X-Request-Id"

    public init(allowedOrigins: Set<String>) { self.allowedOrigins = allowedOrigins }

    private func allowedOrigin(_ request: HTTPRequest) -> String? {
        guard let origin = request.headers["Origin"], allowedOrigins.contains(origin) || allowedOrigins.contains("*") else { return nil }
        return origin
    }

    /// The answer to a preflight `OPTIONS` (one with `Access-Control-Request-Method`), or nil.
    func preflight(_ request: HTTPRequest, router: Router) throws -> HTTPResponse? {
        guard let method = request.headers["Access-Control-Request-Method"] else { return nil }
        guard let origin = allowedOrigin(request) else {
            throw Problem.forbidden("This origin may not call the API from a browser.")
        }
        var allow: [String] = []
        switch router.match(method: method, path: request.path) {
        case .found: allow = [method]
        case .methodNotAllowed(let methods): allow = methods
        case .notFound: throw Problem.notFound("There is nothing at \(request.path).")
        }
        var headers = HTTPHeaders()
        headers.add("Access-Control-Allow-Origin", origin)
        headers.add("Access-Control-Allow-Methods", allow.joined(separator: ", "))
        headers.add("Access-Control-Allow-Headers", CORSPolicy.allowedHeaders)
        headers.add("Access-Control-Max-Age", "600")
        headers.add("Vary", "Origin")
        return HTTPResponse(status: 204, headers: headers)
    }

    /// Adds the CORS headers of an actual request from an allowed origin.
    func decorate(_ response: inout HTTPResponse, for request: HTTPRequest) {
        guard let origin = allowedOrigin(request) else { return }
        response.headers.set("Access-Control-Allow-Origin", origin)
        response.headers.set("Access-Control-Expose-Headers", CORSPolicy.exposedHeaders)
        response.headers.add("Vary", "Origin")
    }
}
