import Foundation
import TMCPostgres

/// How a caller reaches one case: as one of its victims, or as a member of its force.
public struct CaseAccess: Sendable {
    public var caseID: UUID
    public var forceID: UUID
    /// The caller, when they are a victim named on the case.
    public var victimID: UUID?
    /// The case, when looked up for staff (victims' paths need less).
    public var record: CaseRecord?

    public var isVictim: Bool { victimID != nil }

    /// Resolves the case for a reader (`CasePolicy.readers` unless `roles` says otherwise):
    /// `403` for other roles, `404` when the case is not the caller's to see. `lock` takes the
    /// case row `FOR UPDATE` (staff paths that change the case).
    public static func resolve(_ db: any PostgresQueryable, _ principal: Principal, caseID: UUID?,
                               roles: Set<Role> = CasePolicy.readers, lock: Bool = false) async throws -> CaseAccess {
        try CasePolicy.require(principal, roles)
        let id = try CasePolicy.caseID(caseID)
        if principal.role == .victim {
            guard let force = try await CaseRepository.forceOfVictimCase(db, caseID: id, userID: principal.userID) else {
                throw Problem.notFound("No such case.")
            }
            return CaseAccess(caseID: id, forceID: force, victimID: principal.userID, record: nil)
        }
        let force = try CasePolicy.force(of: principal)
        guard let record = try await CaseRepository.find(db, id: id, forceID: force, forUpdate: lock) else {
            throw Problem.notFound("No such case.")
        }
        return CaseAccess(caseID: id, forceID: force, victimID: nil, record: record)
    }
}
