import Foundation
import TMCPostgres

/// SQL for draining the notifications outbox. A drainer leases the rows it takes for a while;
/// `FOR UPDATE SKIP LOCKED` lets concurrent drainers pass over rows another one is taking, and
/// the status check inside the UPDATE keeps a row from being leased twice.
enum NotificationRepository {
    /// Leases up to `limit` of the force's pending notifications (and those whose lease ran
    /// out), oldest first, until `now() + lease`.
    static func lease(_ db: any PostgresQueryable, forceID: UUID, limit: Int, lease: Duration) async throws -> [NotificationRecord] {
        try await db.query("""
            WITH todo AS (
                SELECT id FROM notifications
                WHERE force_id = \(forceID) AND status <> 'delivered'
                  AND (status = 'pending' OR lease_until < now())
                ORDER BY created_at, id
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            UPDATE notifications n SET status = 'leased', lease_until = now() + \(lease.seconds)::float8 * interval '1 second'
            FROM todo WHERE n.id = todo.id
            RETURNING n.id, n.kind, n.channel, n.recipient, n.subject, n.body, n.user_id, n.case_id, n.report_id, n.created_at,
                      n.lease_until
            """).map { row in
                NotificationRecord(id: try row.decode("id"), kind: try row.decode("kind"), channel: try row.decode("channel"),
                                   recipient: try row.decode("recipient"), subject: try row.decode("subject"),
                                   body: try row.decode("body"), userID: try row.decode("user_id"), caseID: try row.decode("case_id"),
                                   reportID: try row.decode("report_id"), createdAt: try row.decode("created_at"),
                                   leaseUntil: try row.decode("lease_until"))
            }
            .sorted { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) }
    }

    /// Marks the force's notification delivered (again: no change). False when the force has
    /// no such notification.
    static func markDelivered(_ db: any PostgresQueryable, id: UUID, forceID: UUID) async throws -> Bool {
        let row = try await db.queryFirst("""
            WITH d AS (
                UPDATE notifications SET status = 'delivered', delivered_at = now(), lease_until = NULL
                WHERE id = \(id) AND force_id = \(forceID) AND status <> 'delivered'
                RETURNING id)
            SELECT (SELECT count(*) FROM d) + (SELECT count(*) FROM notifications
                                               WHERE id = \(id) AND force_id = \(forceID) AND status = 'delivered') AS n
            """)
        return try (row?.decode("n", as: Int.self) ?? 0) > 0
    }
}
