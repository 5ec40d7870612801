import TMCHTTP

/// Applies `Idempotency-Key` (see `IdempotencyService`) to the creating `POST` routes named
/// in `routes` (route patterns, e.g. `/v1/cases`). Runs after authentication, so that a
/// signed-in caller's keys are their own on every device and address. A request without
/// credentials is keyed by client address, and only on the routes in `anonymousRoutes`
/// (which anyone may call); elsewhere it goes straight on to its `401`, whatever its key.
public struct IdempotencyMiddleware: Middleware {
    let service: IdempotencyService
    let routes: Set<String>
    let anonymousRoutes: Set<String>

    public init(service: IdempotencyService, routes: Set<String>, anonymousRoutes: Set<String>) {
        self.service = service
        self.routes = routes
        self.anonymousRoutes = anonymousRoutes
    }

    public func handle(_ context: RequestContext, next: RouteHandler) async throws -> HTTPResponse {
        let request = context.request
        guard request.method == "POST", routes.contains(context.routePattern),
              context.principal != nil || anonymousRoutes.contains(context.routePattern),
              let key = request.headers["Idempotency-Key"] else {
            return try await next(context)
        }
        guard request.headers.values("Idempotency-Key").count == 1, IdempotencyService.isValidKey(key) else {
            throw Problem.validation(field: "Idempotency-Key", "must be one header of 1 to 255 visible ASCII characters")
        }
        let r = IdempotencyService.Request(caller: IdempotencyService.caller(context.principal, clientAddress: context.clientAddress),
                                           key: key, method: request.method, target: request.target, body: request.body)
        switch try await service.begin(r) {
        case .replay(let status, let contentType, let location, let body):
            var headers = HTTPHeaders()
            if let contentType { headers.set("Content-Type", contentType) }
            if let location { headers.set("Location", location) }
            headers.set("Idempotent-Replayed", "true")
            return HTTPResponse(status: status, headers: headers, body: .bytes(body))
        case .proceed:
            let response: HTTPResponse
            do {
                response = try await next(context)
            } catch {
                try? await service.release(r)
                throw error
            }
            if (200..<300).contains(response.status), case .bytes(let body) = response.body {
                do {
                    try await service.complete(r, status: response.status, contentType: response.headers["Content-Type"],
                                               location: response.headers["Location"], body: body)
                } catch {
                    // The work is done; a retry with the key would find it in flight until it is
                    // taken as abandoned. Answer the client anyway.
                    try? await service.release(r)
                }
            } else {
                try? await service.release(r)
            }
            return response
        }
    }
}
