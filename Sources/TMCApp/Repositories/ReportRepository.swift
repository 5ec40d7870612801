import Foundation
import TMCPostgres

/// What triage needs to know about a report before deciding, read with the row locked.
struct LockedReport: Sendable {
    var forceID: UUID
    var status: ReportStatus
}

/// SQL for online reports and their triage decisions (migration 0008).
enum ReportRepository {
    static let columns = """
        r.id, r.force_id, f.code AS force_code, sf.code AS submitted_force_code, r.reference, r.status, r.category,
        r.description, r.occurred_from, r.occurred_to, r.location_description, r.postcode, r.latitude, r.longitude,
        r.reporter_id, r.reporter_name, r.reporter_email, r.reporter_phone, r.suspect_description,
        r.witnesses::text AS witnesses, r.property::text AS property, r.case_id, r.queued_at, r.created_at, r.updated_at,
        (SELECT coalesce(json_agg(json_build_object(
                    'decision', t.decision, 'note', t.note, 'force', tf.code, 'transfer_to', tt.code, 'case_id', t.case_id,
                    'decided_by', t.decided_by, 'decided_at', extract(epoch FROM t.decided_at)) ORDER BY t.decided_at, t.id), '[]')::text
         FROM report_triages t JOIN forces tf ON tf.id = t.force_id LEFT JOIN forces tt ON tt.id = t.transfer_to
         WHERE t.report_id = r.id) AS triages
        """
    static let from = "reports r JOIN forces f ON f.id = r.force_id JOIN forces sf ON sf.id = r.submitted_force_id"

    static func record(_ row: PostgresRow) throws -> ReportRecord {
        ReportRecord(
            id: try row.decode("id"), forceID: try row.decode("force_id"), forceCode: try row.decode("force_code"),
            submittedForceCode: try row.decode("submitted_force_code"), reference: try row.decode("reference"),
            status: try row.code("status", as: ReportStatus.self), category: try row.code("category", as: OffenceCategory.self),
            description: try row.decode("description"), occurredFrom: try row.decode("occurred_from"),
            occurredTo: try row.decode("occurred_to"),
            location: ReportLocation(description: try row.decode("location_description"), postcode: try row.decode("postcode"),
                                     latitude: try row.decode("latitude"), longitude: try row.decode("longitude")),
            reporterID: try row.decode("reporter_id"),
            reporter: ReporterContact(name: try row.decode("reporter_name"), email: try row.decode("reporter_email"),
                                      phone: try row.decode("reporter_phone")),
            suspectDescription: try row.decode("suspect_description"),
            witnesses: try decodeJSON([ReportWitness].self, row, "witnesses"),
            property: try decodeJSON([ReportPropertyItem].self, row, "property"),
            caseID: try row.decode("case_id"), queuedAt: try row.decode("queued_at"), createdAt: try row.decode("created_at"),
            updatedAt: try row.decode("updated_at"), triages: try decodeJSON([TriageRecord].self, row, "triages"))
    }

