import Foundation
import TMCPostgres

/// SQL for property items and their versions. Every write stores the new version in
/// `property_item_versions` too, so the history is complete, current version included.
enum PropertyRepository {
    static let columns = """
        p.id, p.case_id, p.victim_id, p.kind, p.category, p.description, p.make, p.model, p.serial_number, p.colour,
        p.estimated_value_pence, p.status, p.version, p.created_at, p.updated_at
        """

    static func record(_ row: PostgresRow) throws -> PropertyItemRecord {
        PropertyItemRecord(
            id: try row.decode("id"), caseID: try row.decode("case_id"), victimID: try row.decode("victim_id"),
            kind: try row.code("kind", as: PropertyKind.self), category: try row.code("category", as: PropertyCategory.self),
            description: try row.decode("description"), make: try row.decode("make"), model: try row.decode("model"),
            serialNumber: try row.decode("serial_number"), colour: try row.decode("colour"),
            estimatedValuePence: try row.decode("estimated_value_pence"), status: try row.code("status", as: PropertyStatus.self),
            version: try row.decode("version"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"),
            changedByRole: nil)
    }

    static func insert(_ db: any PostgresQueryable, caseID: UUID, forceID: UUID, victimID: UUID, _ f: PropertyFields,
                       by: UUID, role: Role) async throws -> PropertyItemRecord {
        let row = try await db.queryFirst("""
            INSERT INTO property_items AS p (case_id, force_id, victim_id, kind, category, description, make, model, serial_number,
                                             colour, estimated_value_pence, status, created_by)
            VALUES (\(caseID), \(forceID), \(victimID), \(f.kind.rawValue), \(f.category.rawValue), \(f.description), \(f.make),
                    \(f.model), \(f.serialNumber), \(f.colour), \(f.estimatedValuePence), \(f.status.rawValue), \(by))
            RETURNING \(unsafeSQL: columns)
            """)
        guard let row else { throw PostgresDecodingError(column: "id", type: "inserted property item", value: nil) }
        let item = try record(row)
        try await storeVersion(db, itemID: item.id, by: by, role: role)
        return item
    }

    /// Replaces the fields when the version still matches; nil when it changed meanwhile.
    static func update(_ db: any PostgresQueryable, id: UUID, expectedVersion: Int, _ f: PropertyFields,
                       by: UUID, role: Role) async throws -> PropertyItemRecord? {
        let row = try await db.queryFirst("""
            UPDATE property_items p SET kind = \(f.kind.rawValue), category = \(f.category.rawValue), description = \(f.description),
                make = \(f.make), model = \(f.model), serial_number = \(f.serialNumber), colour = \(f.colour),
                estimated_value_pence = \(f.estimatedValuePence), status = \(f.status.rawValue), version = p.version + 1,
                updated_at = now()
            WHERE p.id = \(id) AND p.version = \(expectedVersion)
            RETURNING \(unsafeSQL: columns)
            """)
        guard let row else { return nil }
        let item = try record(row)
        try await storeVersion(db, itemID: item.id, by: by, role: role)
        return item
    }

    private static func storeVersion(_ db: any PostgresQueryable, itemID: UUID, by: UUID, role: Role) async throws {
        try await db.execute("""
            INSERT INTO property_item_versions (item_id, version, kind, category, description, make, model, serial_number, colour,
                                                estimated_value_pence, status, changed_by, changed_by_role, changed_at)
            SELECT id, version, kind, category, description, make, model, serial_number, colour, estimated_value_pence, status,
                   \(by), \(role.rawValue), updated_at
            FROM property_items WHERE id = \(itemID)
            """)
    }

    static func find(_ db: any PostgresQueryable, caseID: UUID, id: UUID) async throws -> PropertyItemRecord? {
        try await db.queryFirst("""
            SELECT \(unsafeSQL: columns) FROM property_items p WHERE p.case_id = \(caseID) AND p.id = \(id)
            """).map(record)
    }

    /// A page of the case's items, oldest first; one victim's only when `victimID` is given.
    static func list(_ db: any PostgresQueryable, caseID: UUID, victimID: UUID?, after: KeysetCursor?, limit: Int) async throws -> [PropertyItemRecord] {
        var b = QueryBuilder("SELECT \(columns) FROM property_items p WHERE p.case_id = ")
        b.bind(caseID)
        if let victimID { b.sql(" AND p.victim_id = "); b.bind(victimID) }
        if let after {
            b.sql(" AND (p.created_at, p.id) > (")
            b.bind(after.at)
            b.sql("::timestamptz, ")
            b.bind(after.id)
            b.sql("::uuid)")
        }
        b.sql(" ORDER BY p.created_at, p.id LIMIT ")
        b.bind(limit + 1)
        return try await db.query(b.query).map(record)
    }

    /// Every stored version, oldest first.
    static func versions(_ db: any PostgresQueryable, itemID: UUID) async throws -> [PropertyItemRecord] {
        try await db.query("""
            SELECT p.id, p.case_id, p.victim_id, v.kind, v.category, v.description, v.make, v.model, v.serial_number, v.colour,
                   v.estimated_value_pence, v.status, v.version, p.created_at, v.changed_at AS updated_at, v.changed_by_role
            FROM property_item_versions v JOIN property_items p ON p.id = v.item_id
            WHERE v.item_id = \(itemID) ORDER BY v.version
            """).map { row in
                var item = try record(row)
                item.changedByRole = try row.decode("changed_by_role")
                return item
            }
    }
}
