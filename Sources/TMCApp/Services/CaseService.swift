import Foundation
import TMCPostgres

/// Cases: creation with their victims, lists, the single-case views, staff edits.
public struct CaseService: Sendable {
    let database: PostgresPool
    let audit: CaseAudit
    let victims: CaseVictimLinker
    /// Victims' case reads by bearer token, several to a statement under load (`BatchQueue`).
    /// They run in the system scope, before any principal exists: the statement's own WHERE
    /// clause is the victim rule, row by row (migration 0011).
    let victimReads: BatchQueue<VictimCaseRead, UUID, (credential: ResolvedCredential, victimCase: (CaseRecord, CaseVictimRecord)?)?>

    public init(database: PostgresPool, audit: AuditLog, invitations: InvitationService) {
        self.database = database
        self.audit = CaseAudit(log: audit)
        self.victims = CaseVictimLinker(invitations: invitations)
        victimReads = BatchQueue(maxBatch: Self.maxReadsPerStatement, maxRunning: Self.readStatementsRunning,
                                 retrySeparately: PostgresError.isRefusedStatement) { reads in
            try await DatabaseScope.runAsSystem {
                try await CredentialRepository.resolveTokensWithVictimCases(database, reads)
            }
        }
    }

    /// Most victims' case reads answered by one statement.
    static let maxReadsPerStatement = 64
    /// Most statements of victims' case reads running at once (each holds a pooled connection).
    /// Measured on two cores with 64 clients (bench/authenticated.sh): 3 gave the most reads
    /// (5,100 to 6,200/s against 4,600 to 5,900 with 2 and 4,800 to 5,000 with 4 or more).
    static let readStatementsRunning = 3

    /// `POST /v1/cases`: the case, its victims (linked or invited), their agreed-contact clock.
    public func create(_ principal: Principal, _ input: NewCaseInput, origin: RequestOrigin) async throws -> CreatedCaseView {
        try CasePolicy.require(principal, CasePolicy.recorders)
        return try await database.transaction { db in
            try await create(db, principal, input, origin: origin)
        }
    }

    /// As `create`, inside the caller's transaction: triage of an online report records the
    /// case together with the report's other changes.
    func create(_ db: any PostgresQueryable, _ principal: Principal, _ input: NewCaseInput, origin: RequestOrigin) async throws -> CreatedCaseView {
        try CasePolicy.require(principal, CasePolicy.recorders)
        let forceID = try CasePolicy.force(of: principal)
        // The officer in charge: as given, or the officer creating the case.
        var officerID = input.officerID
        if let given = officerID {
            guard try await CaseRepository.isActiveOfficer(db, userID: given, forceID: forceID) else {
                throw Problem.validation(field: "officer_id", "must be an active officer or supervisor of your force")
            }
        } else if principal.role == .officer {
            officerID = principal.userID
        }
        let resolved = try await victims.resolve(db, input.victims)
        let now = Date()
        let everyDays = input.victims.map { $0.updateEveryDays ?? ClockRule.defaultUpdateEveryDays }.min() ?? ClockRule.defaultUpdateEveryDays
        let nextUpdateDue = WorkingDayCalendar.deadline(calendarDays: everyDays, after: now)
        guard let caseID = try await CaseRepository.insert(db, NewCase(
            forceID: forceID, crimeReference: input.crimeReference, offenceCategory: input.offenceCategory,
            offenceDescription: input.offenceDescription, summary: input.summary, occurredAt: input.occurredAt,
            officerID: officerID, createdBy: principal.userID, nextUpdateDue: nextUpdateDue)) else {
            throw Problem.conflict("Your force already has a case with crime reference \(input.crimeReference).")
        }
        let invitations = try await victims.link(db, resolved, caseID: caseID, forceID: forceID,
                                                 crimeReference: input.crimeReference, createdBy: principal.userID)
        try await ClockRepository.start(db, NewClock(forceID: forceID, caseID: caseID, rule: .agreedContact,
                                                     startedAt: now, deadline: nextUpdateDue))
        try await audit.change(db, principal, caseID: caseID, forceID: forceID, action: "case.created", resourceType: "case",
                               resourceID: caseID, origin: origin, details: ["crime_reference": input.crimeReference])
        let view = try await staffView(db, caseID: caseID, forceID: forceID)
        return CreatedCaseView(case: view, invitations: invitations)
    }

