import Foundation
import TMCPostgres

/// Victim Personal Statements: a victim of the case writes them, every version is kept.
public struct StatementService: Sendable {
    let database: PostgresPool
    let audit: CaseAudit

    public init(database: PostgresPool, audit: AuditLog) {
        self.database = database
        self.audit = CaseAudit(log: audit)
    }

    /// `POST /v1/cases/{id}/statement` (a victim of the case): a new version.
    public func add(_ principal: Principal, caseID: UUID?, text: String, origin: RequestOrigin) async throws -> StatementView {
        try CasePolicy.require(principal, [.victim], "Only a victim of the case makes a Victim Personal Statement.")
        return try await database.transaction { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID, roles: [.victim])
            let statement = try await StatementRepository.append(db, caseID: access.caseID, victimID: principal.userID, text: text)
            try await CaseRepository.touch(db, id: access.caseID)
            try await audit.change(db, principal, caseID: access.caseID, forceID: access.forceID, action: "case.statement.created",
                                   resourceType: "case.statement", resourceID: access.caseID, origin: origin,
                                   details: ["version": String(statement.version)])
            try await EventRepository.append(db, CaseChangeEvents.statementAdded(statement, caseID: access.caseID, forceID: access.forceID))
            return StatementView(statement)
        }
    }

    /// `GET /v1/cases/{id}/statement`: a victim sees their own versions (another victim of the
    /// same case gets an empty list: each victim's statement is theirs); staff see all.
    public func list(_ principal: Principal, caseID: UUID?, origin: RequestOrigin) async throws -> ItemList<StatementView> {
        try await database.withConnection { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID)
            let rows = try await StatementRepository.list(db, caseID: access.caseID, victimID: access.victimID)
            try await audit.read(db, principal, access, what: "case.statement", origin: origin)
            return ItemList(items: rows.map(StatementView.init))
        }
    }
}
