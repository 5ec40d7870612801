import Foundation

/// A Victims' Code clock as staff see it on a case, or as an item of the compliance report.
public struct ClockView: Sendable, Encodable {
    public var rule: ClockRule
    public var updateId: String?
    public var reviewRequestId: String?
    /// When the clock started: the event's `occurred_at`, the request, or the last update.
    public var occurredAt: Date
    public var deadline: Date
    public var state: ClockState

    public init(_ c: ClockRecord, state: ClockState) {
        rule = c.rule
        updateId = c.updateID?.uuidString.lowercased()
        reviewRequestId = c.reviewRequestID?.uuidString.lowercased()
        occurredAt = c.startedAt
        deadline = c.deadline
        self.state = state
    }
}

/// `GET /v1/forces/{code}/compliance`.
public struct ComplianceReportView: Sendable, Encodable {
    public struct Item: Sendable, Encodable {
        public var caseId: String
        public var crimeReference: String
        public var rule: ClockRule
        public var updateId: String?
        public var reviewRequestId: String?
        public var occurredAt: Date
        public var deadline: Date
        public var state: ClockState
    }

    public var onTime: Int
    public var late: Int
    public var overdue: Int
    public var dueSoon: Int
    /// Open clocks ending by then are due soon (the end of the next working day).
    public var dueSoonBefore: Date
    public var items: [Item]
    public var nextCursor: String?

    enum CodingKeys: String, CodingKey { case onTime, late, overdue, dueSoon, dueSoonBefore, items, nextCursor }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(onTime, forKey: .onTime)
        try c.encode(late, forKey: .late)
        try c.encode(overdue, forKey: .overdue)
        try c.encode(dueSoon, forKey: .dueSoon)
        try c.encode(dueSoonBefore, forKey: .dueSoonBefore)
        try c.encode(items, forKey: .items)
        try c.encode(nextCursor, forKey: .nextCursor)
    }
}
