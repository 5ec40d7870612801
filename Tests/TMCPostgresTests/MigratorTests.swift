import Foundation
import XCTest
@testable import TMCPostgres

final class MigratorTests: PostgresTestCase, @unchecked Sendable {
    private let createA = "CREATE TABLE a (id int PRIMARY KEY);\n"
    private var first: [Migration] {
        [Migration(version: 1, name: "create_a", sql: createA),
         Migration(version: 2, name: "create_b", sql: """
            CREATE TABLE b (id int PRIMARY KEY, a_id int NOT NULL REFERENCES a (id));
            INSERT INTO a VALUES (1); INSERT INTO b VALUES (1, 1);
            """)]
    }

    override func setUp() async throws {
        try await super.setUp()
        // Every test starts from an empty schema (the class shares one database).
        _ = try await makePool(size: 1).simpleQuery("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    }

    private func tableExists(_ pool: PostgresPool, _ name: String) async throws -> Bool {
        try await pool.queryFirst("SELECT to_regclass(\(name)) IS NOT NULL AS present")?.decode("present", as: Bool.self) ?? false
    }

    func testLoadReadsNumberedFilesInOrder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tmc-migrations-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ name: String, _ text: String) throws {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("0002_second.sql", "SELECT 2;")
        try write("0001_first_one.sql", "SELECT 1;")
        try write("10000_big.sql", "SELECT 3;")
        try write("README.md", "not a migration")
        try write("001_too_short.sql", "ignored")
        try write("0003_not_sql.txt", "ignored")
        try write("abcd_letters.sql", "ignored")
        let loaded = try Migrator.load(directory: directory)
        XCTAssertEqual(loaded.map(\.version), [1, 2, 10000])
        XCTAssertEqual(loaded.map(\.name), ["first_one", "second", "big"])
        XCTAssertEqual(loaded[0].sql, "SELECT 1;")
        XCTAssertEqual(loaded[0].fileName, "0001_first_one.sql")

        try write("00002_again.sql", "SELECT 2;")
        XCTAssertThrowsError(try Migrator.load(directory: directory)) { error in
            let message = (error as? MigrationError)?.message ?? ""
            XCTAssertTrue(message.contains("0002_second.sql") && message.contains("00002_again.sql"), message)
        }
    }

    func testAppliesInOrderOnceWithChecksums() async throws {
        let pool = makePool(size: 2)
        let migrator = Migrator(pool: pool, migrations: first.reversed())
        let isCurrentBefore = try await migrator.isCurrent()
        XCTAssertFalse(isCurrentBefore, "no table yet: not current, and no error")
        let pending = try await migrator.status()
        XCTAssertEqual(pending.map(\.version), [1, 2])
        XCTAssertEqual(pending.map(\.appliedAt), [nil, nil])

        let applied = try await migrator.migrate()
        XCTAssertEqual(applied, [1, 2])
        let rows = try await pool.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version").rows
        XCTAssertEqual(try rows.map { try $0.decode("name", as: String.self) }, ["create_a", "create_b"])
        // sha256sum of the file's bytes.
        XCTAssertEqual(try rows[0].decode("checksum", as: String.self),
                       "634b33d42b556b5b6f28f21aa19a9c5d89df49c73a1df3ce8ff5319146c7d0cc")
        let b = try await tableExists(pool, "b")
        XCTAssertTrue(b)

        let again = try await Migrator(pool: pool, migrations: first).migrate()
        XCTAssertEqual(again, [])
        let current = try await migrator.isCurrent()
        XCTAssertTrue(current)
        let status = try await migrator.status()
        XCTAssertTrue(status.allSatisfy { $0.appliedAt != nil })
    }

    func testChangedOrUnknownAppliedMigrationIsRefused() async throws {
        let pool = makePool(size: 2)
        try await Migrator(pool: pool, migrations: first).migrate()
        var changed = first
        changed[0].sql += "-- edited\n"
        changed.append(Migration(version: 3, name: "more", sql: "CREATE TABLE c (x int);"))
        let edited = Migrator(pool: pool, migrations: changed)
        let error = await capture { try await edited.migrate() }
        let message = try XCTUnwrap(error as? MigrationError, "\(String(describing: error))").message
        XCTAssertTrue(message.contains("0001_create_a.sql") && message.contains("changed"), message)
        let c = try await tableExists(pool, "c")
        XCTAssertFalse(c, "nothing applied after a refusal")
        let current = try await edited.isCurrent()
        XCTAssertFalse(current)

        let older = Migrator(pool: pool, migrations: [first[0]])
        let unknown = await capture { try await older.migrate() }
        let unknownMessage = (unknown as? MigrationError)?.message ?? ""
        XCTAssertTrue(unknownMessage.contains("migration 2 (create_b)"), unknownMessage)
        let olderStatus = try await older.status()
        XCTAssertEqual(olderStatus.map(\.version), [1, 2])
    }

    func testFailingMigrationRollsBackCompletely() async throws {
        let pool = makePool(size: 2)
        let broken = first + [Migration(version: 3, name: "broken", sql: """
            CREATE TABLE c (x int); INSERT INTO c VALUES (1);
            SELECT 1 / 0;
            """), Migration(version: 4, name: "after", sql: "CREATE TABLE d (x int);")]
        let migrator = Migrator(pool: pool, migrations: broken)
        let error = await capture { try await migrator.migrate() }
        let message = try XCTUnwrap(error as? MigrationError, "\(String(describing: error))").message
        XCTAssertTrue(message.contains("0003_broken.sql") && message.contains("division by zero"), message)
        let c = try await tableExists(pool, "c")
        let d = try await tableExists(pool, "d")
        XCTAssertFalse(c)
        XCTAssertFalse(d)
        let versions = try await pool.query("SELECT version FROM schema_migrations ORDER BY version").rows
            .map { try $0.decode("version", as: Int.self) }
        XCTAssertEqual(versions, [1, 2], "the earlier files stay applied, the failed one is not recorded")
        let status = try await migrator.status()
        XCTAssertEqual(status.map { $0.appliedAt == nil }, [false, false, true, true])
        // The lock was released: another run can proceed (and fails the same way).
        let retry = await capture { try await withTimeout(10) { try await migrator.migrate() } }
        XCTAssertTrue(retry is MigrationError)
    }

    func testConcurrentMigratorsApplyEachFileOnce() async throws {
        // The first file is slow so that both instances are surely migrating at the same time.
        let slow = [Migration(version: 1, name: "slow", sql: "SELECT pg_sleep(0.3); CREATE TABLE a (id int);"),
                    Migration(version: 2, name: "fill", sql: "CREATE TABLE b (id int); INSERT INTO a VALUES (1);")]
        let pools = [makePool(size: 1), makePool(size: 1)]
        let results = try await withTimeout(20) {
            try await withThrowingTaskGroup(of: [Int].self) { group in
                for pool in pools { group.addTask { try await Migrator(pool: pool, migrations: slow).migrate() } }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
        }
        XCTAssertEqual(results.sorted { $0.count < $1.count }, [[], [1, 2]])
        let count = try await pools[0].queryFirst("SELECT count(*) AS n FROM schema_migrations")
        XCTAssertEqual(try count?.decode("n", as: Int.self), 2)
        let rows = try await pools[0].queryFirst("SELECT count(*) AS n FROM a")
        XCTAssertEqual(try rows?.decode("n", as: Int.self), 1)
    }
}
