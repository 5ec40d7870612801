import Foundation

/// Every authorization rule, one function each, used by every service. A role that may never
/// do a kind of thing gets `403` whatever the id (so nothing is revealed); a role that may,
/// asking for something that is not theirs, gets `404` exactly as for an id that does not exist.
public enum Policy {
    /// The caller's role is one of `roles`, else `403`.
    public static func requireRole(_ principal: Principal, _ roles: Set<Role>) throws {
        guard roles.contains(principal.role) else { throw Problem.forbidden() }
    }

    /// A person's account (not an integration key), else `403`.
    public static func requireUserAccount(_ principal: Principal) throws {
        guard principal.role != .integration else { throw Problem.forbidden("Integration keys have no account to change.") }
    }

    /// Force data (cases, reports, staff, keys, statistics) is for the force's own staff,
    /// admins and integration keys: sysadmins and victims never (`403`); another force's
    /// member gets `404`.
    public static func requireMemberOf(_ principal: Principal, forceID: UUID) throws {
        guard principal.role != .sysadmin, principal.role != .victim else {
            throw Problem.forbidden(principal.role == .sysadmin ? "Platform operators see no force data." : "Your role may not do this.")
        }
        guard principal.forceID == forceID else { throw Problem.notFound() }
    }

    /// The force's admin: other roles `403`, another force's admin `404`.
    public static func requireForceAdmin(_ principal: Principal, forceID: UUID) throws {
        try requireRole(principal, [.admin])
        guard principal.forceID == forceID else { throw Problem.notFound() }
    }

    /// Creating a force: sysadmins only.
    public static func requireMayCreateForce(_ principal: Principal) throws {
        try requireRole(principal, [.sysadmin])
    }

    /// Creating a force's staff account: the force's admin; a sysadmin only while the force has
    /// no active admin, and only an admin (that is how a force gets its first admin).
    public static func requireMayCreateStaff(_ principal: Principal, forceID: UUID, role: Role, forceHasActiveAdmin: Bool) throws {
        switch principal.role {
        case .admin:
            guard principal.forceID == forceID else { throw Problem.notFound() }
        case .sysadmin:
            guard !forceHasActiveAdmin else {
                throw Problem.forbidden("This force has an active admin, who manages its accounts.")
            }
            guard role == .admin else {
                throw Problem.forbidden("A platform operator may only create a force's admin.")
            }
        default:
            throw Problem.forbidden()
        }
    }

    /// Whether the caller must check for an active admin before `requireMayCreateStaff`
    /// (`403` for roles that never may, without a query).
    public static func requireMayManageStaffAtAll(_ principal: Principal) throws {
        try requireRole(principal, [.admin, .sysadmin])
    }

    /// Disabling an account: a force's admin disables its staff and admins; a sysadmin may
    /// disable any force's admin (e.g. a compromised one) and nobody else. Accounts the caller
    /// may not manage (victims, other forces' staff) are `404`.
    public static func requireMayDisable(_ principal: Principal, target: User) throws {
        switch principal.role {
        case .admin:
            guard let force = target.forceID, force == principal.forceID else { throw Problem.notFound() }
        case .sysadmin:
            guard target.role == .admin else { throw Problem.notFound() }
        default:
            throw Problem.forbidden()
        }
    }
}
