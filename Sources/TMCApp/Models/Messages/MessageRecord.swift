import Foundation

/// A message as stored: one victim's thread on a case, sender as they were when it was sent.
public struct MessageRecord: Sendable, Equatable {
    public var id: UUID
    public var caseID: UUID
    public var forceID: UUID
    public var victimID: UUID
    /// Commit-ordered within the case; what `after` pages by.
    public var position: Int64
    public var senderID: UUID
    public var senderRole: Role
    public var senderName: String
    public var body: String
    public var createdAt: Date
}

/// What a caller asks to post.
public struct NewMessage: Sendable {
    public var body: String
    /// The thread, for staff; nil for a case with one victim (and always for victims).
    public var victimID: UUID?

    public init(body: String, victimID: UUID?) {
        self.body = body
        self.victimID = victimID
    }
}
