import Foundation

/// The authorization rules of cases, their timeline, statements, reviews and property, one
/// function each. As everywhere: a role that may never do this gets `403` whatever the id; a
/// role that may, asking for a case that is not theirs (another victim's, another force's) or
/// an id that is malformed, gets `404` exactly as for a case that does not exist.
public enum CasePolicy {
    /// Who may read cases at all: victims (their own), staff and integration keys (their
    /// force's). Admins manage accounts but never read case contents; sysadmins see no force data.
    public static let readers: Set<Role> = [.victim, .officer, .supervisor, .integration]
    /// Who may create cases and record timeline events: staff and the force's systems.
    public static let recorders: Set<Role> = [.officer, .supervisor, .integration]
    /// Officers and supervisors: people of the force who edit, publish and handle property.
    public static let staff: Set<Role> = [.officer, .supervisor]

    /// The caller's role is one of `roles`, else `403`.
    public static func require(_ principal: Principal, _ roles: Set<Role>, _ detail: String = "Your role may not do this.") throws {
        guard roles.contains(principal.role) else { throw Problem.forbidden(detail) }
    }

    /// The force of a staff member or integration key (`403` for anyone without one).
    public static func force(of principal: Principal) throws -> UUID {
        guard let force = principal.forceID else { throw Problem.forbidden() }
        return force
    }

    /// The case id of the path, once the role is known to be allowed: a malformed id is `404`.
    public static func caseID(_ id: UUID?) throws -> UUID {
        guard let id else { throw Problem.notFound("No such case.") }
        return id
    }

    /// Compliance: the force's supervisors. Other roles `403`; another force's supervisor `404`.
    public static func requireComplianceReader(_ principal: Principal, forceCode: String) throws {
        try require(principal, [.supervisor], "Only supervisors see Victims' Code compliance.")
        guard principal.forceCode == forceCode else { throw Problem.notFound("No such force.") }
    }

    /// A case's audit trail: the force's supervisors and admins.
    public static func requireAuditReader(_ principal: Principal) throws {
        try require(principal, [.supervisor, .admin], "Only supervisors and admins read audit trails.")
    }

    /// Deciding a review request: supervisors only (someone above the investigating officer).
    public static func requireReviewDecider(_ principal: Principal) throws {
        try require(principal, [.supervisor], "Only a supervisor may decide a review request.")
    }
}
