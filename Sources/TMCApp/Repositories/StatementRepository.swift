import Foundation
import TMCPostgres

/// SQL for Victim Personal Statements: every version is a new row.
enum StatementRepository {
    static func record(_ row: PostgresRow) throws -> StatementRecord {
        StatementRecord(victimID: try row.decode("victim_id"), version: try row.decode("version"),
                        text: try row.decode("text"), createdAt: try row.decode("created_at"))
    }

    /// Adds the next version of the victim's statement. The victim's `case_victims` row is
    /// locked first, so two concurrent statements get consecutive versions.
    static func append(_ db: any PostgresQueryable, caseID: UUID, victimID: UUID, text: String) async throws -> StatementRecord {
        _ = try await db.queryFirst("SELECT 1 FROM case_victims WHERE case_id = \(caseID) AND user_id = \(victimID) FOR UPDATE")
        let row = try await db.queryFirst("""
            INSERT INTO victim_statements (case_id, victim_id, version, text)
            SELECT \(caseID), \(victimID), coalesce(max(version), 0) + 1, \(text)
            FROM victim_statements WHERE case_id = \(caseID) AND victim_id = \(victimID)
            RETURNING victim_id, version, text, created_at
            """)
        guard let row else { throw PostgresDecodingError(column: "version", type: "inserted statement", value: nil) }
        return try record(row)
    }

    /// Every version, by victim then version; only one victim's when `victimID` is given.
    static func list(_ db: any PostgresQueryable, caseID: UUID, victimID: UUID?) async throws -> [StatementRecord] {
        var b = QueryBuilder("SELECT victim_id, version, text, created_at FROM victim_statements WHERE case_id = ")
        b.bind(caseID)
        if let victimID { b.sql(" AND victim_id = "); b.bind(victimID) }
        b.sql(" ORDER BY victim_id, version")
        return try await db.query(b.query).map(record)
    }
}
