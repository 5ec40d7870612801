import Foundation
import Synchronization
import TMCPostgres

/// A bearer credential that is valid now: a user's token or a force's API key.
struct ResolvedCredential: Sendable {
    var principal: Principal
    /// For API keys: when the key was last marked as used (refreshed at most once a minute).
    var keyLastUsedAt: Date?
}

/// A victim's case read by bearer token, one of a batch (`resolveTokensWithVictimCases`).
struct VictimCaseRead: Sendable {
    var bearer: String
    var caseID: UUID
}

/// The one query that authenticates a request. Authenticated reads are the hottest path, so a
/// token and an API key are resolved together in a single round trip; the digest is written
/// in each branch (not a CTE) so that both use their unique index.
enum CredentialRepository {
    static func resolve(_ db: any PostgresQueryable, bearer: String) async throws -> ResolvedCredential? {
        let row = try await db.queryFirst("""
            \(unsafeSQL: tokenSelect) WHERE t.token_hash = \(sha256: bearer) AND \(unsafeSQL: tokenIsValid)
            UNION ALL
            \(unsafeSQL: keySelect) WHERE k.key_hash = \(sha256: bearer) AND \(unsafeSQL: keyIsValid)
            LIMIT 1
            """)
        return try row.map(credential)
    }

    /// Resolves session tokens and, for each that is a victim's, that victim's view of the case
    /// asked for with it, in one statement: the hottest read (`GET /v1/cases/{id}` by a victim)
    /// costs one round trip, shared by a whole batch of requests (see `CaseService.victimReads`).
    /// Only the token branch is searched (API keys take the usual path when this finds nothing).
    /// Who may see the case is still the service's decision; this only fetches the case where
    /// the token's user is named as its victim. One answer per request, in order: nil when no
    /// valid token matches.
    static func resolveTokensWithVictimCases(_ db: any PostgresQueryable, _ requests: [VictimCaseRead]) async throws
        -> [(credential: ResolvedCredential, victimCase: (CaseRecord, CaseVictimRecord)?)?] {
        // Migration 0011: the function's own WHERE clause is the victim rule, so it alone reads
        // cases without a principal's row-level security scope. Its case columns are prefixed
        // `case_` (a function's columns need distinct names).
        let rows = try await db.query("SELECT * FROM tmc_victim_cases_by_tokens(\(requests.map(\.bearer)), \(requests.map(\.caseID)))")
        return try rows.map { row in
            guard let (resolved, caseRow) = try splitCredential(row, at: "case_part", restPrefix: "case_") else { return nil }
            guard let user = resolved.principal.user, try caseRow.raw("id") != nil else { return (resolved, nil) }
            return (resolved, (try CaseRepository.record(caseRow), try CaseRepository.victim(user, caseRow)))
        }
    }

    /// A row of `cred.*, NULL AS <marker>, …` (a statement that resolved its own credential, see
    /// `tokenSelect`) as the credential and the row of the columns after the marker. Nil when
    /// the marker is missing, or when the row has no credential (`kind` NULL: a batch statement's
    /// row for a token that matched nothing). `restPrefix` is taken off the names after the
    /// marker that have it.
    static func splitCredential(_ row: PostgresRow, at marker: String, restPrefix: String? = nil) throws -> (ResolvedCredential, PostgresRow)? {
        guard try row.decode("kind", as: String?.self) != nil,
              let (credentialColumns, restColumns) = splitColumns(row.columns, at: marker, restPrefix: restPrefix) else { return nil }
        let split = credentialColumns.names.count
        let resolved = try credential(PostgresRow(columns: credentialColumns, values: Array(row.values[..<split])))
        return (resolved, PostgresRow(columns: restColumns, values: Array(row.values[(split + 1)...])))
    }

