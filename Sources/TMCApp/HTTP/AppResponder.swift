import Foundation
import TMCHTTP
import TMCPostgres

/// The application's entry point for the HTTP server: request id, routing, middleware,
/// error mapping to problems, one access-log line and metrics per request.
public struct AppResponder: HTTPResponder {
    public let router: Router
    let middleware: [any Middleware]
    let logger: Logger
    let metrics: Metrics
    let cors: CORSPolicy
    let logRequests: Bool
    private let handlers: [String: RouteHandler]

    public init(router: Router, middleware: [any Middleware], logger: Logger, metrics: Metrics, cors: CORSPolicy, logRequests: Bool = true) {
        self.logRequests = logRequests
        self.router = router
        self.middleware = middleware
        self.logger = logger
        self.metrics = metrics
        self.cors = cors
        var wrapped: [String: RouteHandler] = [:]
        for route in router.routes {
            wrapped[route.method + " " + route.pattern] = middleware.wrap(route.handler)
        }
        self.handlers = wrapped
    }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        var context = RequestContext(request: request, requestID: RequestID.accept(request.headers["X-Request-Id"]))
        var response: HTTPResponse
        do {
            // Until a credential names a principal, the request's statements (credential
            // checks, anonymous reports, registration) run in the system scope.
            response = try await DatabaseScope.runAsSystem { try await route(&context) }
        } catch {
            response = errorResponse(error, context: context)
        }
        response.headers.set("X-Request-Id", context.requestID)
        cors.decorate(&response, for: request)
        finish(context: context, response: response)
        return response
    }

    private func route(_ context: inout RequestContext) async throws -> HTTPResponse {
        let request = context.request
        if request.method == "OPTIONS", let preflight = try cors.preflight(request, router: router) {
            context.routePattern = "preflight"
            return preflight
        }
        switch router.match(method: request.method, path: request.path) {
        case .notFound:
            throw Problem.notFound("There is nothing at \(request.path).")
        case .methodNotAllowed(let allow):
            context.routePattern = "method_not_allowed"
            if request.method == "OPTIONS" {
                return HTTPResponse(status: 204, headers: ["Allow": (allow + ["OPTIONS"]).joined(separator: ", ")])
            }
            throw Problem.methodNotAllowed(allow: allow)
        case .found(let route, let parameters):
            context.routePattern = route.pattern
            context.parameters = parameters
            guard let handler = handlers[route.method + " " + route.pattern] else { throw Problem.notFound() }
            var response = try await handler(context)
            if request.method == "HEAD", case .stream = response.body { response.body = .bytes([]) }
            return response
        }
    }

    /// Problems go out as they are; lost database connections are 503; anything else is a 500
    /// whose detail stays in the log, keyed by the request id.
    func errorResponse(_ error: any Error, context: RequestContext) -> HTTPResponse {
        if let problem = error as? Problem {
            return problem.response(requestID: context.requestID)
        }
        if let unavailable = error as? PostgresPoolUnavailableError {
            logger.warning("database unavailable", ["request_id": context.requestID, "reason": unavailable.reason])
            return Problem.serviceUnavailable().response(requestID: context.requestID)
        }
        if let pg = error as? PostgresError, let problem = Self.problem(for: pg) {
            logger.warning("database error mapped to a problem", ["request_id": context.requestID, "route": context.routePattern,
                                                                   "sqlstate": pg.code.raw, "error": pg.description])
            return problem.response(requestID: context.requestID)
        }
        logger.error("unhandled error", ["request_id": context.requestID, "route": context.routePattern, "error": String(describing: error)])
        return Problem.internalError.response(requestID: context.requestID)
    }

    /// PostgreSQL errors a service did not translate itself, mapped by SQLSTATE. Constraint
    /// names and SQL never reach the client.
    public static func problem(for error: PostgresError) -> Problem? {
        if error.isConnectionFailure { return .serviceUnavailable() }
        switch error.code {
        case .uniqueViolation, .exclusionViolation:
            return .conflict("This conflicts with something that already exists.")
        case .foreignKeyViolation:
            return .conflict("This refers to something that does not exist or is still in use.")
        case .checkViolation, .notNullViolation, .invalidTextRepresentation:
            return .validation(field: "", "A value is not allowed here.")
        case .serializationFailure, .deadlockDetected, .queryCanceled:
            return .serviceUnavailable("The service is busy; try again shortly.")
        default:
            return nil
        }
    }

    private func finish(context: RequestContext, response: HTTPResponse) {
        let elapsed = (ContinuousClock.now - context.receivedAt).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        metrics.record(method: context.request.method, route: context.routePattern, status: response.status, seconds: seconds)
        guard logRequests else { return }
        var line = LogLine(level: "info", message: "request")
        line.add("request_id", context.requestID)
        line.add("method", context.request.method)
        line.add("route", context.routePattern)
        line.add("status", response.status)
        line.add("duration_ms", thousandths: Int(seconds * 1_000_000))
        if case .bytes(let b) = response.body { line.add("bytes", b.count) } else { line.add("bytes", -1) }
        logger.sink.write(line.text)
    }
}
