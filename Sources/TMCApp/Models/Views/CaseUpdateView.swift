import Foundation

/// A timeline entry. Victims see published entries only, without the internal note and the
/// bookkeeping; staff see everything, and the clock the entry started.
public struct CaseUpdateView: Sendable, Encodable {
    public struct DelayReasonView: Sendable, Encodable {
        public var code: DelayReason
        public var detail: String?
        /// Plain English for victims.
        public var explanation: String
    }

    public var id: String
    public var event: CaseEvent
    public var message: String?
    public var status: CaseStatus?
    public var outcome: String?
    public var outcomeDescription: String?
    public var delayReason: DelayReasonView?
    public var occurredAt: Date
    public var publishedAt: Date?
    // Staff only:
    public var published: Bool?
    public var previousStatus: CaseStatus?
    public var internalNote: String?
    public var createdByRole: String?
    public var createdAt: Date?
    public var clock: ClockView?

    public init(_ u: CaseUpdateRecord, staff: Bool, clock: ClockView? = nil) {
        id = u.id.uuidString.lowercased()
        event = u.event
        message = u.message
        status = u.statusTo
        outcome = u.outcome
        outcomeDescription = u.outcome.flatMap(CaseOutcome.init(rawValue:))?.name
        delayReason = u.delayReason.map { DelayReasonView(code: $0, detail: u.delayReasonDetail, explanation: $0.explanation) }
        occurredAt = u.occurredAt
        publishedAt = u.publishedAt
        if staff {
            published = u.isPublished
            previousStatus = u.statusFrom
            internalNote = u.internalNote
            createdByRole = u.createdByRole
            createdAt = u.createdAt
            self.clock = clock
        }
    }
}
