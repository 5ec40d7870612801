/// The Victims' Code duties that run a clock.
public enum ClockRule: String, Sendable, CaseIterable, Codable {
    /// Right 6: key decisions about the suspect.
    case right6 = "right_6"
    /// Rights 8 and 9: court hearings and outcomes.
    case right8And9 = "right_8_9"
    /// The contact frequency each victim agreed.
    case agreedContact = "agreed_contact"
    /// Right to Review: acknowledge the request.
    case reviewAcknowledge = "review_acknowledge"
    /// Right to Review: decide it.
    case reviewDecide = "review_decide"

    /// The working days allowed, for the rules counted in working days.
    public static let reviewAcknowledgeWorkingDays = 10
    public static let reviewDecideWorkingDays = 30

    /// Right 6 allows 5 working days, or 1 when any victim of the case has enhanced entitlement.
    public static func right6WorkingDays(enhanced: Bool) -> Int { enhanced ? 1 : 5 }
    public static let right8And9WorkingDays = 1
    /// Agreed contact when the victim agreed nothing else, in calendar days.
    public static let defaultUpdateEveryDays = 28
}
