import Foundation
import TMCPostgres

/// SQL for the append-only audit trail (a trigger refuses UPDATE, DELETE and TRUNCATE).
enum AuditRepository {
    static func insert(_ db: any PostgresQueryable, _ entry: AuditEntry) async throws {
        // A plain encoder: the API's snake_case key strategy must not rewrite detail keys.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let details = String(decoding: try encoder.encode(entry.details), as: UTF8.self)
        try await db.execute("""
            INSERT INTO audit_events (actor_id, actor_role, action, resource_type, resource_id, force_id, case_id,
                                      client_address, request_id, details)
            VALUES (\(entry.actor?.userID), \(entry.actor?.role.rawValue), \(entry.action), \(entry.resourceType),
                    \(entry.resourceID), \(entry.forceID), \(entry.caseID), \(entry.origin.clientAddress),
                    \(entry.origin.requestID), \(details)::jsonb)
            """)
    }
}
