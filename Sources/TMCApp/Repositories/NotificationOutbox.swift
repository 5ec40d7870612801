import Foundation
import TMCPostgres

/// What a notification is about.
public enum NotificationKind: String, Sendable, CaseIterable {
    case invitation
    case caseUpdate = "case_update"
    case message
    case reportOutcome = "report_outcome"
}

/// The outbox of notifications to victims, written in the same transaction as the change it
/// reports and drained by the force's delivery system (issue 6).
///
/// The recipient's preferences are read in the same statement: `channel` picks email or
/// text message (email when an SMS victim has no phone number), `none` queues nothing (they
/// see it when they sign in), and `safe_contact` replaces subject and body with a fixed text
/// that names no case, crime or police force detail and carries no link.
public enum NotificationOutbox {
    public static let safeSubject = "TrackMyCrime"
    public static let safeBody = "You have a new update on TrackMyCrime."

    /// Queues one notification; returns false when the recipient asked for none.
    @discardableResult
    public static func enqueue(_ db: any PostgresQueryable, forceID: UUID, userID: UUID, caseID: UUID?,
                               kind: NotificationKind, subject: String, body: String) async throws -> Bool {
        let row = try await db.queryFirst("""
            INSERT INTO notifications (force_id, user_id, case_id, kind, channel, recipient, subject, body)
            SELECT \(forceID), u.id, \(caseID), \(kind.rawValue), ch.channel,
                   CASE ch.channel WHEN 'sms' THEN u.phone ELSE u.email END,
                   CASE WHEN u.safe_contact THEN \(safeSubject) ELSE \(subject) END,
                   CASE WHEN u.safe_contact THEN \(safeBody) ELSE \(body) END
            FROM users u
            CROSS JOIN LATERAL (SELECT CASE WHEN u.contact_channel = 'sms' AND coalesce(u.phone, '') = '' THEN 'email'
                                            ELSE u.contact_channel END AS channel) ch
            WHERE u.id = \(userID) AND ch.channel <> 'none'
            RETURNING id
            """)
        return row != nil
    }
}
