import Foundation
import TMCPostgres

/// Triage of online reports by the officers and supervisors of the force holding them. A
/// report is decided once in each force: `crime_recorded` records the case (the reporter is
/// its victim, the property is copied, report and case are linked), `no_crime` closes it with
/// the reason the reporter sees, `transferred` moves it to another force's queue, where it is
/// decided afresh. Everything, the reporter's notification and the events included, happens
/// in one transaction.
public struct TriageService: Sendable {
    let database: PostgresPool
    let cases: CaseService
    let audit: AuditLog

    public init(database: PostgresPool, cases: CaseService, audit: AuditLog) {
        self.database = database
        self.cases = cases
        self.audit = audit
    }

    /// `POST /v1/reports/{id}/triage`.
    public func triage(_ principal: Principal, reportID: UUID?, _ input: TriageInput, origin: RequestOrigin) async throws -> TriageResultView {
        try ReportPolicy.requireTriager(principal)
        let forceID = try CasePolicy.force(of: principal)
        guard let reportID else { throw Problem.notFound("No such report.") }
        return try await database.transaction { db in
            guard let locked = try await ReportRepository.lock(db, id: reportID), locked.forceID == forceID,
                  let report = try await ReportRepository.find(db, id: reportID),
                  let force = try await ForceRepository.find(db, code: report.forceCode) else {
                throw Problem.notFound("No such report.")
            }
            guard locked.status == .submitted else {
                throw Problem.conflict("This report has already been triaged (\(locked.status.rawValue)).")
            }
            var created: CreatedCaseView?
            var crimeReference: String?
            var destination: Force?
            switch input.decision {
            case .crimeRecorded:
                let reference = input.crimeReference ?? report.reference
                guard reference.count <= 64 else {
                    throw Problem.validation(field: "crime_reference", "is required: the report's reference is too long to be one")
                }
                let made = try await recordCase(db, principal, report, crimeReference: reference, origin: origin)
                try await ReportRepository.recordTriage(db, reportID: reportID, forceID: forceID, decision: .crimeRecorded,
                                                        note: input.note, caseID: made.caseID, transferTo: nil, by: principal.userID)
                try await ReportRepository.close(db, id: reportID, status: .crimeRecorded, caseID: made.caseID)
                created = made.view
                crimeReference = reference
            case .noCrime:
                try await ReportRepository.recordTriage(db, reportID: reportID, forceID: forceID, decision: .noCrime, note: input.note,
                                                        caseID: nil, transferTo: nil, by: principal.userID)
                try await ReportRepository.close(db, id: reportID, status: .noCrime, caseID: nil)
            case .transferred:
                guard let code = input.transferTo, let to = try await ForceRepository.find(db, code: code) else {
                    throw Problem.validation(field: "transfer_to", "is not a police force that takes reports")
                }
                guard to.id != forceID else { throw Problem.validation(field: "transfer_to", "must be another force than yours") }
                try await ReportRepository.recordTriage(db, reportID: reportID, forceID: forceID, decision: .transferred,
                                                        note: input.note, caseID: nil, transferTo: to.id, by: principal.userID)
                try await ReportRepository.transfer(db, id: reportID, to: to.id)
                destination = to
            }
            guard let after = try await ReportRepository.find(db, id: reportID) else { throw Problem.notFound("No such report.") }
            let message = Self.outcomeMessage(after, decision: input.decision, note: input.note, force: force,
                                              crimeReference: crimeReference, destination: destination)
            try await NotificationOutbox.enqueueReportOutcome(db, forceID: forceID, reportID: reportID, caseID: after.caseID,
                                                             reporterID: after.reporterID, email: after.reporter.email,
                                                             subject: message.subject, body: message.body)
            try await EventRepository.append(db, ReportEvents.triaged(after, forceID: forceID, decision: input.decision, note: input.note,
                                                                      crimeReference: crimeReference, transferTo: destination?.code))
            try await EventRepository.append(db, ReportEvents.updated(after, forceID: forceID, toReporter: true))
            if let destination {
                try await EventRepository.append(db, ReportEvents.submitted(after, transferredFrom: force.code))
                try await EventRepository.append(db, ReportEvents.updated(after, forceID: destination.id, toReporter: false))
            }
            var details = ["decision": input.decision.rawValue, "reference": report.reference]
            if let destination { details["transfer_to"] = destination.code }
            try await audit.record(db, AuditEntry(actor: principal, action: "report.triaged", resourceType: "report",
                                                  resourceID: reportID.lowercasedString, forceID: forceID, caseID: after.caseID,
                                                  origin: origin, details: details))
            return TriageResultView(report: ReportView(after, staff: true), case: created?.case, invitations: created?.invitations ?? [])
        }
    }

    /// Records the case with the reporter as its victim: the signed-in reporter's account, or
    /// for an anonymous report the account with the reporter's email (created as an invited
    /// account when there is none), then copies the report's property to it.
    private func recordCase(_ db: any PostgresQueryable, _ principal: Principal, _ report: ReportRecord, crimeReference: String,
                            origin: RequestOrigin) async throws -> (caseID: UUID, view: CreatedCaseView) {
        var victim = CaseVictimInput(email: report.reporter.email, name: report.reporter.name, phone: report.reporter.phone,
                                     enhanced: false, updateEveryDays: nil)
        if let reporterID = report.reporterID, let account = try await UserRepository.find(db, id: reporterID) {
            victim = CaseVictimInput(email: account.email, name: account.name, phone: account.phone, enhanced: false, updateEveryDays: nil)
        }
        let input = NewCaseInput(crimeReference: crimeReference, offenceCategory: report.category, offenceDescription: nil,
                                 summary: report.description, occurredAt: report.occurredFrom, officerID: nil, victims: [victim])
        let created: CreatedCaseView
        do {
            created = try await cases.create(db, principal, input, origin: origin)
        } catch let problem as Problem where problem.status == 422 {
            // The case rules refused the reporter as a victim (a police or platform account's email).
            throw Problem.conflict("The reporter's email belongs to a police or platform account, which cannot be a victim; record the case with POST /v1/cases instead.")
        }
        guard let caseID = UUID(uuidString: created.case.id), let victimID = created.case.victims.first.flatMap({ UUID(uuidString: $0.id) }) else {
            throw Problem.internalError
        }
        for item in report.property {
            _ = try await PropertyRepository.insert(db, caseID: caseID, forceID: report.forceID, victimID: victimID, item.fields,
                                                    by: principal.userID, role: principal.role)
        }
        return (caseID, created)
    }

    /// What the reporter is told.
    static func outcomeMessage(_ r: ReportRecord, decision: TriageDecision, note: String, force: Force, crimeReference: String?,
                               destination: Force?) -> (subject: String, body: String) {
        switch decision {
        case .crimeRecorded:
            return ("Your report \(r.reference) has been recorded as a crime",
                    """
                    \(force.name) has recorded your online report \(r.reference) as a crime, with crime reference \
                    \(crimeReference ?? r.reference). \(note)
                    You can follow the case on TrackMyCrime.
                    """)
        case .noCrime:
            return ("Your report \(r.reference) has been reviewed",
                    "\(force.name) has reviewed your online report \(r.reference) and has not recorded it as a crime. The reason: \(note)")
        case .transferred:
            return ("Your report \(r.reference) has been passed to \(destination?.name ?? "another force")",
                    """
                    \(force.name) has passed your online report \(r.reference) to \(destination?.name ?? "another force"), \
                    which covers where it happened. \(note)
                    """)
        }
    }
}