    private static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        d.dateDecodingStrategy = .secondsSince1970
        return d
    }()

    private static func decodeJSON<T: Decodable>(_ type: T.Type, _ row: PostgresRow, _ column: String) throws -> T {
        let text = try row.decode(column, as: String.self)
        do {
            return try decoder.decode(T.self, from: Data(text.utf8))
        } catch {
            throw PostgresDecodingError(column: column, type: String(describing: T.self), value: text)
        }
    }

    /// Stores a new report with the next reference of its force and year (Europe/London). The
    /// counter row stays locked until the caller's transaction ends, so run this late in it.
    static func insert(_ db: any PostgresQueryable, id: UUID, forceID: UUID, _ input: NewReportInput, reporterID: UUID?,
                       reporter: ReporterContact) async throws -> ReportRecord {
        let witnesses = String(decoding: JSON.encodeBytes(input.witnesses), as: UTF8.self)
        let property = String(decoding: JSON.encodeBytes(input.property), as: UTF8.self)
        let l = input.location
        let row = try await db.queryFirst("""
            WITH n AS (
                INSERT INTO report_reference_counters AS c (force_id, year, last)
                VALUES (\(forceID), extract(year FROM now() AT TIME ZONE 'Europe/London')::int, 1)
                ON CONFLICT (force_id, year) DO UPDATE SET last = c.last + 1
                RETURNING c.year, c.last),
            r AS (
                INSERT INTO reports (id, force_id, submitted_force_id, reference, category, description, occurred_from, occurred_to,
                                     location_description, postcode, latitude, longitude, reporter_id, reporter_name,
                                     reporter_email, reporter_phone, suspect_description, witnesses, property)
                SELECT \(id), f.id, f.id,
                       'OR-' || upper(f.code) || '-' || n.year || '-' || lpad(n.last::text, greatest(6, length(n.last::text)), '0'),
                       \(input.category.rawValue), \(input.description), \(input.occurredFrom), \(input.occurredTo),
                       \(l.description), \(l.postcode), \(l.latitude), \(l.longitude), \(reporterID), \(reporter.name),
                       \(reporter.email), \(reporter.phone), \(input.suspectDescription), \(witnesses)::jsonb, \(property)::jsonb
                FROM n, forces f WHERE f.id = \(forceID)
                RETURNING *)
            SELECT r.id, r.force_id, f.code AS force_code, f.code AS submitted_force_code, r.reference, r.status, r.category,
                   r.description, r.occurred_from, r.occurred_to, r.location_description, r.postcode, r.latitude, r.longitude,
                   r.reporter_id, r.reporter_name, r.reporter_email, r.reporter_phone, r.suspect_description,
                   r.witnesses::text AS witnesses, r.property::text AS property, r.case_id, r.queued_at, r.created_at,
                   r.updated_at, '[]' AS triages
            FROM r JOIN forces f ON f.id = r.force_id
            """)
        guard let row else { throw PostgresDecodingError(column: "id", type: "inserted report", value: nil) }
        return try record(row)
    }

    static func find(_ db: any PostgresQueryable, id: UUID) async throws -> ReportRecord? {
        try await db.queryFirst("SELECT \(unsafeSQL: columns) FROM \(unsafeSQL: from) WHERE r.id = \(id)").map(record)
    }

    /// Locks the report for a decision.
    static func lock(_ db: any PostgresQueryable, id: UUID) async throws -> LockedReport? {
        try await db.queryFirst("SELECT force_id, status FROM reports WHERE id = \(id) FOR UPDATE").map {
            LockedReport(forceID: try $0.decode("force_id"), status: try $0.code("status", as: ReportStatus.self))
        }
    }

    /// A page of a force's queue, oldest first (by when each report entered it).
    static func listForForce(_ db: any PostgresQueryable, forceID: UUID, status: ReportStatus?, after: KeysetCursor?,
                             limit: Int) async throws -> [ReportRecord] {
        var b = QueryBuilder("SELECT \(columns) FROM \(from) WHERE r.force_id = ")
        b.bind(forceID)
        return try await finishList(db, &b, status: status, key: "r.queued_at", after: after, limit: limit)
    }

    /// A page of a signed-in reporter's own reports, oldest first.
    static func listForReporter(_ db: any PostgresQueryable, reporterID: UUID, status: ReportStatus?, after: KeysetCursor?,
                                limit: Int) async throws -> [ReportRecord] {
        var b = QueryBuilder("SELECT \(columns) FROM \(from) WHERE r.reporter_id = ")
        b.bind(reporterID)
        return try await finishList(db, &b, status: status, key: "r.created_at", after: after, limit: limit)
    }

    private static func finishList(_ db: any PostgresQueryable, _ b: inout QueryBuilder, status: ReportStatus?, key: String,
                                   after: KeysetCursor?, limit: Int) async throws -> [ReportRecord] {
        if let status { b.sql(" AND r.status = "); b.bind(status.rawValue) }
        if let after {
            b.sql(" AND (\(key), r.id) > (")
            b.bind(after.at)
            b.sql("::timestamptz, ")
            b.bind(after.id)
            b.sql("::uuid)")
        }
        b.sql(" ORDER BY \(key), r.id LIMIT ")
        b.bind(limit + 1)
        return try await db.query(b.query).map(record)
    }

    static func recordTriage(_ db: any PostgresQueryable, reportID: UUID, forceID: UUID, decision: TriageDecision, note: String,
                             caseID: UUID?, transferTo: UUID?, by: UUID) async throws {
        try await db.execute("""
            INSERT INTO report_triages (report_id, force_id, decision, note, case_id, transfer_to, decided_by)
            VALUES (\(reportID), \(forceID), \(decision.rawValue), \(note), \(caseID), \(transferTo), \(by))
            """)
    }

    /// Ends the report with its final status (and the case recorded from it).
    static func close(_ db: any PostgresQueryable, id: UUID, status: ReportStatus, caseID: UUID?) async throws {
        try await db.execute("""
            UPDATE reports SET status = \(status.rawValue), case_id = \(caseID), updated_at = now() WHERE id = \(id)
            """)
    }

    /// Moves the report to the end of another force's queue, to be triaged there.
    static func transfer(_ db: any PostgresQueryable, id: UUID, to forceID: UUID) async throws {
        try await db.execute("""
            UPDATE reports SET force_id = \(forceID), status = 'submitted', queued_at = now(), updated_at = now() WHERE id = \(id)
            """)
    }
}
