import Foundation
import TMCPostgres

/// Reads a case's audit trail (written through `AuditLog`), newest first, keyset on the
/// entry's sequence number: entries added while paging sort before the first page and never
/// disturb later pages.
enum CaseAuditRepository {
    static func list(_ db: any PostgresQueryable, caseID: UUID, before: Int64?, limit: Int) async throws -> [(Int64, AuditEventView)] {
        var b = QueryBuilder("""
            SELECT id, at, actor_id, actor_role, action, resource_type, resource_id, client_address, request_id, details::text AS details
            FROM audit_events WHERE case_id =
            """)
        b.sql(" ")
        b.bind(caseID)
        if let before { b.sql(" AND id < "); b.bind(before) }
        b.sql(" ORDER BY id DESC LIMIT ")
        b.bind(limit + 1)
        return try await db.query(b.query).map { row in
            let id: Int64 = try row.decode("id")
            let detailsText: String = try row.decode("details")
            let details = (try? JSONDecoder().decode([String: String].self, from: Data(detailsText.utf8))) ?? [:]
            let actor: UUID? = try row.decode("actor_id")
            return (id, AuditEventView(id: String(id), at: try row.decode("at"), actorId: actor?.uuidString.lowercased(),
                                       actorRole: try row.decode("actor_role"), action: try row.decode("action"),
                                       resourceType: try row.decode("resource_type"), resourceId: try row.decode("resource_id"),
                                       clientAddress: try row.decode("client_address"), requestId: try row.decode("request_id"),
                                       details: details))
        }
    }
}
