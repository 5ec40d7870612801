import Foundation
import TMCPostgres

/// A new account's fields; the password (if any) is hashed in SQL.
struct NewUser: Sendable {
    var email: String
    var name: String
    var role: Role
    var forceID: UUID?
    var phone: String?
    var status: UserStatus
}

/// What a login attempt found: the account (if the email has one), whether the email is
/// locked, and whether the password matched (nil when locked, as it was not checked).
struct LoginCandidate: Sendable {
    var user: User?
    var lockedForSeconds: Int?
    var passwordMatches: Bool?
}

/// SQL for `users`. Emails compare case-insensitively (`lower(email)`, uniquely indexed).
enum UserRepository {
    /// The select list of a user joined with its force as `f`.
    static let columns = """
        u.id, u.email, u.name, u.role, u.force_id, f.code AS force_code, u.phone, u.status, u.created_at,
        u.contact_channel, u.safe_contact
        """

    static func user(_ row: PostgresRow) throws -> User {
        User(id: try row.decode("id", as: UUID.self), email: try row.decode("email", as: String.self),
             name: try row.decode("name", as: String.self), role: try row.decode("role", as: Role.self),
             force: try row.decode("force_code", as: String?.self), phone: try row.decode("phone", as: String?.self),
             status: try row.decode("status", as: UserStatus.self), createdAt: try row.decode("created_at", as: Date.self),
             contactChannel: try row.decode("contact_channel", as: ContactChannel.self),
             safeContact: try row.decode("safe_contact", as: Bool.self),
             forceID: try row.decode("force_id", as: UUID?.self))
    }

    /// Inserts the account; throws `PostgresError.uniqueViolation` when the email is taken.
    static func insert(_ db: any PostgresQueryable, _ new: NewUser, password: String?, bcryptCost: Int) async throws -> User {
        let query: PostgresQuery
        if let password {
            query = """
                WITH u AS (
                    INSERT INTO users (email, name, role, force_id, phone, status, password_hash)
                    VALUES (\(new.email), \(new.name), \(new.role.rawValue), \(new.forceID), \(new.phone), \(new.status.rawValue),
                            \(newPasswordHash: password, cost: bcryptCost))
                    RETURNING *)
                SELECT \(unsafeSQL: columns) FROM u LEFT JOIN forces f ON f.id = u.force_id
                """
        } else {
            query = """
                WITH u AS (
                    INSERT INTO users (email, name, role, force_id, phone, status)
                    VALUES (\(new.email), \(new.name), \(new.role.rawValue), \(new.forceID), \(new.phone), \(new.status.rawValue))
                    RETURNING *)
                SELECT \(unsafeSQL: columns) FROM u LEFT JOIN forces f ON f.id = u.force_id
                """
        }
        guard let row = try await db.queryFirst(query) else { throw PostgresDecodingError(column: "id", type: "inserted user", value: nil) }
        return try user(row)
    }

    static func find(_ db: any PostgresQueryable, id: UUID) async throws -> User? {
        try await db.queryFirst("""
            SELECT \(unsafeSQL: columns) FROM users u LEFT JOIN forces f ON f.id = u.force_id WHERE u.id = \(id)
            """).map(user)
    }

    static func find(_ db: any PostgresQueryable, email: String) async throws -> User? {
        try await db.queryFirst("""
            SELECT \(unsafeSQL: columns) FROM users u LEFT JOIN forces f ON f.id = u.force_id WHERE lower(u.email) = lower(\(email))
            """).map(user)
    }

