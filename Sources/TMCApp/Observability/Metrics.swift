import Foundation
import Synchronization

/// Request counts by route and status and a latency histogram, in Prometheus text format.
public final class Metrics: Sendable {
    /// Upper bounds in seconds of the latency buckets.
    static let bucketBounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct RouteKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    private struct Histogram {
        var buckets = [UInt64](repeating: 0, count: Metrics.bucketBounds.count)
        var count: UInt64 = 0
        var sum: Double = 0
    }

    private struct State {
        var requests: [RouteKey: UInt64] = [:]
        var latency: [String: Histogram] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func record(method: String, route: String, status: Int, seconds: Double) {
        state.withLock { s in
            s.requests[RouteKey(method: method, route: route, status: status), default: 0] += 1
            var h = s.latency[route] ?? Histogram()
            h.count += 1
            h.sum += seconds
            if let i = Metrics.bucketBounds.firstIndex(where: { seconds <= $0 }) { h.buckets[i] += 1 }
            s.latency[route] = h
        }
    }

    /// The exposition text; `gauges` are extra `name value` pairs (pool use).
    public func render(gauges: [(name: String, help: String, value: Double)]) -> String {
        let snapshot = state.withLock { $0 }
        var out = "# HELP http_requests_total Requests answered, by method, route pattern and status.\n"
        out += "# TYPE http_requests_total counter\n"
        for (key, n) in snapshot.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            out += "http_requests_total{method=\"\(key.method)\",route=\"\(Metrics.escape(key.route))\",status=\"\(key.status)\"} \(n)\n"
        }
        out += "# HELP http_request_duration_seconds Time from request received to response ready.\n"
        out += "# TYPE http_request_duration_seconds histogram\n"
        for (route, h) in snapshot.latency.sorted(by: { $0.key < $1.key }) {
            let r = Metrics.escape(route)
            var cumulative: UInt64 = 0
            for (i, bound) in Metrics.bucketBounds.enumerated() {
                cumulative += h.buckets[i]
                out += "http_request_duration_seconds_bucket{route=\"\(r)\",le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "http_request_duration_seconds_bucket{route=\"\(r)\",le=\"+Inf\"} \(h.count)\n"
            out += "http_request_duration_seconds_sum{route=\"\(r)\"} \(h.sum)\n"
            out += "http_request_duration_seconds_count{route=\"\(r)\"} \(h.count)\n"
        }
        for g in gauges {
            out += "# HELP \(g.name) \(g.help)\n# TYPE \(g.name) gauge\n\(g.name) \(g.value)\n"
        }
        return out
    }

    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
