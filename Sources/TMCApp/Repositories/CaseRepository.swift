import Foundation
import TMCPostgres

/// The fields of a new case.
struct NewCase: Sendable {
    var forceID: UUID
    var crimeReference: String
    var offenceCategory: OffenceCategory
    var offenceDescription: String?
    var summary: String
    var occurredAt: Date?
    var officerID: UUID?
    var createdBy: UUID
    var nextUpdateDue: Date?
}

/// Filters and position of a case list.
struct CaseListQuery: Sendable {
    var status: CaseStatus?
    var updatedSince: Date?
    var after: KeysetCursor?
    var limit: Int
}

/// SQL for cases and their victims. Lists are newest first, keyset on `(created_at, id)`,
/// which a new case can never disturb (it sorts before every page already read).
enum CaseRepository {
    static let columns = """
        c.id, c.force_id, f.code AS force_code, c.crime_reference, c.offence_category, c.offence_description,
        c.summary, c.occurred_at, c.officer_id, o.name AS officer_name, c.status, c.outcome, c.public_status,
        c.public_outcome, c.next_update_due, c.version, c.created_at, c.updated_at
        """
    static let from = "cases c JOIN forces f ON f.id = c.force_id LEFT JOIN users o ON o.id = c.officer_id"

    static func record(_ row: PostgresRow) throws -> CaseRecord {
        CaseRecord(
            id: try row.decode("id"), forceID: try row.decode("force_id"), forceCode: try row.decode("force_code"),
            crimeReference: try row.decode("crime_reference"),
            offenceCategory: try row.code("offence_category", as: OffenceCategory.self),
            offenceDescription: try row.decode("offence_description"), summary: try row.decode("summary"),
            occurredAt: try row.decode("occurred_at"), officerID: try row.decode("officer_id"),
            officerName: try row.decode("officer_name"), status: try row.code("status", as: CaseStatus.self),
            outcome: try row.decode("outcome"), publicStatus: try row.code("public_status", as: CaseStatus.self),
            publicOutcome: try row.decode("public_outcome"), nextUpdateDue: try row.decode("next_update_due"),
            version: try row.decode("version"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }

    static func victim(_ row: PostgresRow) throws -> CaseVictimRecord {
        CaseVictimRecord(
            userID: try row.decode("user_id"), name: try row.decode("victim_name"), email: try row.decode("victim_email"),
            phone: try row.decode("victim_phone"), accountStatus: try row.decode("victim_status"),
            enhanced: try row.decode("enhanced"), updateEveryDays: try row.decode("update_every_days"))
    }

    /// The caller's own victim entry: their account details (already known from the token)
    /// and the case's `enhanced` / `update_every_days` columns from `row`.
    static func victim(_ me: User, _ row: PostgresRow) throws -> CaseVictimRecord {
        CaseVictimRecord(userID: me.id, name: me.name, email: me.email, phone: me.phone,
                         accountStatus: me.status.rawValue, enhanced: try row.decode("enhanced"),
                         updateEveryDays: try row.decode("update_every_days"))
    }

    /// Inserts a case; nil when the force already has a case with this crime reference.
    static func insert(_ db: any PostgresQueryable, _ new: NewCase) async throws -> UUID? {
        let row = try await db.queryFirst("""
            INSERT INTO cases (force_id, crime_reference, offence_category, offence_description, summary, occurred_at,
                               officer_id, created_by, next_update_due)
            VALUES (\(new.forceID), \(new.crimeReference), \(new.offenceCategory.rawValue), \(new.offenceDescription),
                    \(new.summary), \(new.occurredAt), \(new.officerID), \(new.createdBy), \(new.nextUpdateDue))
            ON CONFLICT (force_id, crime_reference) DO NOTHING
            RETURNING id
            """)
        return try row?.decode("id", as: UUID.self)
    }

    static func addVictim(_ db: any PostgresQueryable, caseID: UUID, userID: UUID, enhanced: Bool, updateEveryDays: Int) async throws {
        try await db.execute("""
            INSERT INTO case_victims (case_id, user_id, enhanced, update_every_days)
            VALUES (\(caseID), \(userID), \(enhanced), \(updateEveryDays))
            """)
    }

    /// A case of the force (staff and integration keys); `forUpdate` locks the row.
    static func find(_ db: any PostgresQueryable, id: UUID, forceID: UUID, forUpdate: Bool = false) async throws -> CaseRecord? {
        let lock = forUpdate ? " FOR UPDATE OF c" : ""
        let row = try await db.queryFirst("""
            SELECT \(unsafeSQL: columns) FROM \(unsafeSQL: from) WHERE c.id = \(id) AND c.force_id = \(forceID)\(unsafeSQL: lock)
            """)
        return try row.map(record)
    }

    /// A case the victim is named on, with their own victim row: one statement, one round trip
    /// (the victim's case read is the hot path). `me` is the victim's account as authentication
    /// loaded it; without it the account is joined in.
    static func findForVictim(_ db: any PostgresQueryable, id: UUID, victimID: UUID, me: User? = nil) async throws -> (CaseRecord, CaseVictimRecord)? {
        if let me {
            let row = try await db.queryFirst("""
                SELECT \(unsafeSQL: columns), cv.enhanced, cv.update_every_days
                FROM \(unsafeSQL: from)
                JOIN case_victims cv ON cv.case_id = c.id AND cv.user_id = \(victimID)
                WHERE c.id = \(id)
                """)
            guard let row else { return nil }
            return (try record(row), try victim(me, row))
        }
        let row = try await db.queryFirst("""
            SELECT \(unsafeSQL: columns), cv.user_id, v.name AS victim_name, v.email AS victim_email,
                   v.phone AS victim_phone, v.status AS victim_status, cv.enhanced, cv.update_every_days
            FROM \(unsafeSQL: from)
            JOIN case_victims cv ON cv.case_id = c.id AND cv.user_id = \(victimID)
            JOIN users v ON v.id = cv.user_id
            WHERE c.id = \(id)
            """)
        guard let row else { return nil }
        return (try record(row), try victim(row))
    }

    /// True when the user is a victim on the case.
    static func isVictim(_ db: any PostgresQueryable, caseID: UUID, userID: UUID) async throws -> Bool {
        try await db.queryFirst("SELECT 1 FROM case_victims WHERE case_id = \(caseID) AND user_id = \(userID)") != nil
    }

    /// The force of a case the victim is named on (nil when they are not).
    static func forceOfVictimCase(_ db: any PostgresQueryable, caseID: UUID, userID: UUID) async throws -> UUID? {
        try await db.queryFirst("""
            SELECT c.force_id FROM cases c JOIN case_victims cv ON cv.case_id = c.id AND cv.user_id = \(userID)
            WHERE c.id = \(caseID)
            """)?.decode("force_id", as: UUID.self)
    }

    static func victims(_ db: any PostgresQueryable, caseID: UUID) async throws -> [CaseVictimRecord] {
        try await db.query("""
            SELECT cv.user_id, v.name AS victim_name, v.email AS victim_email, v.phone AS victim_phone,
                   v.status AS victim_status, cv.enhanced, cv.update_every_days
            FROM case_victims cv JOIN users v ON v.id = cv.user_id
            WHERE cv.case_id = \(caseID) ORDER BY cv.created_at, cv.user_id
            """).map(victim)
    }

    /// A page of the force's cases.
    static func listForForce(_ db: any PostgresQueryable, forceID: UUID, _ q: CaseListQuery) async throws -> [CaseRecord] {
        var b = QueryBuilder("SELECT \(columns) FROM \(from) WHERE c.force_id = ")
        b.bind(forceID)
        if let status = q.status { b.sql(" AND c.status = "); b.bind(status.rawValue) }
        return try await finishList(db, &b, q)
    }

    /// A page of the victim's cases, in every force.
    static func listForVictim(_ db: any PostgresQueryable, victimID: UUID, _ q: CaseListQuery) async throws -> [CaseRecord] {
        var b = QueryBuilder("SELECT \(columns) FROM \(from) JOIN case_victims cv ON cv.case_id = c.id WHERE cv.user_id = ")
        b.bind(victimID)
        if let status = q.status { b.sql(" AND c.public_status = "); b.bind(status.rawValue) }
        return try await finishList(db, &b, q)
    }

    private static func finishList(_ db: any PostgresQueryable, _ b: inout QueryBuilder, _ q: CaseListQuery) async throws -> [CaseRecord] {
        if let since = q.updatedSince { b.sql(" AND c.updated_at >= "); b.bind(since) }
        if let after = q.after {
            b.sql(" AND (c.created_at, c.id) < (")
            b.bind(after.at)
            b.sql("::timestamptz, ")
            b.bind(after.id)
            b.sql("::uuid)")
        }
        b.sql(" ORDER BY c.created_at DESC, c.id DESC LIMIT ")
        b.bind(q.limit + 1)
        return try await db.query(b.query).map(record)
    }

    /// Applies a staff edit when the version still matches; returns the new version, or nil
    /// when the case changed meanwhile.
    static func update(_ db: any PostgresQueryable, id: UUID, expectedVersion: Int, officerID: UUID?, summary: String,
                       offenceCategory: OffenceCategory, offenceDescription: String?) async throws -> Int? {
        let row = try await db.queryFirst("""
            UPDATE cases SET officer_id = \(officerID), summary = \(summary), offence_category = \(offenceCategory.rawValue),
                             offence_description = \(offenceDescription), version = version + 1, updated_at = now()
            WHERE id = \(id) AND version = \(expectedVersion)
            RETURNING version
            """)
        return try row?.decode("version", as: Int.self)
    }

    /// Records a timeline change on the case: new status and outcome (for staff), and bumps the
    /// version.
    static func applyUpdate(_ db: any PostgresQueryable, id: UUID, status: CaseStatus, outcome: String?) async throws {
        try await db.execute("""
            UPDATE cases SET status = \(status.rawValue), outcome = \(outcome), version = version + 1, updated_at = now()
            WHERE id = \(id)
            """)
    }

    /// After a publication: what victims see follows the latest published update that set a
    /// status (and outcome), and the agreed-contact deadline moves on.
    static func applyPublication(_ db: any PostgresQueryable, id: UUID, nextUpdateDue: Date?) async throws {
        try await db.execute("""
            UPDATE cases c SET
                public_status = coalesce((SELECT u.status_to FROM case_updates u
                                          WHERE u.case_id = c.id AND u.published_at IS NOT NULL AND u.status_to IS NOT NULL
                                          ORDER BY u.created_at DESC, u.id DESC LIMIT 1), 'recorded'),
                public_outcome = (SELECT u.outcome FROM case_updates u
                                  WHERE u.case_id = c.id AND u.published_at IS NOT NULL
                                    AND (u.outcome IS NOT NULL OR u.status_to IS NOT NULL)
                                  ORDER BY u.created_at DESC, u.id DESC LIMIT 1),
                next_update_due = \(nextUpdateDue), version = version + 1, updated_at = now()
            WHERE c.id = \(id)
            """)
    }

    /// Marks the case changed (a new item of property, a statement, a review request).
    static func touch(_ db: any PostgresQueryable, id: UUID) async throws {
        try await db.execute("UPDATE cases SET updated_at = now() WHERE id = \(id)")
    }
}

extension CaseRepository {
    /// True when `userID` is an active officer or supervisor of the force (who may be put in
    /// charge of its cases).
    static func isActiveOfficer(_ db: any PostgresQueryable, userID: UUID, forceID: UUID) async throws -> Bool {
        try await db.queryFirst("""
            SELECT 1 FROM users WHERE id = \(userID) AND force_id = \(forceID) AND role IN ('officer', 'supervisor')
              AND status = 'active'
            """) != nil
    }
}
