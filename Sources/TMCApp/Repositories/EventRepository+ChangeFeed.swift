import Foundation
import TMCPostgres

extension EventRepository {
    /// A force's change feed after `seq`, oldest first. Only sequenced rows are read, and a
    /// seq becomes visible only after every lower one has (see `sequencePending`), so polling
    /// with the last seq seen never skips or repeats an event. A victim's message is one event
    /// row (`message.created` on /v1/events), listed here as `message_from_victim`.
    public static func changes(_ db: any PostgresQueryable, forceID: UUID, after seq: Int64, limit: Int) async throws -> [SequencedEvent] {
        try await db.query("""
            SELECT seq, CASE WHEN type = 'message.created' THEN 'message_from_victim' ELSE type END AS type, force_id, case_id, report_id, resource_id, recipient_ids, staff_visible, data::text AS data, created_at
            FROM events
            WHERE force_id = \(forceID) AND in_change_feed AND seq IS NOT NULL AND seq > \(seq)
            ORDER BY seq LIMIT \(limit)
            """).rows.map(decode)
    }
}
