import Foundation

/// A notification leased to a force's delivery system, to send and then confirm with
/// `POST /v1/notifications/{id}/delivered`.
public struct NotificationView: Sendable, Encodable {
    public var id: String
    public var kind: String
    public var channel: String
    /// An email address or a phone number, as `channel` needs.
    public var recipient: String
    public var subject: String
    public var body: String
    public var userId: String?
    public var caseId: String?
    public var reportId: String?
    public var createdAt: Date
    /// Until then no other drainer receives it; unconfirmed by then, it is handed out again.
    public var leaseUntil: Date?

    public init(_ n: NotificationRecord) {
        id = n.id.lowercasedString
        kind = n.kind
        channel = n.channel
        recipient = n.recipient
        subject = n.subject
        body = n.body
        userId = n.userID?.lowercasedString
        caseId = n.caseID?.lowercasedString
        reportId = n.reportID?.lowercasedString
        createdAt = n.createdAt
        leaseUntil = n.leaseUntil
    }
}
