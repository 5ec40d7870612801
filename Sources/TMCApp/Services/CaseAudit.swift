import Foundation
import TMCPostgres

/// Audit entries for cases: every staff or integration read, and every change by anyone.
/// Victims' reads are not audited (they read their own case, and the read path must stay one
/// query).
struct CaseAudit: Sendable {
    let log: AuditLog

    /// A read of the case or of part of it (`what`: `case`, `case.updates`, `case.property`, …).
    func read(_ db: any PostgresQueryable, _ principal: Principal, _ access: CaseAccess, what: String, resourceID: UUID? = nil,
              origin: RequestOrigin) async throws {
        guard !access.isVictim else { return }
        try await log.record(db, AuditEntry(actor: principal, action: "\(what).read", resourceType: what,
                                            resourceID: (resourceID ?? access.caseID).uuidString.lowercased(),
                                            forceID: access.forceID, caseID: access.caseID, origin: origin))
    }

    /// A change (`action` such as `case.updated`), with what changed.
    func change(_ db: any PostgresQueryable, _ principal: Principal, caseID: UUID, forceID: UUID, action: String, resourceType: String,
                resourceID: UUID, origin: RequestOrigin, details: [String: String] = [:]) async throws {
        try await log.record(db, AuditEntry(actor: principal, action: action, resourceType: resourceType,
                                            resourceID: resourceID.uuidString.lowercased(), forceID: forceID, caseID: caseID,
                                            origin: origin, details: details))
    }
}
