import Foundation
import Synchronization
import TMCPostgres

/// Login, logout and activation: issuing and revoking bearer tokens.
public struct SessionService: Sendable {
    let database: PostgresPool
    let configuration: AppConfiguration
    let rateLimiter: RateLimiter
    let lockout: LoginLockout
    let invitations: InvitationService
    let audit: AuditLog
    let dummyHash: DummyPasswordHash

    init(database: PostgresPool, configuration: AppConfiguration, rateLimiter: RateLimiter, lockout: LoginLockout,
         invitations: InvitationService, audit: AuditLog) {
        self.database = database
        self.configuration = configuration
        self.rateLimiter = rateLimiter
        self.lockout = lockout
        self.invitations = invitations
        self.audit = audit
        self.dummyHash = DummyPasswordHash(cost: configuration.bcryptCost)
    }

    var loginBucket: RateLimiter.Bucket { RateLimiter.Bucket(name: "logins", limit: configuration.rateLimitLoginsPerHour) }

    /// The same answer for an unknown email, a wrong password, a disabled account or one not
    /// yet activated, so that it reveals nothing.
    static let wrongCredentials = Problem.unauthenticated("The email or password is wrong.")

    /// `tmc_` + 256 random bits; staff and admins get the shorter lifetime.
    func lifetime(for role: Role) -> Duration {
        role == .victim ? configuration.victimTokenLifetime : configuration.staffTokenLifetime
    }

    /// Issues a token for an active account. Pass a transaction's connection to issue it
    /// together with another change.
    func issueToken(_ db: any PostgresQueryable, for user: User) async throws -> (token: String, id: UUID, expiresAt: Date) {
        let token = SecretGenerator.token(prefix: "tmc_")
        let stored = try await TokenRepository.insert(db, token: token, userID: user.id, lifetime: lifetime(for: user.role))
        // Housekeeping on the pool, never on `db`: a failed statement would abort its transaction.
        if Int.random(in: 0..<256) == 0 { try? await TokenRepository.deleteLongExpired(database) }
        return (token, stored.id, stored.expiresAt)
    }

    /// Checks the password (always exactly one bcrypt computation, known email or not), applies
    /// the per-address limit and the per-account lockout, and issues a token.
    public func login(email: String, password: String, origin: RequestOrigin) async throws -> Session {
        try await rateLimiter.hit(loginBucket, subject: origin.clientAddress)
        let candidate = try await UserRepository.loginCandidate(database, email: email, password: password,
                                                                dummyHash: try await dummyHash.value(database))
        let user = candidate.user
        if let seconds = candidate.lockedForSeconds {
            try await audit.record(database, AuditEntry(actor: nil, action: "login.refused", resourceType: "user",
                                                        resourceID: user?.id.lowercasedString, forceID: user?.forceID,
                                                        origin: origin, details: ["reason": "locked"]))
            throw LoginLockout.locked(seconds)
        }
        guard let user, candidate.passwordMatches == true, user.status == .active else {
            let reason = user.map { $0.status == .active ? "wrong_password" : "account_\($0.status.rawValue)" } ?? "unknown_email"
            let lockedNow = try await lockout.recordFailure(database, email: email)
            var details = ["reason": reason]
            if lockedNow != nil { details["locked"] = "true" }
            try await audit.record(database, AuditEntry(actor: nil, action: "login.failed", resourceType: "user",
                                                        resourceID: user?.id.lowercasedString, forceID: user?.forceID,
                                                        origin: origin, details: details))
            throw SessionService.wrongCredentials
        }
        return try await database.transaction { db in
            try await lockout.clear(db, email: email)
            let issued = try await issueToken(db, for: user)
            try await audit.record(db, AuditEntry(actor: principal(user, credentialID: issued.id), action: "login.succeeded",
                                                  resourceType: "user", resourceID: user.id.lowercasedString, origin: origin))
            return Session(token: issued.token, expiresAt: issued.expiresAt, user: user)
        }
    }

    /// Revokes the token the caller used; the next request with it gets `401` on every instance.
    public func logout(_ principal: Principal, origin: RequestOrigin) async throws {
        // An API key is revoked by its force's admin, not by logging out.
        guard principal.role != .integration else {
            throw Problem.forbidden("Integration keys cannot log out; an admin revokes them.")
        }
        try await database.transaction { db in
            try await TokenRepository.revoke(db, tokenID: principal.credentialID)
            try await audit.record(db, AuditEntry(actor: principal, action: "logout", resourceType: "user",
                                                  resourceID: principal.userID.lowercasedString, origin: origin))
        }
    }

    /// An invited account sets its password with its code and is logged in. A wrong, used or
    /// expired code counts as a failed login for the email (lockout).
    public func activate(email: String, code: String, password: String, origin: RequestOrigin) async throws -> Session {
        try await rateLimiter.hit(loginBucket, subject: origin.clientAddress)
        try await lockout.requireUnlocked(database, email: email)
        let session: Session? = try await database.transaction { db in
            guard let userID = try await invitations.consume(db, email: email, code: code),
                  let user = try await UserRepository.activate(db, userID: userID, password: password, bcryptCost: configuration.bcryptCost)
            else { return nil }
            try await lockout.clear(db, email: email)
            let issued = try await issueToken(db, for: user)
            try await audit.record(db, AuditEntry(actor: principal(user, credentialID: issued.id), action: "account.activated",
                                                  resourceType: "user", resourceID: user.id.lowercasedString, origin: origin))
            return Session(token: issued.token, expiresAt: issued.expiresAt, user: user)
        }
        if let session { return session }
        try await lockout.recordFailure(database, email: email)
        let user = try await UserRepository.find(database, email: email)
        try await audit.record(database, AuditEntry(actor: nil, action: "activation.failed", resourceType: "user",
                                                    resourceID: user?.id.lowercasedString, forceID: user?.forceID, origin: origin))
        throw Problem.unauthenticated("The email or invitation code is wrong, or the code has expired or was already used.")
    }

    func principal(_ user: User, credentialID: UUID) -> Principal {
        Principal(userID: user.id, role: user.role, forceID: user.forceID, forceCode: user.force,
                  credentialID: credentialID, name: user.name, user: user)
    }
}

/// A bcrypt hash of a throwaway password, made once per process at the configured cost, to
/// check logins for unknown emails against (same work, same timing).
final class DummyPasswordHash: Sendable {
    private let cost: Int
    private let cached = Mutex<String?>(nil)

    init(cost: Int) { self.cost = cost }

    func value(_ db: any PostgresQueryable) async throws -> String {
        if let hash = cached.withLock({ $0 }) { return hash }
        let hash = try await UserRepository.makeDummyHash(db, cost: cost)
        cached.withLock { $0 = hash }
        return hash
    }
}
