import Foundation
import TMCPostgres

/// SQL for integration API keys; only `sha256(key)` is stored.
enum APIKeyRepository {
    static func apiKey(_ row: PostgresRow) throws -> APIKey {
        APIKey(id: try row.decode("id", as: UUID.self), name: try row.decode("name", as: String.self),
               createdAt: try row.decode("created_at", as: Date.self), lastUsedAt: try row.decode("last_used_at", as: Date?.self))
    }

    static func insert(_ db: any PostgresQueryable, forceID: UUID, name: String, key: String, createdBy: UUID?) async throws -> APIKey {
        let row = try await db.queryFirst("""
            INSERT INTO api_keys (force_id, name, key_hash, created_by)
            VALUES (\(forceID), \(name), \(sha256: key), \(createdBy))
            RETURNING id, name, created_at, last_used_at
            """)
        guard let row else { throw PostgresDecodingError(column: "id", type: "inserted api key", value: nil) }
        return try apiKey(row)
    }

    /// The force's live keys in creation order, after the key `after` (keyset paging).
    static func list(_ db: any PostgresQueryable, forceID: UUID, after: UUID?, limit: Int) async throws -> [APIKey] {
        try await db.query("""
            SELECT id, name, created_at, last_used_at FROM api_keys
            WHERE force_id = \(forceID) AND revoked_at IS NULL
              AND (\(after)::uuid IS NULL OR (created_at, id) > (SELECT created_at, id FROM api_keys WHERE id = \(after)))
            ORDER BY created_at, id
            LIMIT \(limit)
            """).rows.map(apiKey)
    }

    /// Revokes the force's key; nil when the force has no such key, else whether it was live.
    static func revoke(_ db: any PostgresQueryable, forceID: UUID, id: UUID) async throws -> Bool? {
        let row = try await db.queryFirst("""
            WITH k AS (SELECT id, revoked_at FROM api_keys WHERE id = \(id) AND force_id = \(forceID) FOR UPDATE),
                 r AS (UPDATE api_keys SET revoked_at = now() FROM k WHERE api_keys.id = k.id AND k.revoked_at IS NULL RETURNING api_keys.id),
                 -- ends the key's /v1/events streams on every instance (delivered at commit)
                 n AS (SELECT pg_notify(\(EventHub.revocationsChannel), 'credential:' || id::text) FROM r)
            SELECT (SELECT count(*) FROM r) > 0 AS revoked, (SELECT count(*) FROM n) AS announced FROM k
            """)
        return try row?.decode("revoked", as: Bool.self)
    }

    /// Marks the key as used now, unless that was done within the last minute.
    static func touch(_ db: any PostgresQueryable, id: UUID) async throws {
        try await db.execute("""
            UPDATE api_keys SET last_used_at = now()
            WHERE id = \(id) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
            """)
    }
}
