import Foundation
import TMCPostgres

/// Online crime reports: submission (anonymous or by a signed-in victim), the force's queue,
/// a reporter's own reports.
public struct ReportService: Sendable {
    let database: PostgresPool
    let rateLimiter: RateLimiter
    let bucket: RateLimiter.Bucket

    public init(database: PostgresPool, rateLimiter: RateLimiter, reportsPerHour: Int) {
        self.database = database
        self.rateLimiter = rateLimiter
        self.bucket = RateLimiter.Bucket(name: "reports", limit: reportsPerHour)
    }

    /// True when `code` is a live force, which can receive reports.
    public func forceExists(_ code: String) async throws -> Bool {
        try await ForceRepository.find(database, code: code) != nil
    }

    /// `POST /v1/reports`. A signed-in victim reports under their account (their details
    /// are used); anyone else gives `reporter`. Limited per client address.
    public func submit(_ principal: Principal?, _ input: NewReportInput, origin: RequestOrigin) async throws -> ReportView {
        try ReportPolicy.requireMaySubmit(principal)
        let reporter: ReporterContact
        if let principal {
            guard input.reporter == nil else {
                throw Problem.validation(field: "reporter", "must be left out when you are signed in: your account's details are used")
            }
            guard let user = principal.user else { throw Problem.forbidden() }
            reporter = ReporterContact(name: user.name, email: user.email, phone: user.phone)
        } else {
            guard let given = input.reporter else {
                throw Problem.validation(field: "reporter", "is required unless you are signed in")
            }
            reporter = given
        }
        try await rateLimiter.hit(bucket, subject: origin.clientAddress)
        let id = UUID.random()
        return try await database.transaction { db in
            guard let force = try await ForceRepository.find(db, code: input.forceCode) else {
                throw Problem.validation(field: "force", "is not a police force that takes reports")
            }
            // Last in the transaction: the reference counter row stays locked until commit.
            let record = try await ReportRepository.insert(db, id: id, forceID: force.id, input, reporterID: principal?.userID,
                                                           reporter: reporter)
            try await EventRepository.append(db, ReportEvents.submitted(record, transferredFrom: nil))
            return ReportView(record, staff: false)
        }
    }

    /// `GET /v1/reports`: a victim's own signed-in reports, or the queue of the caller's force.
    public func list(_ principal: Principal, status: ReportStatus?, cursor: KeysetCursor?, limit: Int) async throws -> Page<ReportView> {
        try ReportPolicy.requireReader(principal)
        let rows: [ReportRecord]
        let staff = principal.role != .victim
        if staff {
            rows = try await ReportRepository.listForForce(database, forceID: try CasePolicy.force(of: principal), status: status,
                                                           after: cursor, limit: limit)
        } else {
            rows = try await ReportRepository.listForReporter(database, reporterID: principal.userID, status: status,
                                                              after: cursor, limit: limit)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { KeysetCursor(at: staff ? $0.queuedAt : $0.createdAt, id: $0.id).encoded } : nil
        return Page(items: items.map { ReportView($0, staff: staff) }, nextCursor: next)
    }

    /// `GET /v1/reports/{id}`: `404` for a report the caller may not see.
    public func get(_ principal: Principal, reportID: UUID?) async throws -> ReportView {
        try ReportPolicy.requireReader(principal)
        guard let reportID, let record = try await ReportRepository.find(database, id: reportID),
              ReportPolicy.maySee(principal, record) else {
            throw Problem.notFound("No such report.")
        }
        return ReportView(record, staff: principal.role != .victim)
    }
}
