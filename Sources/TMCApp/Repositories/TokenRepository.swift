import Foundation
import TMCPostgres

/// SQL for bearer tokens. Only `sha256(token)` is stored; the token itself never is.
enum TokenRepository {
    /// Stores a new token for the user, valid for `lifetime`; returns its id and expiry.
    static func insert(_ db: any PostgresQueryable, token: String, userID: UUID, lifetime: Duration) async throws -> (id: UUID, expiresAt: Date) {
        let row = try await db.queryFirst("""
            INSERT INTO tokens (token_hash, user_id, expires_at)
            VALUES (\(sha256: token), \(userID), now() + \(lifetime.seconds)::float8 * interval '1 second')
            RETURNING id, expires_at
            """)
        guard let row else { throw PostgresDecodingError(column: "id", type: "inserted token", value: nil) }
        return (try row.decode("id", as: UUID.self), try row.decode("expires_at", as: Date.self))
    }

    /// Revokes the token and announces it on `tmc_revocations` (delivered at commit), so that
    /// every instance ends the `/v1/events` streams it opened at once.
    static func revoke(_ db: any PostgresQueryable, tokenID: UUID) async throws {
        try await db.execute("""
            WITH r AS (UPDATE tokens SET revoked_at = now() WHERE id = \(tokenID) AND revoked_at IS NULL RETURNING id)
            SELECT pg_notify(\(EventHub.revocationsChannel), 'credential:' || id::text) FROM r
            """)
    }

    /// Revokes every live token of the user except `keep` (the caller's own, on password change),
    /// announcing each on `tmc_revocations` like `revoke`.
    static func revokeAll(_ db: any PostgresQueryable, userID: UUID, except keep: UUID? = nil) async throws {
        try await db.execute("""
            WITH r AS (
              UPDATE tokens SET revoked_at = now()
              WHERE user_id = \(userID) AND revoked_at IS NULL AND (\(keep)::uuid IS NULL OR id <> \(keep))
              RETURNING id)
            SELECT pg_notify(\(EventHub.revocationsChannel), 'credential:' || id::text) FROM r
            """)
    }

    /// Drops tokens that expired more than a week ago (kept a while for investigations).
    static func deleteLongExpired(_ db: any PostgresQueryable) async throws {
        try await db.execute("DELETE FROM tokens WHERE expires_at < now() - interval '7 days'")
    }
}

extension Duration {
    /// The duration in seconds, fractions included.
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
