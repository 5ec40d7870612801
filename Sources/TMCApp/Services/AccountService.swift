import Foundation
import TMCPostgres

/// The caller's own account: registration (victims), profile, password, contact preferences;
/// and the command line's sysadmin bootstrap.
public struct AccountService: Sendable {
    let database: PostgresPool
    let configuration: AppConfiguration
    let rateLimiter: RateLimiter
    let lockout: LoginLockout
    let sessions: SessionService
    let audit: AuditLog

    init(database: PostgresPool, configuration: AppConfiguration, rateLimiter: RateLimiter, lockout: LoginLockout,
         sessions: SessionService, audit: AuditLog) {
        self.database = database
        self.configuration = configuration
        self.rateLimiter = rateLimiter
        self.lockout = lockout
        self.sessions = sessions
        self.audit = audit
    }

    static let emailTaken = Problem.conflict(
        "An account with this email already exists: log in, or activate it with your invitation code.")

    /// A public victim account, logged in at once. Limited per client address.
    public func register(email: String, password: String, name: String, phone: String?, origin: RequestOrigin) async throws -> Registration {
        try await rateLimiter.hit(RateLimiter.Bucket(name: "registrations", limit: configuration.rateLimitRegistrationsPerHour),
                                  subject: origin.clientAddress)
        do {
            return try await database.transaction { db in
                let user = try await UserRepository.insert(
                    db, NewUser(email: email, name: name, role: .victim, forceID: nil, phone: phone, status: .active),
                    password: password, bcryptCost: configuration.bcryptCost)
                let issued = try await sessions.issueToken(db, for: user)
                try await audit.record(db, AuditEntry(actor: sessions.principal(user, credentialID: issued.id), action: "account.registered",
                                                      resourceType: "user", resourceID: user.id.lowercasedString, origin: origin))
                return Registration(user: user, token: issued.token, expiresAt: issued.expiresAt)
            }
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw AccountService.emailTaken
        }
    }

    /// The caller as `GET /v1/me` shows it, from what authentication already loaded.
    public func me(_ principal: Principal) -> Me {
        guard let user = principal.user else {
            return Me(id: principal.userID, email: nil, name: principal.name, role: principal.role, force: principal.forceCode,
                      phone: nil, status: .active, createdAt: nil, contactPreferences: nil)
        }
        return Me(id: user.id, email: user.email, name: user.name, role: user.role, force: user.force, phone: user.phone,
                  status: user.status, createdAt: user.createdAt,
                  contactPreferences: user.role == .victim
                      ? ContactPreferences(channel: user.contactChannel, safeContact: user.safeContact) : nil)
    }

    /// Changes the password after checking the current one (a wrong one counts towards the
    /// lockout, like a failed login) and revokes every other token of the account.
    public func changePassword(_ principal: Principal, current: String, new: String, origin: RequestOrigin) async throws {
        try Policy.requireUserAccount(principal)
        guard let user = principal.user else { throw Problem.forbidden() }
        try await lockout.requireUnlocked(database, email: user.email)
        guard try await UserRepository.passwordMatches(database, userID: user.id, password: current) else {
            try await lockout.recordFailure(database, email: user.email)
            try await audit.record(database, AuditEntry(actor: principal, action: "password.change_failed", resourceType: "user",
                                                        resourceID: user.id.lowercasedString, origin: origin))
            throw Problem.validation(field: "current_password", "is not your current password")
        }
        try await database.transaction { db in
            try await UserRepository.setPassword(db, userID: user.id, password: new, bcryptCost: configuration.bcryptCost)
            try await TokenRepository.revokeAll(db, userID: user.id, except: principal.credentialID)
            try await audit.record(db, AuditEntry(actor: principal, action: "password.changed", resourceType: "user",
                                                  resourceID: user.id.lowercasedString, origin: origin))
        }
    }

    /// Victims only: how they are told about their cases. SMS needs a phone number.
    public func setContactPreferences(_ principal: Principal, _ preferences: ContactPreferences, origin: RequestOrigin) async throws -> ContactPreferences {
        try Policy.requireRole(principal, [.victim])
        guard let user = principal.user else { throw Problem.forbidden() }
        if preferences.channel == .sms, user.phone == nil {
            throw Problem.validation(field: "channel", "sms needs a phone number on your account")
        }
        try await database.transaction { db in
            try await UserRepository.setContactPreferences(db, userID: user.id, preferences)
            try await audit.record(db, AuditEntry(actor: principal, action: "contact_preferences.updated", resourceType: "user",
                                                  resourceID: user.id.lowercasedString, origin: origin,
                                                  details: ["channel": preferences.channel.rawValue,
                                                            "safe_contact": String(preferences.safeContact)]))
        }
        return preferences
    }

    /// A platform operator, from the command line only. `409` when the email is taken.
    /// An operator's action on no one's behalf (the first sysadmin cannot be authenticated).
    public func createSysadmin(email: String, name: String, password: String) async throws -> User {
        do {
            return try await DatabaseScope.runAsSystem { try await database.transaction { db in
                let user = try await UserRepository.insert(
                    db, NewUser(email: email, name: name, role: .sysadmin, forceID: nil, phone: nil, status: .active),
                    password: password, bcryptCost: configuration.bcryptCost)
                try await audit.record(db, AuditEntry(actor: nil, action: "sysadmin.created", resourceType: "user",
                                                      resourceID: user.id.lowercasedString, origin: .commandLine("create-sysadmin")))
                return user
            } }
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw Problem.conflict("An account with the email \(email) already exists.")
        }
    }
}