    /// `GET /v1/cases`: a victim's own cases in every force, or the caller's force's cases.
    public func list(_ principal: Principal, status: CaseStatus?, updatedSince: Date?, cursor: KeysetCursor?, limit: Int) async throws -> Page<CaseSummaryView> {
        try CasePolicy.require(principal, CasePolicy.readers)
        let q = CaseListQuery(status: status, updatedSince: updatedSince, after: cursor, limit: limit)
        let rows: [CaseRecord]
        if principal.role == .victim {
            rows = try await CaseRepository.listForVictim(database, victimID: principal.userID, q)
        } else {
            rows = try await CaseRepository.listForForce(database, forceID: try CasePolicy.force(of: principal), q)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { KeysetCursor(at: $0.createdAt, id: $0.id).encoded } : nil
        return Page(items: items.map { CaseSummaryView($0, publicView: principal.role == .victim) }, nextCursor: next)
    }

    /// `GET /v1/cases/{id}`. A victim's read is one query; a staff read adds the victims, the
    /// open clocks and an audit entry.
    /// `GET /v1/cases/{id}` when the route was left to authenticate (see
    /// `AuthenticationMiddleware.deferredRoutes`): a victim's read is one round trip; every
    /// other caller continues as `get(_:caseID:origin:)` with the resolved principal.
    public func get(bearer: String, caseID: UUID?, origin: RequestOrigin, authentication: AuthenticationService) async throws -> CaseView {
        // Once the principal is known, the rest runs in its row-level security scope.
        func asPrincipal(_ principal: Principal) async throws -> CaseView {
            try await DatabaseScope.run(as: principal) { try await get(principal, caseID: caseID, origin: origin) }
        }
        guard let id = caseID else {
            guard let principal = try await authentication.authenticate(bearer: bearer) else { throw Problem.unauthenticated("The token is unknown, expired or revoked.") }
            return try await asPrincipal(principal)
        }
        guard AuthenticationService.isPlausible(bearer) else { throw Problem.unauthenticated("The token is unknown, expired or revoked.") }
        guard let found = try await victimReads.run(VictimCaseRead(bearer: bearer, caseID: id), key: nil) else {
            // Not a valid session token: an API key, or nothing valid at all.
            guard let principal = try await authentication.authenticate(bearer: bearer) else {
                throw Problem.unauthenticated("The token is unknown, expired or revoked.")
            }
            return try await asPrincipal(principal)
        }
        let principal = try await authentication.accept(found.credential)
        guard principal.role == .victim else { return try await asPrincipal(principal) }
        try CasePolicy.require(principal, CasePolicy.readers)
        guard let (record, me) = found.victimCase else { throw Problem.notFound("No such case.") }
        return CaseView(victim: record, me: me)
    }

    public func get(_ principal: Principal, caseID: UUID?, origin: RequestOrigin) async throws -> CaseView {
        try CasePolicy.require(principal, CasePolicy.readers)
        let id = try CasePolicy.caseID(caseID)
        if principal.role == .victim {
            guard let (record, me) = try await CaseRepository.findForVictim(database, id: id, victimID: principal.userID,
                                                                                    me: principal.user) else {
                throw Problem.notFound("No such case.")
            }
            return CaseView(victim: record, me: me)
        }
        let forceID = try CasePolicy.force(of: principal)
        return try await database.withConnection { db in
            let view = try await staffView(db, caseID: id, forceID: forceID)
            try await audit.read(db, principal, CaseAccess(caseID: id, forceID: forceID), what: "case", origin: origin)
            return view
        }
    }

    /// `PATCH /v1/cases/{id}` (officers and supervisors): officer in charge, summary, offence.
    public func patch(_ principal: Principal, caseID: UUID?, ifMatch: Int, _ patch: CasePatch, origin: RequestOrigin) async throws -> CaseView {
        try CasePolicy.require(principal, CasePolicy.staff, "Only officers and supervisors edit cases.")
        return try await database.transaction { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID, roles: CasePolicy.staff, lock: true)
            guard let current = access.record else { throw Problem.notFound("No such case.") }
            guard current.version == ifMatch else { throw Problem.preconditionFailed() }
            let officerID = patch.officerID.applied(to: current.officerID)
            if case .set(let id) = patch.officerID, id != current.officerID {
                guard try await CaseRepository.isActiveOfficer(db, userID: id, forceID: access.forceID) else {
                    throw Problem.validation(field: "officer_id", "must be an active officer or supervisor of your force")
                }
            }
            let summary = patch.summary ?? current.summary
            let category = patch.offenceCategory ?? current.offenceCategory
            let description = patch.offenceDescription.applied(to: current.offenceDescription)
            var changed: [String] = []
            if officerID != current.officerID { changed.append("officer_id") }
            if summary != current.summary { changed.append("summary") }
            if category != current.offenceCategory { changed.append("offence_category") }
            if description != current.offenceDescription { changed.append("offence_description") }
            if !changed.isEmpty {
                guard try await CaseRepository.update(db, id: access.caseID, expectedVersion: ifMatch, officerID: officerID, summary: summary,
                                                      offenceCategory: category, offenceDescription: description) != nil else {
                    throw Problem.preconditionFailed()
                }
                try await audit.change(db, principal, caseID: access.caseID, forceID: access.forceID, action: "case.updated",
                                       resourceType: "case", resourceID: access.caseID, origin: origin,
                                       details: ["changed": changed.joined(separator: ",")])
                // A live event for the force's staff (issue 5).
                try await EventPublisher.caseUpdated(db, caseID: access.caseID, forceID: access.forceID, victimIDs: [],
                                                     data: ["change": "case_edited", "fields": changed.joined(separator: ",")])
            }
            return try await staffView(db, caseID: access.caseID, forceID: access.forceID)
        }
    }

    /// The staff view of a case of the force: the case, every victim, the open clocks.
    func staffView(_ db: any PostgresQueryable, caseID: UUID, forceID: UUID) async throws -> CaseView {
        guard let record = try await CaseRepository.find(db, id: caseID, forceID: forceID) else {
            throw Problem.notFound("No such case.")
        }
        let victims = try await CaseRepository.victims(db, caseID: caseID)
        let clocks = try await ClockRepository.open(db, caseID: caseID).map { ClockView($0.0, state: $0.1) }
        return CaseView(staff: record, victims: victims, openClocks: clocks)
    }
}

extension CaseAccess {
    init(caseID: UUID, forceID: UUID) {
        self.init(caseID: caseID, forceID: forceID, victimID: nil, record: nil)
    }
}
