import Foundation

/// The services of cases, timelines, statements, reviews, property and compliance, built once
/// per process.
public struct CaseServices: Sendable {
    public let cases: CaseService
    public let timeline: TimelineService
    public let statements: StatementService
    public let reviews: ReviewService
    public let property: PropertyService
    public let compliance: ComplianceService
    /// For the routes that resolve their own bearer credential (one round trip).
    public let authentication: AuthenticationService

    public init(_ deps: Dependencies, audit: AuditLog = AuditLog(), invitations: InvitationService = InvitationService()) {
        let db = deps.database
        cases = CaseService(database: db, audit: audit, invitations: invitations)
        timeline = TimelineService(database: db, audit: audit)
        statements = StatementService(database: db, audit: audit)
        reviews = ReviewService(database: db, audit: audit)
        property = PropertyService(database: db, audit: audit)
        compliance = ComplianceService(database: db)
        authentication = AuthenticationService(database: db)
    }

    /// The creating `POST` routes of this area, for `Idempotency-Key`.
    public static let creatingRoutes: Set<String> = [
        "/v1/cases",
        "/v1/cases/{id}/updates",
        "/v1/cases/{id}/statement",
        "/v1/cases/{id}/review-request",
        "/v1/cases/{id}/property",
    ]
}
