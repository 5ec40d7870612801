import Foundation
import TMCPostgres

/// Compliance figures for a force at one moment.
struct ComplianceCounts: Sendable, Equatable {
    var onTime: Int
    var late: Int
    var overdue: Int
    var dueSoon: Int
    /// The end of the next working day: open clocks due by then are "due soon".
    var dueSoonHorizon: Date
}

/// An open clock in the compliance list.
struct ComplianceItem: Sendable, Equatable {
    var clock: ClockRecord
    var crimeReference: String
}

/// SQL for Victims' Code clocks. Deadlines are stored when a clock starts; a clock is met when
/// the victim is told; counts and lists read two partial indexes (`case_clocks_open`,
/// `case_clocks_met`). "Met in time" is `met_at < deadline + 1 s` (a deadline is the last
/// second of its day), the rule `ClockState.isOnTime` applies in Swift.
enum ClockRepository {
    static let columns = "cl.id, cl.case_id, cl.rule, cl.update_id, cl.review_request_id, cl.started_at, cl.deadline, cl.met_at"

    static func record(_ row: PostgresRow) throws -> ClockRecord {
        ClockRecord(id: try row.decode("id"), caseID: try row.decode("case_id"), rule: try row.code("rule", as: ClockRule.self),
                    updateID: try row.decode("update_id"), reviewRequestID: try row.decode("review_request_id"),
                    startedAt: try row.decode("started_at"), deadline: try row.decode("deadline"), metAt: try row.decode("met_at"))
    }

    static func start(_ db: any PostgresQueryable, _ c: NewClock) async throws {
        try await db.execute("""
            INSERT INTO case_clocks (force_id, case_id, rule, update_id, review_request_id, started_at, deadline, met_at, on_time)
            VALUES (\(c.forceID), \(c.caseID), \(c.rule.rawValue), \(c.updateID), \(c.reviewRequestID), \(c.startedAt),
                    \(c.deadline), \(c.metAt), \(c.metAt.map { ClockState.isOnTime(metAt: $0, deadline: c.deadline) }))
            """)
    }

    /// Meets the clock an update started (on its publication).
    static func meetUpdateClock(_ db: any PostgresQueryable, updateID: UUID, at: Date) async throws {
        try await db.execute("""
            UPDATE case_clocks SET met_at = \(at), on_time = \(at)::timestamptz < deadline + interval '1 second'
            WHERE update_id = \(updateID) AND met_at IS NULL
            """)
    }

    /// Meets the case's open agreed-contact clock, if any.
    static func meetAgreedContact(_ db: any PostgresQueryable, caseID: UUID, at: Date) async throws {
        try await db.execute("""
            UPDATE case_clocks SET met_at = \(at), on_time = \(at)::timestamptz < deadline + interval '1 second'
            WHERE case_id = \(caseID) AND rule = 'agreed_contact' AND met_at IS NULL
            """)
    }

    /// Meets a review request's acknowledge or decide clock.
    static func meetReviewClock(_ db: any PostgresQueryable, reviewRequestID: UUID, rule: ClockRule, at: Date) async throws {
        try await db.execute("""
            UPDATE case_clocks SET met_at = \(at), on_time = \(at)::timestamptz < deadline + interval '1 second'
            WHERE review_request_id = \(reviewRequestID) AND rule = \(rule.rawValue) AND met_at IS NULL
            """)
    }

    /// The case's clocks still running, soonest deadline first, with their state now (the
    /// due-soon horizon from `working_day_deadline`, like the compliance report).
    static func open(_ db: any PostgresQueryable, caseID: UUID) async throws -> [(ClockRecord, ClockState)] {
        try await db.query("""
            SELECT \(unsafeSQL: columns),
                   CASE WHEN cl.deadline <= now() - interval '1 second' THEN 'overdue'
                        WHEN cl.deadline <= working_day_deadline(now(), 1) THEN 'due_soon'
                        ELSE 'open' END AS state
            FROM case_clocks cl WHERE cl.case_id = \(caseID) AND cl.met_at IS NULL
            ORDER BY cl.deadline, cl.id
            """).map { (try record($0), try $0.code("state", as: ClockState.self)) }
    }

    /// Every clock of a review request.
    static func forReview(_ db: any PostgresQueryable, reviewRequestID: UUID) async throws -> [ClockRecord] {
        try await db.query("""
            SELECT \(unsafeSQL: columns) FROM case_clocks cl WHERE cl.review_request_id = \(reviewRequestID) ORDER BY cl.rule
            """).map(record)
    }

    /// On-time, late, overdue and due-soon counts for the force, as of `now`. Four index
    /// scans in one statement; the due-soon horizon is computed by `working_day_deadline`.
    static func counts(_ db: any PostgresQueryable, forceID: UUID, now: Date) async throws -> ComplianceCounts {
        let row = try await db.queryFirst("""
            WITH h AS (SELECT working_day_deadline(\(now)::timestamptz, 1) AS horizon,
                              \(now)::timestamptz - interval '1 second' AS overdue_before)
            SELECT
                (SELECT count(*) FROM case_clocks WHERE force_id = \(forceID) AND met_at IS NOT NULL AND on_time) AS on_time,
                (SELECT count(*) FROM case_clocks WHERE force_id = \(forceID) AND met_at IS NOT NULL AND NOT on_time) AS late,
                (SELECT count(*) FROM case_clocks, h WHERE force_id = \(forceID) AND met_at IS NULL
                                                   AND deadline <= h.overdue_before) AS overdue,
                (SELECT count(*) FROM case_clocks, h WHERE force_id = \(forceID) AND met_at IS NULL
                                                   AND deadline > h.overdue_before AND deadline <= h.horizon) AS due_soon,
                h.horizon
            FROM h
            """)
        guard let row else { throw PostgresDecodingError(column: "on_time", type: "compliance counts", value: nil) }
        return ComplianceCounts(onTime: try row.decode("on_time"), late: try row.decode("late"), overdue: try row.decode("overdue"),
                                dueSoon: try row.decode("due_soon"), dueSoonHorizon: try row.decode("horizon"))
    }

    /// Open clocks due by `horizon` (overdue first), keyset on `(deadline, id)`.
    static func dueItems(_ db: any PostgresQueryable, forceID: UUID, horizon: Date, after: KeysetCursor?, limit: Int) async throws -> [ComplianceItem] {
        var b = QueryBuilder("SELECT \(columns), c.crime_reference FROM case_clocks cl JOIN cases c ON c.id = cl.case_id WHERE cl.force_id = ")
        b.bind(forceID)
        b.sql(" AND cl.met_at IS NULL AND cl.deadline <= ")
        b.bind(horizon)
        if let after {
            b.sql(" AND (cl.deadline, cl.id) > (")
            b.bind(after.at)
            b.sql("::timestamptz, ")
            b.bind(after.id)
            b.sql("::uuid)")
        }
        b.sql(" ORDER BY cl.deadline, cl.id LIMIT ")
        b.bind(limit + 1)
        return try await db.query(b.query).map { ComplianceItem(clock: try record($0), crimeReference: try $0.decode("crime_reference")) }
    }
}

extension ClockRepository {
    /// The clock an update started, if any.
    static func forUpdate(_ db: any PostgresQueryable, updateID: UUID) async throws -> ClockRecord? {
        try await db.queryFirst("SELECT \(unsafeSQL: columns) FROM case_clocks cl WHERE cl.update_id = \(updateID)").map(record)
    }
}
