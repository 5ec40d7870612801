import Foundation
import TMCHTTP

/// A route handler: everything an endpoint needs comes in the context.
public typealias RouteHandler = @Sendable (RequestContext) async throws -> HTTPResponse

/// Routes by method and path pattern (`/v1/cases/{id}`): 404 for an unknown path, 405 with
/// `Allow` for a known path and another method. `HEAD` is served by the `GET` route.
public struct Router: Sendable {
    public struct Route: Sendable {
        public let method: String
        public let pattern: String
        let segments: [Segment]
        let handler: RouteHandler
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public enum Match: Sendable {
        case found(Route, [String: String])
        case methodNotAllowed([String])
        case notFound
    }

    public private(set) var routes: [Route] = []
    private var bySegmentCount: [Int: [Route]] = [:]

    public init() {}

    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping RouteHandler) {
        let segments = Router.split(pattern).map { part -> Segment in
            if part.hasPrefix("{") && part.hasSuffix("}") { return .parameter(String(part.dropFirst().dropLast())) }
            return .literal(part)
        }
        precondition(!routes.contains { $0.method == method && $0.segments == segments }, "duplicate route \(method) \(pattern)")
        let route = Route(method: method, pattern: pattern, segments: segments, handler: handler)
        routes.append(route)
        var list = bySegmentCount[segments.count, default: []]
        list.append(route)
        // Literal segments win over parameters (`/v1/me/unread` before `/v1/me/{x}`).
        list.sort { Router.specificity($0.segments) > Router.specificity($1.segments) }
        bySegmentCount[segments.count] = list
    }

    public mutating func get(_ pattern: String, _ handler: @escaping RouteHandler) { add("GET", pattern, handler) }
    public mutating func post(_ pattern: String, _ handler: @escaping RouteHandler) { add("POST", pattern, handler) }
    public mutating func put(_ pattern: String, _ handler: @escaping RouteHandler) { add("PUT", pattern, handler) }
    public mutating func patch(_ pattern: String, _ handler: @escaping RouteHandler) { add("PATCH", pattern, handler) }
    public mutating func delete(_ pattern: String, _ handler: @escaping RouteHandler) { add("DELETE", pattern, handler) }

    public func match(method: String, path: String) -> Match {
        let parts = Router.split(path)
        guard let candidates = bySegmentCount[parts.count] else { return .notFound }
        var allowed: [String] = []
        var matchedPattern: [Segment]?
        for route in candidates {
            guard let parameters = Router.bind(route.segments, to: parts) else { continue }
            if let first = matchedPattern, first != route.segments { continue }
            matchedPattern = route.segments
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route, parameters)
            }
            allowed.append(route.method)
        }
        if allowed.isEmpty { return .notFound }
        if allowed.contains("GET") { allowed.append("HEAD") }
        return .methodNotAllowed(allowed.sorted())
    }

    static func split(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
    }

    private static func specificity(_ segments: [Segment]) -> Int {
        segments.reduce(0) { n, s in if case .literal = s { return n * 2 + 1 } else { return n * 2 } }
    }

    private static func bind(_ segments: [Segment], to parts: [String]) -> [String: String]? {
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let text):
                if text != part { return nil }
            case .parameter(let name):
                // Decoding is slow (Foundation) and is tried for every candidate route: only a
                // segment with a `%` needs it.
                guard !part.isEmpty else { return nil }
                if !part.utf8.contains(UInt8(ascii: "%")) {
                    parameters[name] = part
                    continue
                }
                guard let decoded = part.removingPercentEncoding else { return nil }
                parameters[name] = decoded
            }
        }
        return parameters
    }
}
