import Foundation

/// One entry of a case's timeline as stored.
public struct CaseUpdateRecord: Sendable, Equatable {
    public var id: UUID
    public var caseID: UUID
    public var event: CaseEvent
    public var message: String?
    public var statusFrom: CaseStatus?
    public var statusTo: CaseStatus?
    public var outcome: String?
    public var delayReason: DelayReason?
    public var delayReasonDetail: String?
    public var occurredAt: Date
    public var internalNote: String?
    public var publishedAt: Date?
    public var publishedBy: UUID?
    public var createdBy: UUID
    public var createdByRole: String
    public var createdAt: Date

    public var isPublished: Bool { publishedAt != nil }
}
