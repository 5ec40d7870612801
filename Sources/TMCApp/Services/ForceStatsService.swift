import Foundation
import TMCPostgres

/// A force's figures for its supervisors and admins: the report queue and cases by status,
/// how fast victims hear first, Victims' Code compliance and the officer time online
/// reporting saves.
public struct ForceStatsService: Sendable {
    let database: PostgresPool

    public init(database: PostgresPool) { self.database = database }

    /// `GET /v1/forces/{code}/stats`.
    public func stats(_ principal: Principal, forceCode: String, now: Date = Date()) async throws -> ForceStatsView {
        try ReportPolicy.requireStatsReader(principal, forceCode: forceCode)
        let forceID = try CasePolicy.force(of: principal)
        return try await database.withConnection { db in
            let counts = try await ForceStatsRepository.counts(db, forceID: forceID)
            let compliance = try await ClockRepository.counts(db, forceID: forceID, now: now)
            return Self.view(counts, compliance: compliance)
        }
    }

    static func view(_ c: ForceStatsCounts, compliance: ComplianceCounts) -> ForceStatsView {
        var reports = Dictionary(uniqueKeysWithValues: ReportStatus.allCases.map { ($0.rawValue, c.reportsByStatus[$0.rawValue] ?? 0) })
        reports["transferred"] = c.reportsTransferred
        let cases = Dictionary(uniqueKeysWithValues: CaseStatus.allCases.map { ($0.rawValue, c.casesByStatus[$0.rawValue] ?? 0) })
        let judged = compliance.onTime + compliance.late + compliance.overdue
        return ForceStatsView(
            reports: reports, cases: cases,
            medianHoursToFirstUpdate: c.medianHoursToFirstUpdate.map { round($0, places: 2) },
            complianceRate: judged == 0 ? nil : round(Double(compliance.onTime) / Double(judged), places: 4),
            minutesSavedPerReport: c.minutesSavedPerReport,
            officerHoursSaved: round(Double(c.reportsHandled * c.minutesSavedPerReport) / 60, places: 2))
    }

    private static func round(_ value: Double, places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }
}
