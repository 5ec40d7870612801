import TMCHTTP

/// Resolves `Authorization: Bearer <token>` on `/v1/` routes and sets `context.principal`.
/// No header: the request goes on anonymous (routes that need a caller ask for one). A header
/// that is not a single well-formed bearer credential, or a credential that is unknown,
/// expired or revoked: `401` with `WWW-Authenticate: Bearer`.
public struct AuthenticationMiddleware: Middleware {
    let service: AuthenticationService

    public init(service: AuthenticationService) { self.service = service }

    public func handle(_ context: RequestContext, next: RouteHandler) async throws -> HTTPResponse {
        // Operations endpoints (/healthz, /metrics, …) never look at credentials.
        guard context.routePattern.hasPrefix("/v1/") else { return try await next(context) }
        let values = context.request.headers.values("Authorization")
        guard !values.isEmpty else { return try await next(context) }
        guard values.count == 1, let credential = AuthenticationMiddleware.bearerCredential(values[0]) else {
            throw Problem.unauthenticated("The Authorization header must be 'Bearer <token>'.")
        }
        // Not with an Idempotency-Key: IdempotencyMiddleware keys it by the caller.
        if AuthenticationMiddleware.deferredRoutes.contains(context.request.method + " " + context.routePattern),
           context.request.headers["Idempotency-Key"] == nil {
            var deferred = context
            deferred.deferredBearer = credential
            return try await next(deferred)
        }
        guard let principal = try await service.authenticate(bearer: credential) else {
            throw Problem.unauthenticated("The token is unknown, expired or revoked.")
        }
        var authenticated = context
        authenticated.principal = principal
        return try await DatabaseScope.run(as: principal) { try await next(authenticated) }
    }

    /// Hot routes whose handler resolves the credential in the same statement as its data
    /// (one round trip instead of two). Such a handler must treat a nil answer as `401`.
    public static let deferredRoutes: Set<String> = ["GET /v1/cases/{id}", "HEAD /v1/cases/{id}", "POST /v1/cases/{id}/messages"]

    /// The credential of `Bearer <credential>` (scheme case-insensitive), or nil.
    static func bearerCredential(_ header: String) -> String? {
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, String(parts[0]).caseInsensitiveEquals("Bearer") else { return nil }
        let credential = String(parts[1])
        return AuthenticationService.isPlausible(credential) ? credential : nil
    }
}
