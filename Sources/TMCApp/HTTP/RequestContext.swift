import Foundation
import TMCHTTP

/// What a handler knows about the request it answers: the request itself, its id, the matched
/// route and its path parameters, and (once authenticated) who is calling.
public struct RequestContext: Sendable {
    public var request: HTTPRequest
    public var requestID: String
    /// The matched pattern (`/v1/cases/{id}`), used for logs and metrics.
    public var routePattern: String
    public var parameters: [String: String]
    /// Set by the authentication middleware when the request carries a valid bearer token.
    public var principal: Principal?
    /// A well-formed bearer credential the authentication middleware left for the route to
    /// resolve itself, together with its data in one round trip (see
    /// `AuthenticationMiddleware.deferredRoutes`). Nil on every other route.
    public var deferredBearer: String?
    public let receivedAt: ContinuousClock.Instant

    public init(request: HTTPRequest, requestID: String, routePattern: String = "unmatched",
                parameters: [String: String] = [:], receivedAt: ContinuousClock.Instant = .now) {
        self.request = request
        self.requestID = requestID
        self.routePattern = routePattern
        self.parameters = parameters
        self.receivedAt = receivedAt
    }

    /// A path parameter as text; 404 when absent.
    public func parameter(_ name: String) throws -> String {
        guard let value = parameters[name] else { throw Problem.notFound() }
        return value
    }

    /// A path parameter that must be a UUID. A malformed id answers 404, exactly like an id
    /// that does not exist, so it reveals nothing.
    public func uuidParameter(_ name: String) throws -> UUID {
        guard let text = parameters[name], let id = UUID(uuidString: text) else { throw Problem.notFound() }
        return id
    }

    /// The caller, or 401 when the request carried no valid token.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw Problem.unauthenticated() }
        return principal
    }

    public var clientAddress: String { request.remoteAddress }
}
