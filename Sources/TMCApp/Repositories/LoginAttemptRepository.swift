import Foundation
import TMCPostgres

/// SQL for failed-login counting per email (lower-cased), shared by every server instance.
enum LoginAttemptRepository {
    /// Records a failure now. When it makes `threshold` failures within `window`, the email is
    /// locked for `lockDuration` and its failures start again from zero. Returns the seconds
    /// the email is now locked for, or nil. One statement, so concurrent failures (on any
    /// instance) serialise on the row and none is lost.
    static func recordFailure(_ db: any PostgresQueryable, email: String, threshold: Int, window: Duration,
                              lockDuration: Duration) async throws -> Int? {
        let windowSeconds = window.seconds
        let row = try await db.queryFirst("""
            INSERT INTO login_attempts AS a (email_key, failures, locked_until, updated_at)
            VALUES (lower(\(email)),
                    CASE WHEN 1 >= \(threshold)::int THEN '{}'::timestamptz[] ELSE ARRAY[now()] END,
                    CASE WHEN 1 >= \(threshold)::int THEN now() + \(lockDuration.seconds)::float8 * interval '1 second' END,
                    now())
            ON CONFLICT (email_key) DO UPDATE SET
                failures = CASE
                    WHEN 1 + (SELECT count(*) FROM unnest(a.failures) t WHERE t > now() - \(windowSeconds)::float8 * interval '1 second') >= \(threshold)::int
                    THEN '{}'::timestamptz[]
                    ELSE ARRAY(SELECT t FROM unnest(a.failures) t WHERE t > now() - \(windowSeconds)::float8 * interval '1 second') || now()
                END,
                locked_until = CASE
                    WHEN 1 + (SELECT count(*) FROM unnest(a.failures) t WHERE t > now() - \(windowSeconds)::float8 * interval '1 second') >= \(threshold)::int
                    THEN now() + \(lockDuration.seconds)::float8 * interval '1 second'
                    ELSE a.locked_until
                END,
                updated_at = now()
            RETURNING CASE WHEN locked_until > now() THEN ceil(extract(epoch FROM locked_until - now()))::int END AS locked_for
            """)
        return try row?.decode("locked_for", as: Int?.self)
    }

    /// Forgets the email's failures (after a successful login).
    static func clear(_ db: any PostgresQueryable, email: String) async throws {
        try await db.execute("DELETE FROM login_attempts WHERE email_key = lower(\(email))")
    }

    /// Seconds the email is still locked for, or nil.
    static func lockedFor(_ db: any PostgresQueryable, email: String) async throws -> Int? {
        let row = try await db.queryFirst("""
            SELECT ceil(extract(epoch FROM locked_until - now()))::int AS locked_for
            FROM login_attempts WHERE email_key = lower(\(email)) AND locked_until > now()
            """)
        return try row?.decode("locked_for", as: Int?.self)
    }

    /// Drops rows with no recent failure and no lock in force.
    static func deleteStale(_ db: any PostgresQueryable, olderThan age: Duration) async throws {
        try await db.execute("""
            DELETE FROM login_attempts
            WHERE updated_at < now() - \(age.seconds)::float8 * interval '1 second'
              AND (locked_until IS NULL OR locked_until < now())
            """)
    }
}
