import Foundation
import TMCPostgres

extension NotificationOutbox {
    /// Queues the outcome of an online report for its reporter, in the triage transaction.
    ///
    /// A signed-in reporter is notified like any victim (their channel; nothing for `none`;
    /// the fixed text for `safe_contact`). An anonymous reporter has no account: the email
    /// address on the report receives it, and if that address happens to belong to an account
    /// that asked for safe contact, the fixed text is sent instead (the report itself is never
    /// linked to that account). Returns false when nothing was queued.
    @discardableResult
    static func enqueueReportOutcome(_ db: any PostgresQueryable, forceID: UUID, reportID: UUID, caseID: UUID?, reporterID: UUID?,
                                     email: String, subject: String, body: String) async throws -> Bool {
        if let reporterID {
            let row = try await db.queryFirst("""
                INSERT INTO notifications (force_id, user_id, case_id, report_id, kind, channel, recipient, subject, body)
                SELECT \(forceID), r.user_id, \(caseID), \(reportID), 'report_outcome', r.channel, r.recipient,
                       CASE WHEN r.safe_contact THEN \(safeSubject) ELSE \(subject) END,
                       CASE WHEN r.safe_contact THEN \(safeBody) ELSE \(body) END
                FROM notification_route(\(reporterID)) r
                RETURNING id
                """)
            return row != nil
        }
        let row = try await db.queryFirst("""
            INSERT INTO notifications (force_id, user_id, case_id, report_id, kind, channel, recipient, subject, body)
            SELECT \(forceID), NULL, \(caseID), \(reportID), 'report_outcome', 'email', \(email),
                   CASE WHEN coalesce(u.safe_contact, false) THEN \(safeSubject) ELSE \(subject) END,
                   CASE WHEN coalesce(u.safe_contact, false) THEN \(safeBody) ELSE \(body) END
            FROM (SELECT 1) AS one LEFT JOIN users u ON lower(u.email) = lower(\(email))
            RETURNING id
            """)
        return row != nil
    }
}
