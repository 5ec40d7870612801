import Foundation
import TMCPostgres

/// A case's timeline: recording events (with status moves and Victims' Code clocks),
/// publishing them to victims, reading them.
public struct TimelineService: Sendable {
    let database: PostgresPool
    let audit: CaseAudit
    /// How far in the future `occurred_at` may be (clock skew between systems).
    static let futureTolerance: TimeInterval = 300

    public init(database: PostgresPool, audit: AuditLog) {
        self.database = database
        self.audit = CaseAudit(log: audit)
    }

    /// `GET /v1/cases/{id}/updates`: oldest first; victims see published updates only.
    public func list(_ principal: Principal, caseID: UUID?, cursor: KeysetCursor?, limit: Int, origin: RequestOrigin) async throws -> Page<CaseUpdateView> {
        try await database.withConnection { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID)
            let rows = try await CaseUpdateRepository.list(db, caseID: access.caseID, publishedOnly: access.isVictim, after: cursor, limit: limit)
            try await audit.read(db, principal, access, what: "case.updates", origin: origin)
            let items = Array(rows.prefix(limit))
            let next = rows.count > limit ? items.last.map { KeysetCursor(at: $0.createdAt, id: $0.id).encoded } : nil
            return Page(items: items.map { CaseUpdateView($0, staff: !access.isVictim) }, nextCursor: next)
        }
    }

    /// `POST /v1/cases/{id}/updates` (staff and integration keys).
    public func create(_ principal: Principal, caseID: UUID?, _ input: NewUpdateInput, origin: RequestOrigin) async throws -> CaseUpdateView {
        try CasePolicy.require(principal, CasePolicy.recorders, "Only staff and force systems record case events.")
        let now = Date()
        let occurredAt = input.occurredAt ?? now
        if occurredAt > now.addingTimeInterval(Self.futureTolerance) {
            throw Problem.validation(field: "occurred_at", "must not be in the future")
        }
        return try await database.transaction { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID, roles: CasePolicy.recorders, lock: true)
            guard let current = access.record else { throw Problem.notFound("No such case.") }
            let (status, outcome) = try Self.nextState(current, input, role: principal.role)
            let publishedAt: Date? = input.message == nil ? nil : now
            let update = try await CaseUpdateRepository.insert(db, NewCaseUpdate(
                caseID: access.caseID, forceID: access.forceID, event: input.event, message: input.message,
                statusFrom: input.status == nil ? nil : current.status, statusTo: input.status, outcome: input.outcome?.rawValue,
                delayReason: input.delayReason, delayReasonDetail: input.delayReasonDetail, occurredAt: occurredAt,
                internalNote: input.internalNote, createdBy: principal.userID, createdByRole: principal.role, publishedAt: publishedAt))
            try await CaseRepository.applyUpdate(db, id: access.caseID, status: status, outcome: outcome)
            var clockView: ClockView?
            if input.event.clockRule != nil {
                clockView = try await startClock(db, access: access, update: update, now: now)
            }
            if let publishedAt {
                try await CasePublication.didPublish(db, caseID: access.caseID, forceID: access.forceID, update: update, at: publishedAt)
            } else {
                // Not yet visible to victims: a live event for the force's staff only (issue 5).
                try await EventPublisher.caseUpdated(db, caseID: access.caseID, forceID: access.forceID, victimIDs: [],
                                                     data: ["change": "update_recorded", "update_id": update.id.lowercasedString],
                                                     resourceID: update.id.lowercasedString)
            }
            try await audit.change(db, principal, caseID: access.caseID, forceID: access.forceID, action: "case.update.created",
                                   resourceType: "case.update", resourceID: update.id, origin: origin,
                                   details: ["event": input.event.rawValue, "status": input.status?.rawValue ?? "",
                                             "published": publishedAt == nil ? "false" : "true"])
            return CaseUpdateView(update, staff: true, clock: clockView)
        }
    }

    /// `POST /v1/cases/{id}/updates/{update_id}/publish` (officers and supervisors).
    public func publish(_ principal: Principal, caseID: UUID?, updateID: UUID?, message: String, origin: RequestOrigin) async throws -> CaseUpdateView {
        try CasePolicy.require(principal, CasePolicy.staff, "Only officers and supervisors publish updates to victims.")
        return try await database.transaction { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID, roles: CasePolicy.staff, lock: true)
            guard let updateID, let existing = try await CaseUpdateRepository.find(db, caseID: access.caseID, id: updateID, forUpdate: true) else {
                throw Problem.notFound("No such update on this case.")
            }
            guard !existing.isPublished else { throw Problem.conflict("This update is already published.") }
            let now = Date()
            guard let update = try await CaseUpdateRepository.publish(db, id: existing.id, message: message, by: principal.userID, at: now) else {
                throw Problem.conflict("This update is already published.")
            }
            try await CasePublication.didPublish(db, caseID: access.caseID, forceID: access.forceID, update: update, at: now)
            try await audit.change(db, principal, caseID: access.caseID, forceID: access.forceID, action: "case.update.published",
                                   resourceType: "case.update", resourceID: update.id, origin: origin)
            let clock = try await ClockRepository.forUpdate(db, updateID: update.id)
            return CaseUpdateView(update, staff: true, clock: clock.map { ClockView($0, state: Self.metState($0)) })
        }
    }

    /// The status and outcome of the case after the update; `409` for an illegal move, `403`
    /// for a reopening by anyone but a supervisor.
    static func nextState(_ current: CaseRecord, _ input: NewUpdateInput, role: Role) throws -> (CaseStatus, String?) {
        guard let to = input.status else {
            return (current.status, input.outcome?.rawValue ?? current.outcome)
        }
        switch CaseStatusMachine.verdict(from: current.status, to: to, role: role) {
        case .illegal:
            throw Problem.conflict("A case cannot move from \(current.status.rawValue) to \(to.rawValue).")
        case .forbiddenForRole:
            throw Problem.forbidden("Only a supervisor may reopen a closed case.")
        case .allowed:
            break
        }
        if CaseStatusMachine.requiresOutcome(to) && input.outcome == nil {
            throw Problem.validation(field: "outcome", "is required when closing a case")
        }
        // Reopening clears the old outcome unless a new one is given.
        if current.status == .closed { return (to, input.outcome?.rawValue) }
        return (to, input.outcome?.rawValue ?? current.outcome)
    }

    /// Starts the Right 6 or Right 8/9 clock of a key event.
    private func startClock(_ db: any PostgresQueryable, access: CaseAccess, update: CaseUpdateRecord, now: Date) async throws -> ClockView? {
        let victims = try await CaseRepository.victims(db, caseID: access.caseID)
        guard let rule = update.event.clockRule,
              let days = update.event.workingDaysAllowed(enhanced: victims.contains { $0.enhanced }) else { return nil }
        let calendar = try await BankHolidayRepository.calendar(db, from: LondonTime.date(of: update.occurredAt))
        let deadline = calendar.deadline(workingDays: days, after: update.occurredAt)
        let clock = NewClock(forceID: access.forceID, caseID: access.caseID, rule: rule, updateID: update.id,
                             startedAt: update.occurredAt, deadline: deadline, metAt: update.publishedAt)
        try await ClockRepository.start(db, clock)
        let record = ClockRecord(id: UUID.random(), caseID: access.caseID, rule: rule, updateID: update.id, reviewRequestID: nil,
                                 startedAt: update.occurredAt, deadline: deadline, metAt: update.publishedAt)
        let state = ClockState.of(deadline: deadline, metAt: update.publishedAt, now: now,
                                  dueSoonHorizon: calendar.deadline(workingDays: 1, after: now))
        return ClockView(record, state: state)
    }

    private static func metState(_ c: ClockRecord) -> ClockState {
        guard let met = c.metAt else { return .open }
        return ClockState.isOnTime(metAt: met, deadline: c.deadline) ? .onTime : .late
    }
}
