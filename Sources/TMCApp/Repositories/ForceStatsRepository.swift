import Foundation
import TMCPostgres

/// A force's figures as stored; `ForceStatsService` turns them into the statistics.
struct ForceStatsCounts: Sendable, Equatable {
    /// Reports in the force's queue by status.
    var reportsByStatus: [String: Int]
    /// Reports the force passed to another force.
    var reportsTransferred: Int
    /// Reports the force decided (any decision).
    var reportsHandled: Int
    var casesByStatus: [String: Int]
    /// Median hours from a case's creation to its first published update; nil without any.
    var medianHoursToFirstUpdate: Double?
    var minutesSavedPerReport: Int
}

/// SQL for `GET /v1/forces/{code}/stats`.
enum ForceStatsRepository {
    static func counts(_ db: any PostgresQueryable, forceID: UUID) async throws -> ForceStatsCounts {
        let row = try await db.queryFirst("""
            SELECT
                (SELECT coalesce(json_object_agg(status, n), '{}')::text
                 FROM (SELECT status, count(*) AS n FROM reports WHERE force_id = \(forceID) GROUP BY status) s) AS reports,
                (SELECT count(DISTINCT report_id) FROM report_triages
                 WHERE force_id = \(forceID) AND decision = 'transferred') AS transferred,
                (SELECT count(DISTINCT report_id) FROM report_triages WHERE force_id = \(forceID)) AS handled,
                (SELECT coalesce(json_object_agg(status, n), '{}')::text
                 FROM (SELECT status, count(*) AS n FROM cases WHERE force_id = \(forceID) GROUP BY status) s) AS cases,
                (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first.at - c.created_at) / 3600)
                 FROM cases c
                 CROSS JOIN LATERAL (SELECT min(u.published_at) AS at FROM case_updates u
                                     WHERE u.case_id = c.id AND u.published_at IS NOT NULL) first
                 WHERE c.force_id = \(forceID) AND first.at IS NOT NULL) AS median_hours,
                (SELECT minutes_saved_per_report FROM forces WHERE id = \(forceID)) AS minutes
            """)
        guard let row else { throw PostgresDecodingError(column: "reports", type: "force statistics", value: nil) }
        return ForceStatsCounts(
            reportsByStatus: try counts(row, "reports"), reportsTransferred: try row.decode("transferred"),
            reportsHandled: try row.decode("handled"), casesByStatus: try counts(row, "cases"),
            medianHoursToFirstUpdate: try row.decode("median_hours"), minutesSavedPerReport: try row.decode("minutes"))
    }

    private static func counts(_ row: PostgresRow, _ column: String) throws -> [String: Int] {
        let text = try row.decode(column, as: String.self)
        guard let counts = try? JSONDecoder().decode([String: Int].self, from: Data(text.utf8)) else {
            throw PostgresDecodingError(column: column, type: "counts", value: text)
        }
        return counts
    }
}
