import Foundation

/// One Victims' Code duty on a case: started at `startedAt`, due by `deadline`, met when the
/// victim was told.
public struct ClockRecord: Sendable, Equatable {
    public var id: UUID
    public var caseID: UUID
    public var rule: ClockRule
    public var updateID: UUID?
    public var reviewRequestID: UUID?
    public var startedAt: Date
    public var deadline: Date
    public var metAt: Date?
}

/// A clock to start.
public struct NewClock: Sendable {
    public var forceID: UUID
    public var caseID: UUID
    public var rule: ClockRule
    public var updateID: UUID?
    public var reviewRequestID: UUID?
    public var startedAt: Date
    public var deadline: Date
    /// Set when the duty is met as the clock starts (an update published at once).
    public var metAt: Date?

    public init(forceID: UUID, caseID: UUID, rule: ClockRule, updateID: UUID? = nil, reviewRequestID: UUID? = nil,
                startedAt: Date, deadline: Date, metAt: Date? = nil) {
        self.forceID = forceID
        self.caseID = caseID
        self.rule = rule
        self.updateID = updateID
        self.reviewRequestID = reviewRequestID
        self.startedAt = startedAt
        self.deadline = deadline
        self.metAt = metAt
    }
}
