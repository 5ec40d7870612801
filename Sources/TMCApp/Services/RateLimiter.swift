import Foundation
import TMCPostgres

/// Per-subject (client address) limits held in PostgreSQL, so that they hold across every
/// server instance. A sliding window: the current fixed window's count plus the previous
/// window's, weighted by how much of it still overlaps the last `window`.
public struct RateLimiter: Sendable {
    /// A named limit: `registrations`, `logins`, `reports`.
    public struct Bucket: Sendable, Equatable {
        public var name: String
        public var limit: Int
        public var window: Duration
        public init(name: String, limit: Int, window: Duration = .seconds(3600)) {
            self.name = name
            self.limit = limit
            self.window = window
        }
    }

    let database: PostgresPool

    public init(database: PostgresPool) { self.database = database }

    /// Counts one hit for `subject`; `429` with `Retry-After` when it goes over the limit.
    public func hit(_ bucket: Bucket, subject: String) async throws {
        let counts = try await RateLimitRepository.hit(database, bucket: bucket.name, subject: subject, window: bucket.window)
        if let retryAfter = RateLimiter.retryAfter(counts, limit: bucket.limit, window: bucket.window.seconds) {
            throw Problem.rateLimited(retryAfterSeconds: retryAfter, "Too many requests from your address; try again later.")
        }
        // Housekeeping without a scheduler: now and then, drop windows that no longer count.
        if Int.random(in: 0..<64) == 0 {
            try? await RateLimitRepository.deleteOlderThan(database, .seconds(2 * 86_400))
        }
    }

    /// Nil when the hit is within the limit, else the seconds until it would be.
    static func retryAfter(_ c: RateLimitCounts, limit: Int, window: Double) -> Int? {
        let overlap = max(0, 1 - c.elapsed / window)
        let estimate = Double(c.current) + Double(c.previous) * overlap
        guard estimate > Double(limit) else { return nil }
        // The previous window's weight falls as time passes; past its end only the current
        // window counts, which restarts at the next window.
        let remaining = window - c.elapsed
        if c.current <= limit, c.previous > 0 {
            // Solve current + previous * (1 - (elapsed + t) / window) <= limit for t.
            let t = (estimate - Double(limit)) * window / Double(c.previous)
            return max(1, Int(min(t, remaining).rounded(.up)))
        }
        return max(1, Int(remaining.rounded(.up)))
    }
}
