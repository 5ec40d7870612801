import Foundation
import TMCPostgres

/// Victims' Code compliance of a force, and a case's audit trail: the supervisors' views.
public struct ComplianceService: Sendable {
    let database: PostgresPool

    public init(database: PostgresPool) { self.database = database }

    /// `GET /v1/forces/{code}/compliance` (the force's supervisors): counts of clocks met on
    /// time and late, and of open clocks overdue and due soon, with the overdue and due-soon
    /// clocks listed soonest deadline first (`limit`/`cursor` page the list; the counts are
    /// always whole-force).
    public func report(_ principal: Principal, forceCode: String, cursor: KeysetCursor?, limit: Int, now: Date = Date()) async throws -> ComplianceReportView {
        try CasePolicy.requireComplianceReader(principal, forceCode: forceCode)
        let forceID = try CasePolicy.force(of: principal)
        return try await database.withConnection { db in
            let counts = try await ClockRepository.counts(db, forceID: forceID, now: now)
            let rows = try await ClockRepository.dueItems(db, forceID: forceID, horizon: counts.dueSoonHorizon, after: cursor, limit: limit)
            let page = Array(rows.prefix(limit))
            let items = page.map { item in
                ComplianceReportView.Item(
                    caseId: item.clock.caseID.uuidString.lowercased(), crimeReference: item.crimeReference, rule: item.clock.rule,
                    updateId: item.clock.updateID?.uuidString.lowercased(),
                    reviewRequestId: item.clock.reviewRequestID?.uuidString.lowercased(),
                    occurredAt: item.clock.startedAt, deadline: item.clock.deadline,
                    state: ClockState.of(deadline: item.clock.deadline, metAt: nil, now: now, dueSoonHorizon: counts.dueSoonHorizon))
            }
            let next = rows.count > limit ? page.last.map { KeysetCursor(at: $0.clock.deadline, id: $0.clock.id).encoded } : nil
            return ComplianceReportView(onTime: counts.onTime, late: counts.late, overdue: counts.overdue, dueSoon: counts.dueSoon,
                                        dueSoonBefore: counts.dueSoonHorizon, items: items, nextCursor: next)
        }
    }

    /// `GET /v1/cases/{id}/audit` (the force's supervisors and admins), newest first.
    public func auditTrail(_ principal: Principal, caseID: UUID?, cursor: String?, limit: Int) async throws -> Page<AuditEventView> {
        try CasePolicy.requireAuditReader(principal)
        let before = try Self.auditCursor(cursor)
        return try await database.withConnection { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID, roles: [.supervisor, .admin])
            let rows = try await CaseAuditRepository.list(db, caseID: access.caseID, before: before, limit: limit)
            let page = Array(rows.prefix(limit))
            let next = rows.count > limit ? page.last.map { Self.encodeAuditCursor($0.0) } : nil
            return Page(items: page.map(\.1), nextCursor: next)
        }
    }

    /// The audit list's opaque cursor: the last entry's sequence number, base64url-encoded.
    static func encodeAuditCursor(_ id: Int64) -> String {
        Data("audit|\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func auditCursor(_ text: String?) throws -> Int64? {
        guard let text else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard text.count <= 64, let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8),
              decoded.hasPrefix("audit|"), let id = Int64(decoded.dropFirst(6)) else {
            throw Problem.validation(field: "cursor", "is not a cursor from this list; start again without one")
        }
        return id
    }
}
