/// Where a case is in its life. The allowed moves are in `CaseStatusMachine`.
public enum CaseStatus: String, Sendable, CaseIterable, Codable {
    case recorded
    case underInvestigation = "under_investigation"
    case withCPS = "with_cps"
    case atCourt = "at_court"
    case closed

    public var isOpen: Bool { self != .closed }
}
