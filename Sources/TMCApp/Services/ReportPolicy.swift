import Foundation

/// The authorization rules of online reports, force statistics and the force IT integration
/// endpoints, one function each. As everywhere: a role that may never do this gets `403`
/// whatever the id; a role that may, asking about another force (or another victim's
/// report), gets `404` exactly as for something that does not exist.
public enum ReportPolicy {
    /// Who may read reports: victims (their own, signed-in reports), staff and integration keys
    /// (their force's queue). Admins and sysadmins read no report contents.
    public static let readers: Set<Role> = [.victim, .officer, .supervisor, .integration]
    /// Who triages: officers and supervisors of the force holding the report.
    public static let triagers: Set<Role> = [.officer, .supervisor]

    /// Reporting online: anyone without signing in, or a signed-in victim. Police, admin,
    /// platform and integration credentials are not members of the public (`403`).
    public static func requireMaySubmit(_ principal: Principal?) throws {
        guard let principal else { return }
        guard principal.role == .victim else {
            throw Problem.forbidden("Only members of the public report crime online; send the report without your police or platform credentials.")
        }
    }

    public static func requireReader(_ principal: Principal) throws {
        guard readers.contains(principal.role) else { throw Problem.forbidden("Your role may not read online reports.") }
    }

    public static func requireTriager(_ principal: Principal) throws {
        guard triagers.contains(principal.role) else { throw Problem.forbidden("Only officers and supervisors triage online reports.") }
    }

    /// Whether `principal` (an allowed reader) may see `report`: its signed-in reporter, or a
    /// member of the force holding it now.
    public static func maySee(_ principal: Principal, _ report: ReportRecord) -> Bool {
        if principal.role == .victim { return report.reporterID == principal.userID }
        return principal.forceID == report.forceID
    }

    /// Statistics: the force's supervisors and admins.
    public static func requireStatsReader(_ principal: Principal, forceCode: String) throws {
        guard [.supervisor, .admin].contains(principal.role) else {
            throw Problem.forbidden("Only supervisors and admins see the force's statistics.")
        }
        guard principal.forceCode == forceCode else { throw Problem.notFound("No such force.") }
    }

    /// The change feed: the force's integration keys and supervisors.
    public static func requireChangeFeedReader(_ principal: Principal, forceCode: String) throws {
        guard [.integration, .supervisor].contains(principal.role) else {
            throw Problem.forbidden("Only the force's integration keys and supervisors read its change feed.")
        }
        guard principal.forceCode == forceCode else { throw Problem.notFound("No such force.") }
    }

    /// Draining the outbox: the force's integration keys only. Notifications carry invitation
    /// codes, which would let whoever reads them take over an account, so no person reads them.
    public static func requireNotificationDrainer(_ principal: Principal) throws {
        guard principal.role == .integration else {
            throw Problem.forbidden("Only a force's integration key drains its notifications.")
        }
    }
}
