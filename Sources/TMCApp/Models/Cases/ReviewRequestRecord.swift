import Foundation

/// A victim's request for a review of a no-further-action decision (Victims' Right to Review).
public struct ReviewRequestRecord: Sendable, Equatable {
    public var id: UUID
    public var caseID: UUID
    public var victimID: UUID
    public var decisionUpdateID: UUID
    public var reason: String
    public var acknowledgedAt: Date?
    public var decidedAt: Date?
    public var upheld: Bool?
    public var decisionMessage: String?
    public var createdAt: Date
}
