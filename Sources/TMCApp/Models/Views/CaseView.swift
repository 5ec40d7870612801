import Foundation

/// A case as its reader may see it. Staff (and integration keys) see everything of their
/// force's case, including every victim's contact details and the open Victims' Code clocks;
/// a victim sees the status and outcome victims have been told, and of the victims only
/// themselves.
public struct CaseView: Sendable, Encodable {
    public var id: String
    public var force: String
    public var crimeReference: String
    public var offenceCategory: OffenceCategory
    public var offenceDescription: String?
    public var summary: String
    public var occurredAt: Date?
    public var status: CaseStatus
    public var outcome: String?
    /// data.police.uk's plain-English wording of `outcome`.
    public var outcomeDescription: String?
    public var officer: OfficerView?
    public var victims: [CaseVictimView]
    public var nextUpdateDue: Date?
    /// Staff only.
    public var openClocks: [ClockView]?
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    /// The staff view.
    public init(staff c: CaseRecord, victims: [CaseVictimRecord], openClocks: [ClockView]) {
        self.init(c, status: c.status, outcome: c.outcome, victims: victims.map(CaseVictimView.init), openClocks: openClocks)
    }

    /// A victim's view: only what victims have been told, and only their own victim entry.
    public init(victim c: CaseRecord, me: CaseVictimRecord) {
        self.init(c, status: c.publicStatus, outcome: c.publicOutcome, victims: [CaseVictimView(me)], openClocks: nil)
    }

    private init(_ c: CaseRecord, status: CaseStatus, outcome: String?, victims: [CaseVictimView], openClocks: [ClockView]?) {
        id = c.id.uuidString.lowercased()
        force = c.forceCode
        crimeReference = c.crimeReference
        offenceCategory = c.offenceCategory
        offenceDescription = c.offenceDescription
        summary = c.summary
        occurredAt = c.occurredAt
        self.status = status
        self.outcome = outcome
        outcomeDescription = outcome.flatMap(CaseOutcome.init(rawValue:))?.name
        officer = c.officerID.map { OfficerView(id: $0.uuidString.lowercased(), name: c.officerName ?? "") }
        self.victims = victims
        nextUpdateDue = c.nextUpdateDue
        self.openClocks = openClocks
        version = c.version
        createdAt = c.createdAt
        updatedAt = c.updatedAt
    }

    /// The `ETag` of this version.
    public var etag: String { "\"\(version)\"" }
}

/// The officer in charge of a case.
public struct OfficerView: Sendable, Encodable {
    public var id: String
    public var name: String
}

/// A victim named on a case.
public struct CaseVictimView: Sendable, Encodable {
    public var id: String
    public var name: String
    public var email: String
    public var phone: String?
    /// `invited` until they activate their account, then `active`.
    public var accountStatus: String
    public var enhanced: Bool
    public var updateEveryDays: Int

    init(_ v: CaseVictimRecord) {
        id = v.userID.uuidString.lowercased()
        name = v.name
        email = v.email
        phone = v.phone
        accountStatus = v.accountStatus
        enhanced = v.enhanced
        updateEveryDays = v.updateEveryDays
    }
}

/// A case in a list: no victims, no clocks.
public struct CaseSummaryView: Sendable, Encodable {
    public var id: String
    public var force: String
    public var crimeReference: String
    public var offenceCategory: OffenceCategory
    public var summary: String
    public var status: CaseStatus
    public var outcome: String?
    public var officer: OfficerView?
    public var nextUpdateDue: Date?
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    /// `publicView` for victims: the status and outcome they have been told.
    public init(_ c: CaseRecord, publicView: Bool) {
        id = c.id.uuidString.lowercased()
        force = c.forceCode
        crimeReference = c.crimeReference
        offenceCategory = c.offenceCategory
        summary = c.summary
        status = publicView ? c.publicStatus : c.status
        outcome = publicView ? c.publicOutcome : c.outcome
        officer = c.officerID.map { OfficerView(id: $0.uuidString.lowercased(), name: c.officerName ?? "") }
        nextUpdateDue = c.nextUpdateDue
        version = c.version
        createdAt = c.createdAt
        updatedAt = c.updatedAt
    }
}

/// What `POST /v1/cases` answers: the case and the codes of the victims invited with it.
public struct CreatedCaseView: Sendable, Encodable {
    public var `case`: CaseView
    public var invitations: [InvitationView]
}

/// An invitation code for a victim who had no active account (shown once).
public struct InvitationView: Sendable, Encodable {
    public var email: String
    public var invitationCode: String
}