    /// One round trip and exactly one bcrypt computation whether or not the email has an
    /// account (an unknown email, or one without a password, is checked against `dummyHash`),
    /// so that the answer's timing reveals nothing. A locked email skips the check.
    static func loginCandidate(_ db: any PostgresQueryable, email: String, password: String, dummyHash: String) async throws -> LoginCandidate {
        let row = try await db.queryFirst("""
            SELECT \(unsafeSQL: columns),
                   ceil(extract(epoch FROM a.locked_until - now()))::int AS locked_for,
                   CASE WHEN a.locked_until IS NOT NULL THEN NULL
                        ELSE coalesce(u.password_hash, \(dummyHash)) = crypt(\(passwordDigest: password), coalesce(u.password_hash, \(dummyHash)))
                   END AS password_ok
            FROM (SELECT lower(\(email)) AS k) e
            LEFT JOIN users u ON lower(u.email) = e.k
            LEFT JOIN forces f ON f.id = u.force_id
            LEFT JOIN login_attempts a ON a.email_key = e.k AND a.locked_until > now()
            """)
        guard let row else { return LoginCandidate(user: nil, lockedForSeconds: nil, passwordMatches: false) }
        let found = try row.decode("id", as: UUID?.self) != nil
        return LoginCandidate(user: found ? try user(row) : nil,
                              lockedForSeconds: try row.decode("locked_for", as: Int?.self),
                              passwordMatches: try row.decode("password_ok", as: Bool?.self))
    }

    /// A bcrypt hash of a throwaway password at `cost`, to check unknown emails against.
    static func makeDummyHash(_ db: any PostgresQueryable, cost: Int) async throws -> String {
        let row = try await db.queryFirst("SELECT \(newPasswordHash: "not-a-real-password", cost: cost) AS h")
        return try row?.decode("h", as: String.self) ?? ""
    }

    /// True when `password` is the account's current password.
    static func passwordMatches(_ db: any PostgresQueryable, userID: UUID, password: String) async throws -> Bool {
        let row = try await db.queryFirst("""
            SELECT password_hash IS NOT NULL AND password_hash = crypt(\(passwordDigest: password), password_hash) AS ok
            FROM users WHERE id = \(userID)
            """)
        return try row?.decode("ok", as: Bool.self) ?? false
    }

    static func setPassword(_ db: any PostgresQueryable, userID: UUID, password: String, bcryptCost: Int) async throws {
        try await db.execute("""
            UPDATE users SET password_hash = \(newPasswordHash: password, cost: bcryptCost), updated_at = now() WHERE id = \(userID)
            """)
    }

    /// Sets the first password of an invited account and makes it active.
    static func activate(_ db: any PostgresQueryable, userID: UUID, password: String, bcryptCost: Int) async throws -> User? {
        try await db.queryFirst("""
            WITH u AS (
                UPDATE users SET password_hash = \(newPasswordHash: password, cost: bcryptCost), status = 'active', updated_at = now()
                WHERE id = \(userID) AND status = 'invited'
                RETURNING *)
            SELECT \(unsafeSQL: columns) FROM u LEFT JOIN forces f ON f.id = u.force_id
            """).map(user)
    }

    static func disable(_ db: any PostgresQueryable, userID: UUID) async throws -> User? {
        try await db.queryFirst("""
            WITH u AS (
                UPDATE users SET status = 'disabled', updated_at = now() WHERE id = \(userID) RETURNING *)
            SELECT \(unsafeSQL: columns) FROM u LEFT JOIN forces f ON f.id = u.force_id
            """).map(user)
    }

    static func setContactPreferences(_ db: any PostgresQueryable, userID: UUID, _ preferences: ContactPreferences) async throws {
        try await db.execute("""
            UPDATE users SET contact_channel = \(preferences.channel.rawValue), safe_contact = \(preferences.safeContact), updated_at = now()
            WHERE id = \(userID)
            """)
    }

    /// A force's accounts in creation order, after the account `after` (keyset paging).
    static func list(_ db: any PostgresQueryable, forceID: UUID, after: UUID?, limit: Int) async throws -> [User] {
        try await db.query("""
            SELECT \(unsafeSQL: columns) FROM users u JOIN forces f ON f.id = u.force_id
            WHERE u.force_id = \(forceID)
              AND (\(after)::uuid IS NULL OR (u.created_at, u.id) > (SELECT created_at, id FROM users WHERE id = \(after)))
            ORDER BY u.created_at, u.id
            LIMIT \(limit)
            """).rows.map(user)
    }

    /// True when the force has an admin who has activated their account and is not disabled.
    static func hasActiveAdmin(_ db: any PostgresQueryable, forceID: UUID) async throws -> Bool {
        try await db.queryFirst("""
            SELECT 1 AS one FROM users WHERE force_id = \(forceID) AND role = 'admin' AND status = 'active' LIMIT 1
            """) != nil
    }
}
