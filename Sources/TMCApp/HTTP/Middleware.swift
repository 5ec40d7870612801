import TMCHTTP

/// A step around every routed request: it may change the context, answer by itself, or call
/// `next` and change the response.
public protocol Middleware: Sendable {
    func handle(_ context: RequestContext, next: RouteHandler) async throws -> HTTPResponse
}

extension Array where Element == any Middleware {
    /// The handler wrapped by every middleware, the first one outermost.
    func wrap(_ handler: @escaping RouteHandler) -> RouteHandler {
        reversed().reduce(handler) { next, middleware in
            { context in try await middleware.handle(context, next: next) }
        }
    }
}
