import Foundation
import TMCPostgres

/// SQL for invitation codes; only `sha256(normalised code)` is stored.
enum InvitationRepository {
    static func insert(_ db: any PostgresQueryable, userID: UUID, code: String, createdBy: UUID?, lifetime: Duration) async throws {
        try await db.execute("""
            INSERT INTO invitations (user_id, code_hash, created_by, expires_at)
            VALUES (\(userID), \(sha256: code), \(createdBy), now() + \(lifetime.seconds)::float8 * interval '1 second')
            """)
    }

    /// Marks the invitation used and returns the invited account's id, when `code` is a live,
    /// unused code of the invited (not yet active) account with that email.
    static func consume(_ db: any PostgresQueryable, email: String, code: String) async throws -> UUID? {
        let row = try await db.queryFirst("""
            WITH i AS (
                SELECT i.id, u.id AS user_id FROM invitations i JOIN users u ON u.id = i.user_id
                WHERE lower(u.email) = lower(\(email)) AND u.status = 'invited'
                  AND i.code_hash = \(sha256: code) AND i.used_at IS NULL AND i.expires_at > now()
                LIMIT 1
                FOR UPDATE OF i, u)
            UPDATE invitations SET used_at = now() FROM i WHERE invitations.id = i.id AND invitations.used_at IS NULL
            RETURNING i.user_id
            """)
        return try row?.decode("user_id", as: UUID.self)
    }
}
