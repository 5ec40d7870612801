import Foundation

/// An online report as its reader may see it: the reporter (signed in) and the staff and
/// integration keys of the force now holding it. Staff also see who decided what.
public struct ReportView: Sendable, Encodable {
    public var id: String
    public var reference: String
    /// The force whose queue holds it now.
    public var force: String
    public var status: ReportStatus
    public var category: OffenceCategory
    public var description: String
    public var occurredFrom: Date
    public var occurredTo: Date?
    public var location: ReportLocation
    /// True when it was reported without signing in.
    public var anonymous: Bool
    public var reporter: ReporterContact
    public var property: [ReportPropertyItem]
    public var suspectDescription: String?
    public var witnesses: [ReportWitness]
    public var notAnEmergency = true
    /// The case recorded from it (`crime_recorded`).
    public var caseId: String?
    /// The final decision (`crime_recorded` or `no_crime`) and its explanation.
    public var outcome: ReportOutcomeView?
    /// Moves between forces, oldest first.
    public var transfers: [ReportTransferView]
    /// Staff only: every decision, with who made it.
    public var triage: [TriageView]?
    public var createdAt: Date
    public var updatedAt: Date

    public init(_ r: ReportRecord, staff: Bool) {
        id = r.id.lowercasedString
        reference = r.reference
        force = r.forceCode
        status = r.status
        category = r.category
        description = r.description
        occurredFrom = r.occurredFrom
        occurredTo = r.occurredTo
        location = r.location
        anonymous = r.reporterID == nil
        reporter = r.reporter
        property = r.property
        suspectDescription = r.suspectDescription
        witnesses = r.witnesses
        caseId = r.caseID?.lowercasedString
        outcome = r.triages.last { $0.decision != .transferred }.map(ReportOutcomeView.init)
        transfers = r.triages.compactMap { t in
            guard t.decision == .transferred, let to = t.transferTo else { return nil }
            return ReportTransferView(from: t.force, to: to, note: t.note, at: t.decidedAt)
        }
        triage = staff ? r.triages.map(TriageView.init) : nil
        createdAt = r.createdAt
        updatedAt = r.updatedAt
    }
}

/// How a report ended.
public struct ReportOutcomeView: Sendable, Encodable {
    public var decision: TriageDecision
    public var note: String
    public var decidedAt: Date

    init(_ t: TriageRecord) {
        decision = t.decision
        note = t.note
        decidedAt = t.decidedAt
    }
}

/// A report handed from one force to another.
public struct ReportTransferView: Sendable, Encodable {
    public var from: String
    public var to: String
    public var note: String
    public var at: Date
}

/// One triage decision, for staff.
public struct TriageView: Sendable, Encodable {
    public var decision: TriageDecision
    public var note: String
    public var force: String
    public var transferTo: String?
    public var caseId: String?
    public var decidedBy: String
    public var decidedAt: Date

    init(_ t: TriageRecord) {
        decision = t.decision
        note = t.note
        force = t.force
        transferTo = t.transferTo
        caseId = t.caseId?.lowercasedString
        decidedBy = t.decidedBy.lowercasedString
        decidedAt = t.decidedAt
    }
}

/// What `POST /v1/reports/{id}/triage` answers: the report after the decision and, when a
/// crime was recorded, the case and the invitation code of a reporter who had no account.
public struct TriageResultView: Sendable, Encodable {
    public var report: ReportView
    public var `case`: CaseView?
    public var invitations: [InvitationView]
}
