import Foundation
import TMCPostgres

/// SQL for `forces`.
enum ForceRepository {
    static let columns = "id, code, name, minutes_saved_per_report, created_at, updated_at"

    static func force(_ row: PostgresRow) throws -> Force {
        Force(id: try row.decode("id", as: UUID.self), code: try row.decode("code", as: String.self),
              name: try row.decode("name", as: String.self),
              minutesSavedPerReport: try row.decode("minutes_saved_per_report", as: Int.self),
              createdAt: try row.decode("created_at", as: Date.self), updatedAt: try row.decode("updated_at", as: Date.self))
    }

    /// Throws `PostgresError.uniqueViolation` when the code is taken.
    static func insert(_ db: any PostgresQueryable, code: String, name: String) async throws -> Force {
        let row = try await db.queryFirst("""
            INSERT INTO forces (code, name) VALUES (\(code), \(name)) RETURNING \(unsafeSQL: columns)
            """)
        guard let row else { throw PostgresDecodingError(column: "id", type: "inserted force", value: nil) }
        return try force(row)
    }

    static func find(_ db: any PostgresQueryable, code: String) async throws -> Force? {
        try await db.queryFirst("SELECT \(unsafeSQL: columns) FROM forces WHERE code = \(code) AND active").map(force)
    }

    static func listActive(_ db: any PostgresQueryable) async throws -> [Force] {
        try await db.query("SELECT \(unsafeSQL: columns) FROM forces WHERE active ORDER BY code").rows.map(force)
    }

    /// Applies the given settings (nil leaves a setting as it is).
    static func update(_ db: any PostgresQueryable, id: UUID, name: String?, minutesSavedPerReport: Int?) async throws -> Force? {
        try await db.queryFirst("""
            UPDATE forces SET name = coalesce(\(name), name),
                              minutes_saved_per_report = coalesce(\(minutesSavedPerReport)::int, minutes_saved_per_report),
                              updated_at = now()
            WHERE id = \(id)
            RETURNING \(unsafeSQL: columns)
            """).map(force)
    }
}
