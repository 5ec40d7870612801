import Foundation

/// A victim named in `POST /v1/cases`.
public struct CaseVictimInput: Sendable, Equatable {
    public var email: String
    public var name: String
    public var phone: String?
    public var enhanced: Bool
    public var updateEveryDays: Int?

    public init(email: String, name: String, phone: String?, enhanced: Bool, updateEveryDays: Int?) {
        self.email = email
        self.name = name
        self.phone = phone
        self.enhanced = enhanced
        self.updateEveryDays = updateEveryDays
    }
}

/// The body of `POST /v1/cases`, checked for form by the route.
public struct NewCaseInput: Sendable, Equatable {
    public var crimeReference: String
    public var offenceCategory: OffenceCategory
    public var offenceDescription: String?
    public var summary: String
    public var occurredAt: Date?
    public var officerID: UUID?
    public var victims: [CaseVictimInput]

    public init(crimeReference: String, offenceCategory: OffenceCategory, offenceDescription: String?, summary: String,
                occurredAt: Date?, officerID: UUID?, victims: [CaseVictimInput]) {
        self.crimeReference = crimeReference
        self.offenceCategory = offenceCategory
        self.offenceDescription = offenceDescription
        self.summary = summary
        self.occurredAt = occurredAt
        self.officerID = officerID
        self.victims = victims
    }
}

/// One field of a JSON Merge Patch: absent (leave it), `null` (clear it) or a new value.
public enum FieldPatch<Value: Sendable & Equatable>: Sendable, Equatable {
    case unchanged
    case clear
    case set(Value)

    /// The value after the patch.
    public func applied(to current: Value?) -> Value? {
        switch self {
        case .unchanged: return current
        case .clear: return nil
        case .set(let v): return v
        }
    }
}

/// The body of `PATCH /v1/cases/{id}`.
public struct CasePatch: Sendable, Equatable {
    public var officerID: FieldPatch<UUID> = .unchanged
    public var summary: String?
    public var offenceCategory: OffenceCategory?
    public var offenceDescription: FieldPatch<String> = .unchanged

    public init() {}
}

/// The body of `POST /v1/cases/{id}/updates`.
public struct NewUpdateInput: Sendable, Equatable {
    public var event: CaseEvent
    public var message: String?
    public var status: CaseStatus?
    public var outcome: CaseOutcome?
    public var delayReason: DelayReason?
    public var delayReasonDetail: String?
    public var occurredAt: Date?
    public var internalNote: String?

    public init(event: CaseEvent, message: String? = nil, status: CaseStatus? = nil, outcome: CaseOutcome? = nil,
                delayReason: DelayReason? = nil, delayReasonDetail: String? = nil, occurredAt: Date? = nil, internalNote: String? = nil) {
        self.event = event
        self.message = message
        self.status = status
        self.outcome = outcome
        self.delayReason = delayReason
        self.delayReasonDetail = delayReasonDetail
        self.occurredAt = occurredAt
        self.internalNote = internalNote
    }
}
