import Foundation
import TMCPostgres

/// A force's staff and admin accounts: created with an invitation code by the force's admin
/// (or, for a force's first admin, by a sysadmin), listed, and disabled.
public struct StaffService: Sendable {
    let database: PostgresPool
    let forces: ForceService
    let invitations: InvitationService
    let audit: AuditLog

    init(database: PostgresPool, forces: ForceService, invitations: InvitationService, audit: AuditLog) {
        self.database = database
        self.forces = forces
        self.invitations = invitations
        self.audit = audit
    }

    /// The roles an admin can give.
    public enum StaffRole: String, Sendable, CaseIterable {
        case officer, supervisor, admin
        var role: Role { Role(rawValue: rawValue)! }
    }

    public func create(_ principal: Principal, forceCode: String, email: String, name: String, role: StaffRole,
                       phone: String?, origin: RequestOrigin) async throws -> InvitedUser {
        try Policy.requireMayManageStaffAtAll(principal)
        let force = try await forces.find(database, code: forceCode)
        let hasAdmin = principal.role == .sysadmin ? try await UserRepository.hasActiveAdmin(database, forceID: force.id) : true
        try Policy.requireMayCreateStaff(principal, forceID: force.id, role: role.role, forceHasActiveAdmin: hasAdmin)
        do {
            return try await database.transaction { db in
                let user = try await UserRepository.insert(
                    db, NewUser(email: email, name: name, role: role.role, forceID: force.id, phone: phone, status: .invited),
                    password: nil, bcryptCost: 4)
                let code = try await invitations.createInvitation(db, userID: user.id, createdBy: principal.userID)
                try await audit.record(db, AuditEntry(actor: principal, action: "staff.created", resourceType: "user",
                                                      resourceID: user.id.lowercasedString, forceID: force.id, origin: origin,
                                                      details: ["role": role.rawValue]))
                return InvitedUser(user: user, invitationCode: code)
            }
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw Problem.conflict("An account with this email already exists.")
        }
    }

    /// The force's accounts (staff and admins, every status) in creation order.
    public func list(_ principal: Principal, forceCode: String, limit: Int, after cursor: UUID?) async throws -> Page<User> {
        try Policy.requireRole(principal, [.admin])
        let force = try await forces.find(database, code: forceCode)
        try Policy.requireForceAdmin(principal, forceID: force.id)
        let rows = try await UserRepository.list(database, forceID: force.id, after: cursor, limit: limit + 1)
        return Cursor.page(rows, limit: limit, id: \.id)
    }

    /// Disables the account and revokes its tokens at once; it can no longer log in or
    /// activate. Disabling an already disabled account changes nothing.
    /// A nil `userID` (a malformed id) is `404`, after the role check.
    public func disable(_ principal: Principal, userID: UUID?, origin: RequestOrigin) async throws -> User {
        try Policy.requireRole(principal, [.admin, .sysadmin])
        guard let userID, let target = try await UserRepository.find(database, id: userID) else { throw Problem.notFound() }
        try Policy.requireMayDisable(principal, target: target)
        guard target.id != principal.userID else { throw Problem.conflict("You cannot disable your own account.") }
        if target.status == .disabled { return target }
        return try await database.transaction { db in
            guard let user = try await UserRepository.disable(db, userID: target.id) else { throw Problem.notFound() }
            try await TokenRepository.revokeAll(db, userID: target.id)
            try await audit.record(db, AuditEntry(actor: principal, action: "user.disabled", resourceType: "user",
                                                  resourceID: target.id.lowercasedString, forceID: target.forceID, origin: origin))
            return user
        }
    }
}
