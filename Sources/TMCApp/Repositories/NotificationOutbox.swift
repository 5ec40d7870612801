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
        // The rules live in SQL: `notification_route` (migration 0009), which a larger statement
        // (a message post) joins to queue its notification in the same round trip, and
        // `enqueue_notification`, which applies it here.
        let row = try await db.queryFirst("""
            SELECT enqueue_notification(\(forceID), \(userID), \(caseID), \(kind.rawValue), \(subject), \(body),
                                        \(safeSubject), \(safeBody)) AS id
            """)
        guard let row else { return false }
        return try row.decode("id", as: UUID?.self) != nil
    }
}
