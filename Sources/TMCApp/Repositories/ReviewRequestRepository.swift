import Foundation
import TMCPostgres

/// SQL for Right to Review requests.
enum ReviewRequestRepository {
    static let columns = """
        r.id, r.case_id, r.victim_id, r.decision_update_id, r.reason, r.acknowledged_at, r.decided_at, r.upheld,
        r.decision_message, r.created_at
        """

    static func record(_ row: PostgresRow) throws -> ReviewRequestRecord {
        ReviewRequestRecord(
            id: try row.decode("id"), caseID: try row.decode("case_id"), victimID: try row.decode("victim_id"),
            decisionUpdateID: try row.decode("decision_update_id"), reason: try row.decode("reason"),
            acknowledgedAt: try row.decode("acknowledged_at"), decidedAt: try row.decode("decided_at"),
            upheld: try row.decode("upheld"), decisionMessage: try row.decode("decision_message"),
            createdAt: try row.decode("created_at"))
    }

    /// Inserts a request; nil when this victim already asked for a review of this decision.
    static func insert(_ db: any PostgresQueryable, caseID: UUID, forceID: UUID, victimID: UUID, decisionUpdateID: UUID,
                       reason: String, at: Date) async throws -> ReviewRequestRecord? {
        try await db.queryFirst("""
            INSERT INTO review_requests AS r (case_id, force_id, victim_id, decision_update_id, reason, created_at)
            VALUES (\(caseID), \(forceID), \(victimID), \(decisionUpdateID), \(reason), \(at))
            ON CONFLICT (case_id, victim_id, decision_update_id) DO NOTHING
            RETURNING \(unsafeSQL: columns)
            """).map(record)
    }

    /// The case's requests, oldest first; only the victim's own when `victimID` is given.
    static func list(_ db: any PostgresQueryable, caseID: UUID, victimID: UUID?) async throws -> [ReviewRequestRecord] {
        var b = QueryBuilder("SELECT \(columns) FROM review_requests r WHERE r.case_id = ")
        b.bind(caseID)
        if let victimID { b.sql(" AND r.victim_id = "); b.bind(victimID) }
        b.sql(" ORDER BY r.created_at, r.id")
        return try await db.query(b.query).map(record)
    }

    /// Acknowledges every request of the case not yet acknowledged; returns them.
    static func acknowledgePending(_ db: any PostgresQueryable, caseID: UUID, by: UUID, at: Date) async throws -> [ReviewRequestRecord] {
        try await db.query("""
            UPDATE review_requests r SET acknowledged_at = \(at), acknowledged_by = \(by)
            WHERE r.case_id = \(caseID) AND r.acknowledged_at IS NULL AND r.decided_at IS NULL
            RETURNING \(unsafeSQL: columns)
            """).map(record)
    }

    /// Decides every undecided request of the case (acknowledging it too, if it was not);
    /// returns them.
    static func decidePending(_ db: any PostgresQueryable, caseID: UUID, by: UUID, upheld: Bool, message: String,
                              at: Date) async throws -> [ReviewRequestRecord] {
        try await db.query("""
            UPDATE review_requests r SET decided_at = \(at), decided_by = \(by), upheld = \(upheld),
                decision_message = \(message), acknowledged_at = coalesce(r.acknowledged_at, \(at)),
                acknowledged_by = coalesce(r.acknowledged_by, \(by))
            WHERE r.case_id = \(caseID) AND r.decided_at IS NULL
            RETURNING \(unsafeSQL: columns)
            """).map(record)
    }
}
