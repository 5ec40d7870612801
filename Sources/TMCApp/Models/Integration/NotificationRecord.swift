import Foundation

/// A queued notification as a force's delivery system receives it.
public struct NotificationRecord: Sendable, Equatable {
    public var id: UUID
    public var kind: String
    public var channel: String
    public var recipient: String
    public var subject: String
    public var body: String
    public var userID: UUID?
    public var caseID: UUID?
    public var reportID: UUID?
    public var createdAt: Date
    public var leaseUntil: Date?
}
