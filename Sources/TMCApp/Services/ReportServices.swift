import Foundation

/// The services of online reports, triage, force statistics, the change feed and the
/// notifications outbox (issue 6), built once per process.
public struct ReportServices: Sendable {
    public let reports: ReportService
    public let triage: TriageService
    public let stats: ForceStatsService
    public let changes: ChangeFeedService
    public let notifications: NotificationDrainService

    public init(_ deps: Dependencies, cases: CaseService, rateLimiter: RateLimiter, audit: AuditLog = AuditLog()) {
        let db = deps.database
        reports = ReportService(database: db, rateLimiter: rateLimiter, reportsPerHour: deps.configuration.rateLimitReportsPerHour)
        triage = TriageService(database: db, cases: cases, audit: audit)
        stats = ForceStatsService(database: db)
        changes = ChangeFeedService(database: db)
        notifications = NotificationDrainService(database: db)
    }

    /// The creating `POST` routes of this area, for `Idempotency-Key` (triage may create a case).
    public static let creatingRoutes: Set<String> = [
        "/v1/reports",
        "/v1/reports/{id}/triage",
    ]
}