    /// The columns before and after the marker. The pool reuses one column set per prepared
    /// statement, so the split is computed once per set and kept (a few sets: one per combined
    /// statement and pooled connection; the cache starts over if statements keep being
    /// prepared again).
    private static func splitColumns(_ columns: PostgresColumns, at marker: String, restPrefix: String?) -> (PostgresColumns, PostgresColumns)? {
        let key = ObjectIdentifier(columns)
        if let hit = splitCache.withLock({ $0[key] }) { return (hit.credential, hit.rest) }
        guard let index = columns.index(of: marker) else { return nil }
        let credential = PostgresColumns(names: Array(columns.names[..<index]))
        let rest = PostgresColumns(names: columns.names[(index + 1)...].map { name in
            guard let restPrefix, name.hasPrefix(restPrefix) else { return name }
            return String(name.dropFirst(restPrefix.count))
        })
        // Holding `source` keeps the identifier from being reused by another column set.
        splitCache.withLock { cache in
            if cache.count >= 256 { cache.removeAll() }
            cache[key] = (columns, credential, rest)
        }
        return (credential, rest)
    }

    private static let splitCache = Mutex<[ObjectIdentifier: (source: PostgresColumns, credential: PostgresColumns, rest: PostgresColumns)]>([:])

    /// Redeems a single-use `/v1/events` ticket (issue 5): marks it used and resolves the
    /// credential that asked for it, which must still be valid, in one statement. Nil when the
    /// ticket is unknown, used, expired, or its credential no longer valid.
    static func redeemEventTicket(_ db: any PostgresQueryable, ticket: String) async throws -> ResolvedCredential? {
        let row = try await db.queryFirst("""
            WITH ticket AS (
              UPDATE event_tickets SET used_at = now()
              WHERE ticket_hash = \(sha256: ticket) AND used_at IS NULL AND expires_at > now()
              RETURNING credential_id)
            \(unsafeSQL: tokenSelect) WHERE t.id = (SELECT credential_id FROM ticket) AND \(unsafeSQL: tokenIsValid)
            UNION ALL
            \(unsafeSQL: keySelect) WHERE k.id = (SELECT credential_id FROM ticket) AND \(unsafeSQL: keyIsValid)
            LIMIT 1
            """)
        return try row.map(credential)
    }

    /// A session token's credential (`WHERE` still to add), also the `cred` CTE of statements
    /// that resolve their credential with their data (see `splitCredential`).
    static let tokenSelect = """
        SELECT 'token' AS kind, t.id AS credential_id, u.id, u.email, u.name, u.role, u.force_id, f.code AS force_code,
               u.phone, u.status, u.created_at, u.contact_channel, u.safe_contact, NULL::timestamptz AS last_used_at
        FROM tokens t JOIN users u ON u.id = t.user_id
        LEFT JOIN forces f ON f.id = u.force_id
        """
    static let tokenIsValid = "t.revoked_at IS NULL AND t.expires_at > now() AND u.status = 'active'"
    private static let keySelect = """
        SELECT 'key', k.id, k.id, NULL, k.name, 'integration', k.force_id, f.code,
               NULL, 'active', k.created_at, 'none', false, k.last_used_at
        FROM api_keys k JOIN forces f ON f.id = k.force_id
        """
    private static let keyIsValid = "k.revoked_at IS NULL"

    private static func credential(_ row: PostgresRow) throws -> ResolvedCredential {
        let credentialID = try row.decode("credential_id", as: UUID.self)
        let name = try row.decode("name", as: String.self)
        let forceID = try row.decode("force_id", as: UUID?.self)
        let forceCode = try row.decode("force_code", as: String?.self)
        if try row.decode("kind", as: String.self) == "key" {
            return ResolvedCredential(
                principal: Principal(userID: credentialID, role: .integration, forceID: forceID, forceCode: forceCode,
                                     credentialID: credentialID, name: name),
                keyLastUsedAt: try row.decode("last_used_at", as: Date?.self))
        }
        let user = try UserRepository.user(row)
        return ResolvedCredential(
            principal: Principal(userID: user.id, role: user.role, forceID: forceID, forceCode: forceCode,
                                 credentialID: credentialID, name: name, user: user),
            keyLastUsedAt: nil)
    }
}
