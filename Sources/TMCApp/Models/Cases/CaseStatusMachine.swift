/// The case status state machine (API.md, "Cases and the Victims' Code"), with no I/O:
///
///     recorded → under_investigation → with_cps → at_court → closed
///     with_cps → under_investigation      (the CPS asks for more)
///     any open status → closed            (needs an outcome)
///     closed → under_investigation        (reopening: supervisors only)
///
/// Staying in the same status is not a move and is refused like any other illegal one.
public enum CaseStatusMachine {
    public enum Verdict: Sendable, Equatable {
        case allowed
        /// A legal move that this role may not make (`403`).
        case forbiddenForRole
        /// Not a legal move at all (`409`).
        case illegal
    }

    /// Whether `role` may move a case from `from` to `to`.
    public static func verdict(from: CaseStatus, to: CaseStatus, role: Role) -> Verdict {
        guard isLegal(from: from, to: to) else { return .illegal }
        if from == .closed && role != .supervisor { return .forbiddenForRole }
        return .allowed
    }

    /// The moves of the diagram, whoever makes them.
    public static func isLegal(from: CaseStatus, to: CaseStatus) -> Bool {
        switch (from, to) {
        case (.recorded, .underInvestigation),
             (.underInvestigation, .withCPS),
             (.withCPS, .atCourt),
             (.withCPS, .underInvestigation),
             (.closed, .underInvestigation):
            return true
        case (_, .closed):
            return from.isOpen
        default:
            return false
        }
    }

    /// Closing a case needs an outcome in the same update.
    public static func requiresOutcome(_ to: CaseStatus) -> Bool { to == .closed }
}
