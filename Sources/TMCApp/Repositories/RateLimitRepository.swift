import Foundation
import TMCPostgres

/// The counts a rate-limit decision needs, after counting one more hit.
struct RateLimitCounts: Sendable, Equatable {
    /// Hits in the current fixed window, this one included.
    var current: Int
    /// Hits in the window before.
    var previous: Int
    /// Seconds since the current window began.
    var elapsed: Double
}

/// SQL for the per-subject counters behind `RateLimiter`.
enum RateLimitRepository {
    /// Counts a hit for `subject` in `bucket` and reads the previous window, in one statement.
    static func hit(_ db: any PostgresQueryable, bucket: String, subject: String, window: Duration) async throws -> RateLimitCounts {
        let seconds = window.seconds
        let row = try await db.queryFirst("""
            WITH w AS (
                SELECT to_timestamp(floor(extract(epoch FROM now()) / \(seconds)::float8) * \(seconds)::float8) AS start),
            hit AS (
                INSERT INTO rate_limits (bucket, subject, window_start, count)
                SELECT \(bucket), \(subject), w.start, 1 FROM w
                ON CONFLICT (bucket, subject, window_start) DO UPDATE SET count = rate_limits.count + 1
                RETURNING count, window_start)
            SELECT hit.count,
                   coalesce((SELECT p.count FROM rate_limits p
                             WHERE p.bucket = \(bucket) AND p.subject = \(subject)
                               AND p.window_start = hit.window_start - \(seconds)::float8 * interval '1 second'), 0) AS previous,
                   extract(epoch FROM now() - hit.window_start)::float8 AS elapsed
            FROM hit
            """)
        guard let row else { throw PostgresDecodingError(column: "count", type: "rate limit hit", value: nil) }
        return RateLimitCounts(current: try row.decode("count", as: Int.self), previous: try row.decode("previous", as: Int.self),
                               elapsed: try row.decode("elapsed", as: Double.self))
    }

    /// Drops windows that no longer count.
    static func deleteOlderThan(_ db: any PostgresQueryable, _ age: Duration) async throws {
        try await db.execute("DELETE FROM rate_limits WHERE window_start < now() - \(age.seconds)::float8 * interval '1 second'")
    }
}
