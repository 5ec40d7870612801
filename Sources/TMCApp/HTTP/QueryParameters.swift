import Foundation
import TMCHTTP

/// The decoded `?a=b&c=d` of a request; duplicate names keep their first value.
public struct QueryParameters: Sendable {
    public private(set) var items: [(name: String, value: String)] = []

    public init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = QueryParameters.decode(pair[0])
            let value = pair.count > 1 ? QueryParameters.decode(pair[1]) : ""
            items.append((name, value))
        }
    }

    public subscript(name: String) -> String? { items.first { $0.name == name }?.value }

    private static func decode(_ s: Substring) -> String {
        let plusFree = s.replacingOccurrences(of: "+", with: " ")
        return plusFree.removingPercentEncoding ?? plusFree
    }

    /// `?limit=` for lists: 1–200, default 50; anything else is a 422.
    public func limit(default defaultValue: Int = 50, max: Int = 200) throws -> Int {
        guard let text = self["limit"] else { return defaultValue }
        guard let n = Int(text), n >= 1, n <= max else {
            throw Problem.validation(field: "limit", "must be a whole number from 1 to \(max)")
        }
        return n
    }
}

extension RequestContext {
    public var query: QueryParameters { QueryParameters(request.query) }
}
