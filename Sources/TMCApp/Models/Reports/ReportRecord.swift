import Foundation

/// An online report as stored.
public struct ReportRecord: Sendable, Equatable {
    public var id: UUID
    public var forceID: UUID
    public var forceCode: String
    public var submittedForceCode: String
    public var reference: String
    public var status: ReportStatus
    public var category: OffenceCategory
    public var description: String
    public var occurredFrom: Date
    public var occurredTo: Date?
    public var location: ReportLocation
    /// The signed-in reporter's account; nil for an anonymous report.
    public var reporterID: UUID?
    public var reporter: ReporterContact
    public var suspectDescription: String?
    public var witnesses: [ReportWitness]
    public var property: [ReportPropertyItem]
    public var caseID: UUID?
    public var queuedAt: Date
    public var createdAt: Date
    public var updatedAt: Date
    /// Every decision about it, oldest first.
    public var triages: [TriageRecord]
}

/// One triage decision.
public struct TriageRecord: Sendable, Equatable, Codable {
    public var decision: TriageDecision
    public var note: String
    /// The deciding force's code.
    public var force: String
    public var transferTo: String?
    public var caseId: UUID?
    public var decidedBy: UUID
    public var decidedAt: Date
}
