import Foundation
import TMCPostgres

/// A timeline entry to record.
struct NewCaseUpdate: Sendable {
    var caseID: UUID
    var forceID: UUID
    var event: CaseEvent
    var message: String?
    var statusFrom: CaseStatus?
    var statusTo: CaseStatus?
    var outcome: String?
    var delayReason: DelayReason?
    var delayReasonDetail: String?
    var occurredAt: Date
    var internalNote: String?
    var createdBy: UUID
    var createdByRole: Role
    /// Set when the update carries a message: it is published as it is recorded.
    var publishedAt: Date?
}

/// SQL for a case's timeline, oldest first, keyset on `(created_at, id)`.
enum CaseUpdateRepository {
    static let columns = """
        u.id, u.case_id, u.event, u.message, u.status_from, u.status_to, u.outcome, u.delay_reason_code,
        u.delay_reason_detail, u.occurred_at, u.internal_note, u.published_at, u.published_by, u.created_by,
        u.created_by_role, u.created_at
        """

    static func record(_ row: PostgresRow) throws -> CaseUpdateRecord {
        CaseUpdateRecord(
            id: try row.decode("id"), caseID: try row.decode("case_id"), event: try row.code("event", as: CaseEvent.self),
            message: try row.decode("message"), statusFrom: try row.optionalCode("status_from", as: CaseStatus.self),
            statusTo: try row.optionalCode("status_to", as: CaseStatus.self), outcome: try row.decode("outcome"),
            delayReason: try row.optionalCode("delay_reason_code", as: DelayReason.self),
            delayReasonDetail: try row.decode("delay_reason_detail"), occurredAt: try row.decode("occurred_at"),
            internalNote: try row.decode("internal_note"), publishedAt: try row.decode("published_at"),
            publishedBy: try row.decode("published_by"), createdBy: try row.decode("created_by"),
            createdByRole: try row.decode("created_by_role"), createdAt: try row.decode("created_at"))
    }

    static func insert(_ db: any PostgresQueryable, _ new: NewCaseUpdate) async throws -> CaseUpdateRecord {
        let row = try await db.queryFirst("""
            INSERT INTO case_updates AS u (case_id, force_id, event, message, status_from, status_to, outcome, delay_reason_code,
                                           delay_reason_detail, occurred_at, internal_note, published_at, published_by,
                                           created_by, created_by_role)
            VALUES (\(new.caseID), \(new.forceID), \(new.event.rawValue), \(new.message), \(new.statusFrom?.rawValue),
                    \(new.statusTo?.rawValue), \(new.outcome), \(new.delayReason?.rawValue), \(new.delayReasonDetail),
                    \(new.occurredAt), \(new.internalNote), \(new.publishedAt),
                    \(new.publishedAt == nil ? nil : new.createdBy), \(new.createdBy), \(new.createdByRole.rawValue))
            RETURNING \(unsafeSQL: columns)
            """)
        guard let row else { throw PostgresDecodingError(column: "id", type: "inserted update", value: nil) }
        return try record(row)
    }

    /// A page of the timeline; `publishedOnly` for victims.
    static func list(_ db: any PostgresQueryable, caseID: UUID, publishedOnly: Bool, after: KeysetCursor?, limit: Int) async throws -> [CaseUpdateRecord] {
        var b = QueryBuilder("SELECT \(columns) FROM case_updates u WHERE u.case_id = ")
        b.bind(caseID)
        if publishedOnly { b.sql(" AND u.published_at IS NOT NULL") }
        if let after {
            b.sql(" AND (u.created_at, u.id) > (")
            b.bind(after.at)
            b.sql("::timestamptz, ")
            b.bind(after.id)
            b.sql("::uuid)")
        }
        b.sql(" ORDER BY u.created_at, u.id LIMIT ")
        b.bind(limit + 1)
        return try await db.query(b.query).map(record)
    }

    static func find(_ db: any PostgresQueryable, caseID: UUID, id: UUID, forUpdate: Bool = false) async throws -> CaseUpdateRecord? {
        try await db.queryFirst("""
            SELECT \(unsafeSQL: columns) FROM case_updates u WHERE u.case_id = \(caseID) AND u.id = \(id)\(unsafeSQL: forUpdate ? " FOR UPDATE" : "")
            """).map(record)
    }

    /// Publishes an unpublished update; nil when it was already published.
    static func publish(_ db: any PostgresQueryable, id: UUID, message: String, by: UUID, at: Date) async throws -> CaseUpdateRecord? {
        try await db.queryFirst("""
            UPDATE case_updates u SET message = \(message), published_at = \(at), published_by = \(by)
            WHERE u.id = \(id) AND u.published_at IS NULL
            RETURNING \(unsafeSQL: columns)
            """).map(record)
    }

    /// The latest published `no_further_action` decision that follows a `suspect_interviewed`
    /// event (Right to Review), if any.
    static func reviewableDecision(_ db: any PostgresQueryable, caseID: UUID) async throws -> CaseUpdateRecord? {
        try await db.queryFirst("""
            SELECT \(unsafeSQL: columns) FROM case_updates u
            WHERE u.case_id = \(caseID) AND u.event = 'no_further_action' AND u.published_at IS NOT NULL
              AND EXISTS (SELECT 1 FROM case_updates i
                          WHERE i.case_id = u.case_id AND i.event = 'suspect_interviewed'
                            AND (i.occurred_at, i.created_at) <= (u.occurred_at, u.created_at) AND i.id <> u.id)
            ORDER BY u.published_at DESC LIMIT 1
            """).map(record)
    }
}
