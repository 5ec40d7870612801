import Foundation

/// A case as stored, with its force's code and its officer's name joined in.
public struct CaseRecord: Sendable, Equatable {
    public var id: UUID
    public var forceID: UUID
    public var forceCode: String
    public var crimeReference: String
    public var offenceCategory: OffenceCategory
    public var offenceDescription: String?
    public var summary: String
    public var occurredAt: Date?
    public var officerID: UUID?
    public var officerName: String?
    public var status: CaseStatus
    public var outcome: String?
    /// Status and outcome as of the latest published update: what victims see.
    public var publicStatus: CaseStatus
    public var publicOutcome: String?
    public var nextUpdateDue: Date?
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
}

/// A victim named on a case, with their account's contact details.
public struct CaseVictimRecord: Sendable, Equatable {
    public var userID: UUID
    public var name: String
    public var email: String
    public var phone: String?
    /// `invited` until they activate their account.
    public var accountStatus: String
    public var enhanced: Bool
    public var updateEveryDays: Int
}
