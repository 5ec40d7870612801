/// What a timeline update records; key events start a Victims' Code clock.
public enum CaseEvent: String, Sendable, CaseIterable, Codable {
    case generalUpdate = "general_update"
    case suspectArrested = "suspect_arrested"
    case suspectInterviewed = "suspect_interviewed"
    case suspectReleasedOnBail = "suspect_released_on_bail"
    case suspectReleasedUnderInvestigation = "suspect_released_under_investigation"
    case suspectCharged = "suspect_charged"
    case noFurtherAction = "no_further_action"
    case outOfCourtDisposal = "out_of_court_disposal"
    case courtHearingScheduled = "court_hearing_scheduled"
    case courtOutcome = "court_outcome"
    case caseClosed = "case_closed"

    /// The clock the event starts, if any. `general_update` and `case_closed` start none
    /// (every published update still meets the agreed-contact clock).
    public var clockRule: ClockRule? {
        switch self {
        case .suspectArrested, .suspectInterviewed, .suspectReleasedOnBail, .suspectReleasedUnderInvestigation,
             .suspectCharged, .noFurtherAction, .outOfCourtDisposal:
            return .right6
        case .courtHearingScheduled, .courtOutcome:
            return .right8And9
        case .generalUpdate, .caseClosed:
            return nil
        }
    }

    /// Working days allowed to tell the victims, for events that start a clock.
    public func workingDaysAllowed(enhanced: Bool) -> Int? {
        switch clockRule {
        case .right6?: return ClockRule.right6WorkingDays(enhanced: enhanced)
        case .right8And9?: return ClockRule.right8And9WorkingDays
        default: return nil
        }
    }
}
