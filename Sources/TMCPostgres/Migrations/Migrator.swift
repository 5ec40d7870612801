import Foundation

/// Applies `migrations/NNNN_name.sql` files in order, each in its own transaction, recorded with
/// a checksum; refuses an applied file that changed; an advisory lock serialises instances.
///
/// A file must not contain its own BEGIN/COMMIT: it runs inside the migrator's transaction,
/// together with its row in `schema_migrations`, so a failure leaves no trace.
public struct Migrator: Sendable {
    private let pool: PostgresPool
    private let migrations: [Migration]
    /// SHA-256 of each file, computed by PostgreSQL on first need and kept: `isCurrent()` serves
    /// readiness probes and should cost one small query.
    private let checksumCache = Locked<[Int: String]?>(nil)

    /// The session-level advisory lock key every instance takes while migrating ("tmc_migr").
    static let lockKey = 0x746D_635F_6D69_6772

    static let createTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version int PRIMARY KEY,
            name text NOT NULL,
            checksum text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    public init(pool: PostgresPool, migrations: [Migration]) {
        self.pool = pool
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Reads `NNNN_name.sql` files (4 or more digits) from a directory, sorted by version.
    /// Other files are ignored; two files with the same version are an error.
    public static func load(directory: URL) throws -> [Migration] {
        let urls = try FileManager.default.contentsOfDirectory(
            at: directory, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        var byVersion: [Int: (Migration, String)] = [:]
        for url in urls {
            let fileName = url.lastPathComponent
            guard let (version, name) = Migration.parseFileName(fileName),
                  (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            if let (_, other) = byVersion[version] {
                let pair = [other, fileName].sorted()
                throw MigrationError("duplicate migration version \(version): \(pair[0]) and \(pair[1])")
            }
            let data = try Data(contentsOf: url)
            guard let sql = String(data: data, encoding: .utf8) else {
                throw MigrationError("migration \(fileName) is not valid UTF-8")
            }
            byVersion[version] = (Migration(version: version, name: name, sql: sql), fileName)
        }
        return byVersion.values.map(\.0).sorted { $0.version < $1.version }
    }

    /// Applies what is pending; returns the versions applied now.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try checkUniqueVersions()
        return try await pool.withConnection { connection in
            // Session-level: held across the per-file transactions, released below (or by the
            // server if the connection dies). Other instances wait here, then find nothing to do.
            _ = try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))")
            do {
                let applied = try await migrateLocked(connection)
                _ = try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    private func migrateLocked(_ connection: PostgresConnection) async throws -> [Int] {
        _ = try await connection.simpleQuery(Self.createTable)
        let checksums = try await self.checksums(connection)
        let applied = try await appliedRows(connection) ?? [:]
        try verify(applied: applied, checksums: checksums)
        var appliedNow: [Int] = []
        for migration in migrations where applied[migration.version] == nil {
            let checksum = checksums[migration.version] ?? ""
            _ = try await connection.command("BEGIN")
            do {
                _ = try await connection.simpleQuery(migration.sql)
                try await connection.execute("""
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(checksum))
                    """)
                let tag = try await connection.command("COMMIT")
                if tag != "COMMIT" {
                    throw MigrationError("migration \(migration.fileName) did not commit (\(tag)); a file must not end the transaction itself")
                }
            } catch {
                _ = try? await connection.command("ROLLBACK")
                if let error = error as? MigrationError { throw error }
                throw MigrationError("migration \(migration.fileName) failed and was rolled back: \(error)")
            }
            appliedNow.append(migration.version)
        }
        return appliedNow
    }

    public func status() async throws -> [MigrationStatus] {
        let applied = try await pool.withConnection { try await appliedRows($0) } ?? [:]
        var statuses = migrations.map { migration in
            MigrationStatus(version: migration.version, name: migration.name, appliedAt: applied[migration.version]?.appliedAt)
        }
        // Versions the database has but no file does (migrate() refuses those).
        let known = Set(migrations.map(\.version))
        for (version, row) in applied where !known.contains(version) {
            statuses.append(MigrationStatus(version: version, name: row.name, appliedAt: row.appliedAt))
        }
        return statuses.sorted { $0.version < $1.version }
    }

    /// True when every known migration is applied and none changed. False (not an error) when
    /// `schema_migrations` does not exist yet.
    public func isCurrent() async throws -> Bool {
        guard Set(migrations.map(\.version)).count == migrations.count else { return false }
        return try await pool.withConnection { connection in
            guard let applied = try await appliedRows(connection) else { return false }
            let checksums = try await self.checksums(connection)
            return applied.count == migrations.count
                && migrations.allSatisfy { applied[$0.version]?.checksum == checksums[$0.version] }
        }
    }

    // MARK: Helpers

    private struct AppliedRow {
        var name: String
        var checksum: String
        var appliedAt: Date
    }

    /// The rows of `schema_migrations` by version, or nil when the table does not exist.
    private func appliedRows(_ connection: PostgresConnection) async throws -> [Int: AppliedRow]? {
        let result: PostgresResult
        do {
            result = try await connection.query("SELECT version, name, checksum, applied_at FROM schema_migrations")
        } catch let error as PostgresError where error.code == .undefinedTable {
            return nil
        }
        var rows: [Int: AppliedRow] = [:]
        for row in result {
            rows[try row.decode("version", as: Int.self)] = AppliedRow(
                name: try row.decode("name", as: String.self),
                checksum: try row.decode("checksum", as: String.self),
                appliedAt: try row.decode("applied_at", as: Date.self))
        }
        return rows
    }

    /// SHA-256 (hex) of every file's bytes, computed by PostgreSQL: no hand-written hashing.
    private func checksums(_ connection: PostgresConnection) async throws -> [Int: String] {
        if let cached = checksumCache.withLock({ $0 }) { return cached }
        let result = try await connection.query("""
            SELECT encode(sha256(convert_to(f.sql, 'UTF8')), 'hex') AS checksum, f.n
            FROM unnest(\(migrations.map(\.sql))::text[]) WITH ORDINALITY AS f(sql, n) ORDER BY f.n
            """)
        var checksums: [Int: String] = [:]
        for (migration, row) in zip(migrations, result.rows) {
            checksums[migration.version] = try row.decode("checksum", as: String.self)
        }
        checksumCache.withLock { $0 = checksums }
        return checksums
    }

    private func verify(applied: [Int: AppliedRow], checksums: [Int: String]) throws {
        let byVersion = Dictionary(migrations.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
        for (version, row) in applied.sorted(by: { $0.key < $1.key }) {
            guard let migration = byVersion[version] else {
                throw MigrationError("the database has migration \(version) (\(row.name)) applied, but no migration file has version \(version)")
            }
            if row.checksum != checksums[version] {
                throw MigrationError("migration \(migration.fileName) changed after it was applied "
                    + "(checksum \(row.checksum) in the database, \(checksums[version] ?? "?") now); add a new migration instead")
            }
        }
    }

    private func checkUniqueVersions() throws {
        var seen: [Int: String] = [:]
        for migration in migrations {
            if let other = seen[migration.version] {
                throw MigrationError("duplicate migration version \(migration.version): \(other) and \(migration.fileName)")
            }
            seen[migration.version] = migration.fileName
        }
    }
}
