import Foundation
import TMCPostgres

/// A stored response to replay.
struct StoredResponse: Sendable, Equatable {
    var status: Int
    var contentType: String?
    var location: String?
    var body: [UInt8]
}

/// What was found under a caller's key when it could not be claimed.
enum IdempotencyRecord: Sendable, Equatable {
    /// The first request with this key is still being handled.
    case inFlight(sameRequest: Bool)
    case completed(sameRequest: Bool, StoredResponse)
    /// Gone between the claim and the look-up (expired or released): try again.
    case missing
}

/// SQL for `idempotency_keys`. The key is stored as a digest and is also the passphrase the
/// stored body is encrypted with (pgcrypto `pgp_sym_encrypt_bytea`): a response that carries
/// a secret (a new token or API key) is unreadable without the key only the client has.
enum IdempotencyRepository {
    /// Claims `key` for this request: true when this request is now the one to run (a new key,
    /// or one whose record expired, or whose first request was abandoned in flight).
    static func claim(_ db: any PostgresQueryable, caller: String, key: String, method: String, path: String, body: [UInt8],
                      lifetime: Duration, abandonAfter: Duration) async throws -> Bool {
        try await db.queryFirst("""
            INSERT INTO idempotency_keys AS k (caller, key_hash, fingerprint, expires_at)
            VALUES (\(caller), \(sha256: key), \(requestFingerprint: method, path, body),
                    now() + \(lifetime.seconds)::float8 * interval '1 second')
            ON CONFLICT (caller, key_hash) DO UPDATE SET
                fingerprint = EXCLUDED.fingerprint, status = NULL, content_type = NULL, location = NULL, body = NULL,
                created_at = now(), expires_at = EXCLUDED.expires_at
            WHERE k.expires_at <= now()
               OR (k.status IS NULL AND k.created_at < now() - \(abandonAfter.seconds)::float8 * interval '1 second')
            RETURNING 1 AS claimed
            """) != nil
    }

    /// The live record under `key`, compared with this request, its body decrypted.
    static func find(_ db: any PostgresQueryable, caller: String, key: String, method: String, path: String,
                     body: [UInt8]) async throws -> IdempotencyRecord {
        let row = try await db.queryFirst("""
            SELECT k.fingerprint = \(requestFingerprint: method, path, body) AS same, k.status, k.content_type, k.location,
                   CASE WHEN k.body IS NULL THEN NULL ELSE pgp_sym_decrypt_bytea(k.body, \(key)) END AS body
            FROM idempotency_keys k
            WHERE k.caller = \(caller) AND k.key_hash = \(sha256: key) AND k.expires_at > now()
            """)
        guard let row else { return .missing }
        let same = try row.decode("same", as: Bool.self)
        guard let status = try row.decode("status", as: Int?.self) else { return .inFlight(sameRequest: same) }
        return .completed(sameRequest: same, StoredResponse(
            status: status, contentType: try row.decode("content_type", as: String?.self),
            location: try row.decode("location", as: String?.self), body: try row.decode("body", as: [UInt8]?.self) ?? []))
    }

    /// Stores the response of the request that claimed `key`, encrypted with the key.
    static func complete(_ db: any PostgresQueryable, caller: String, key: String, response: StoredResponse) async throws {
        try await db.execute("""
            UPDATE idempotency_keys
            SET status = \(response.status), content_type = \(response.contentType), location = \(response.location),
                body = pgp_sym_encrypt_bytea(\(response.body)::bytea, \(key), 'cipher-algo=aes256')
            WHERE caller = \(caller) AND key_hash = \(sha256: key) AND status IS NULL
            """)
    }

    /// Forgets a claim whose request failed, so that the key can be used again.
    static func release(_ db: any PostgresQueryable, caller: String, key: String) async throws {
        try await db.execute("""
            DELETE FROM idempotency_keys WHERE caller = \(caller) AND key_hash = \(sha256: key) AND status IS NULL
            """)
    }

    static func deleteExpired(_ db: any PostgresQueryable) async throws {
        try await db.execute("DELETE FROM idempotency_keys WHERE expires_at <= now()")
    }
}

extension PostgresQuery.StringInterpolation {
    /// `sha256(convert_to(method SP path LF, 'UTF8') || body)`: what makes two requests "the
    /// same" for `Idempotency-Key`, computed in PostgreSQL.
    mutating func appendInterpolation(requestFingerprint method: String, _ path: String, _ body: [UInt8]) {
        appendLiteral("sha256(convert_to(")
        appendInterpolation(method + " " + path + "\n")
        appendLiteral(", 'UTF8') || ")
        appendInterpolation(body)
        appendLiteral("::bytea)")
    }
}
