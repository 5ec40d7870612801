import Foundation

/// A Right to Review request and where it stands.
public struct ReviewRequestView: Sendable, Encodable {
    public enum State: String, Sendable, Encodable {
        case requested, acknowledged, decided
    }

    public var id: String
    public var caseId: String
    public var victimId: String
    /// The published no-further-action update under review.
    public var decisionUpdateId: String
    public var reason: String
    public var state: State
    public var createdAt: Date
    /// The deadlines: acknowledge within 10 working days, decide within 30.
    public var acknowledgeBy: Date?
    public var decideBy: Date?
    public var acknowledgedAt: Date?
    public var decidedAt: Date?
    /// True when the victim's request is upheld (the no-further-action decision is overturned).
    public var upheld: Bool?
    public var decisionMessage: String?

    public init(_ r: ReviewRequestRecord, clocks: [ClockRecord]) {
        id = r.id.uuidString.lowercased()
        caseId = r.caseID.uuidString.lowercased()
        victimId = r.victimID.uuidString.lowercased()
        decisionUpdateId = r.decisionUpdateID.uuidString.lowercased()
        reason = r.reason
        state = r.decidedAt != nil ? .decided : (r.acknowledgedAt != nil ? .acknowledged : .requested)
        createdAt = r.createdAt
        acknowledgeBy = clocks.first { $0.rule == .reviewAcknowledge }?.deadline
        decideBy = clocks.first { $0.rule == .reviewDecide }?.deadline
        acknowledgedAt = r.acknowledgedAt
        decidedAt = r.decidedAt
        upheld = r.upheld
        decisionMessage = r.decisionMessage
    }
}
