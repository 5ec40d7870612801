import Foundation
import TMCPostgres

/// The Victims' Right to Review: a victim asks for a review of a no-further-action decision
/// made after the suspect was interviewed, within three months of being told; the force
/// acknowledges within 10 working days and decides within 30.
public struct ReviewService: Sendable {
    let database: PostgresPool
    let audit: CaseAudit
    /// How long after the decision was published a review may be asked for.
    static let window = DateComponents(month: 3)

    public init(database: PostgresPool, audit: AuditLog) {
        self.database = database
        self.audit = CaseAudit(log: audit)
    }

    /// `POST /v1/cases/{id}/review-request` (a victim of the case).
    public func request(_ principal: Principal, caseID: UUID?, reason: String, origin: RequestOrigin) async throws -> ReviewRequestView {
        try CasePolicy.require(principal, [.victim], "Only a victim of the case may ask for a review.")
        return try await database.transaction { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID, roles: [.victim])
            guard let decision = try await CaseUpdateRepository.reviewableDecision(db, caseID: access.caseID),
                  let published = decision.publishedAt else {
                throw Problem.conflict("A review can only be asked for after a published no-further-action decision made after the suspect was interviewed.")
            }
            let now = Date()
            guard now <= Self.windowEnd(after: published) else {
                throw Problem.conflict("A review must be asked for within 3 months of the decision; that time has passed.")
            }
            guard let request = try await ReviewRequestRepository.insert(db, caseID: access.caseID, forceID: access.forceID,
                                                                         victimID: principal.userID, decisionUpdateID: decision.id,
                                                                         reason: reason, at: now) else {
                throw Problem.conflict("You have already asked for a review of this decision.")
            }
            let calendar = try await BankHolidayRepository.calendar(db, from: LondonTime.date(of: now))
            for (rule, days) in [(ClockRule.reviewAcknowledge, ClockRule.reviewAcknowledgeWorkingDays),
                                 (.reviewDecide, ClockRule.reviewDecideWorkingDays)] {
                try await ClockRepository.start(db, NewClock(forceID: access.forceID, caseID: access.caseID, rule: rule,
                                                             reviewRequestID: request.id, startedAt: now,
                                                             deadline: calendar.deadline(workingDays: days, after: now)))
            }
            try await CaseRepository.touch(db, id: access.caseID)
            try await audit.change(db, principal, caseID: access.caseID, forceID: access.forceID, action: "case.review_request.created",
                                   resourceType: "case.review_request", resourceID: request.id, origin: origin)
            try await EventRepository.append(db, CaseChangeEvents.reviewRequested(request, forceID: access.forceID))
            return ReviewRequestView(request, clocks: try await ClockRepository.forReview(db, reviewRequestID: request.id))
        }
    }

    /// `GET /v1/cases/{id}/review-request`: a victim's own requests; staff see every one.
    public func list(_ principal: Principal, caseID: UUID?, origin: RequestOrigin) async throws -> ItemList<ReviewRequestView> {
        try await database.withConnection { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID)
            let rows = try await ReviewRequestRepository.list(db, caseID: access.caseID, victimID: access.victimID)
            try await audit.read(db, principal, access, what: "case.review_request", origin: origin)
            var items: [ReviewRequestView] = []
            for r in rows { items.append(ReviewRequestView(r, clocks: try await ClockRepository.forReview(db, reviewRequestID: r.id))) }
            return ItemList(items: items)
        }
    }

    /// `POST …/review-request/acknowledge` (officers and supervisors): acknowledges every
    /// request of the case still waiting; `409` when none is.
    public func acknowledge(_ principal: Principal, caseID: UUID?, origin: RequestOrigin) async throws -> ItemList<ReviewRequestView> {
        try CasePolicy.require(principal, CasePolicy.staff, "Only officers and supervisors acknowledge review requests.")
        return try await database.transaction { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID, roles: CasePolicy.staff, lock: true)
            let now = Date()
            let rows = try await ReviewRequestRepository.acknowledgePending(db, caseID: access.caseID, by: principal.userID, at: now)
            guard !rows.isEmpty else { throw Problem.conflict("No review request on this case is waiting to be acknowledged.") }
            return try await finish(db, principal, access, rows, rules: [.reviewAcknowledge], at: now, action: "acknowledged",
                                    message: "We have received your request for a review of the decision on your case. We will tell you the outcome.",
                                    origin: origin)
        }
    }

    /// `POST …/review-request/decide` (supervisors): decides every undecided request of the case.
    public func decide(_ principal: Principal, caseID: UUID?, upheld: Bool, message: String, origin: RequestOrigin) async throws -> ItemList<ReviewRequestView> {
        try CasePolicy.requireReviewDecider(principal)
        return try await database.transaction { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID, roles: [.supervisor], lock: true)
            let now = Date()
            let rows = try await ReviewRequestRepository.decidePending(db, caseID: access.caseID, by: principal.userID, upheld: upheld,
                                                                       message: message, at: now)
            guard !rows.isEmpty else { throw Problem.conflict("No review request on this case is waiting for a decision.") }
            return try await finish(db, principal, access, rows, rules: [.reviewAcknowledge, .reviewDecide], at: now, action: "decided",
                                    message: message, origin: origin)
        }
    }

    /// Meets the clocks, tells the requesting victims, audits.
    private func finish(_ db: any PostgresQueryable, _ principal: Principal, _ access: CaseAccess, _ rows: [ReviewRequestRecord],
                        rules: [ClockRule], at: Date, action: String, message: String, origin: RequestOrigin) async throws -> ItemList<ReviewRequestView> {
        var items: [ReviewRequestView] = []
        for r in rows {
            for rule in rules { try await ClockRepository.meetReviewClock(db, reviewRequestID: r.id, rule: rule, at: at) }
            try await NotificationOutbox.enqueue(db, forceID: access.forceID, userID: r.victimID, caseID: access.caseID, kind: .caseUpdate,
                                                 subject: "Your request for a review of case \(access.record?.crimeReference ?? "")",
                                                 body: message + "\n\nSign in to TrackMyCrime to see your case.")
            try await audit.change(db, principal, caseID: access.caseID, forceID: access.forceID, action: "case.review_request.\(action)",
                                   resourceType: "case.review_request", resourceID: r.id, origin: origin)
            items.append(ReviewRequestView(r, clocks: try await ClockRepository.forReview(db, reviewRequestID: r.id)))
        }
        try await CaseRepository.touch(db, id: access.caseID)
        return ItemList(items: items)
    }

    /// Three calendar months after the decision was published (in UTC; a month-end date clamps).
    static func windowEnd(after published: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(byAdding: window, to: published) ?? published.addingTimeInterval(92 * 86_400)
    }
}
