import Foundation
import TMCPostgres

/// The services of accounts, forces, staff, keys and sessions, built once per process.
public struct AccountServices: Sendable {
    public let authentication: AuthenticationService
    public let sessions: SessionService
    public let accounts: AccountService
    public let forces: ForceService
    public let staff: StaffService
    public let apiKeys: APIKeyService
    public let invitations: InvitationService
    public let idempotency: IdempotencyService
    public let rateLimiter: RateLimiter
    public let audit: AuditLog

    public init(_ deps: Dependencies) {
        let db = deps.database
        let config = deps.configuration
        let audit = AuditLog()
        let rateLimiter = RateLimiter(database: db)
        let lockout = LoginLockout(database: db, threshold: config.loginLockoutThreshold, window: config.loginLockoutWindow,
                                   duration: config.loginLockoutDuration)
        let invitations = InvitationService()
        let sessions = SessionService(database: db, configuration: config, rateLimiter: rateLimiter, lockout: lockout,
                                      invitations: invitations, audit: audit)
        let forces = ForceService(database: db, audit: audit)
        self.authentication = AuthenticationService(database: db)
        self.sessions = sessions
        self.accounts = AccountService(database: db, configuration: config, rateLimiter: rateLimiter, lockout: lockout,
                                       sessions: sessions, audit: audit)
        self.forces = forces
        self.staff = StaffService(database: db, forces: forces, invitations: invitations, audit: audit)
        self.apiKeys = APIKeyService(database: db, forces: forces, audit: audit)
        self.invitations = invitations
        self.idempotency = IdempotencyService(database: db)
        self.rateLimiter = rateLimiter
        self.audit = audit
    }
}
