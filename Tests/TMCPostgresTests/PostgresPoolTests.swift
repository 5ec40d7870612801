import Foundation
import XCTest
@testable import TMCPostgres

final class PostgresPoolTests: PostgresTestCase, @unchecked Sendable {
    /// Holds `count` connections of `pool` until `gate` opens.
    private func hold(_ count: Int, of pool: PostgresPool, until gate: Gate) async -> [Task<Int, any Error>] {
        let (held, signal) = AsyncStream<Void>.makeStream()
        let tasks = (0..<count).map { _ in
            Task {
                try await pool.withConnection { connection in
                    _ = try await connection.query("SELECT 1")
                    signal.yield()
                    await gate.wait()
                    return 0
                }
            }
        }
        var iterator = held.makeAsyncIterator()
        for _ in 0..<count { _ = await iterator.next() }
        return tasks
    }

    func testExhaustionTimesOutThenRecovers() async throws {
        let pool = makePool(size: 2, acquireTimeout: .milliseconds(300))
        let gate = Gate()
        let holders = await hold(2, of: pool, until: gate)
        XCTAssertEqual(pool.statistics, PostgresPoolStatistics(size: 2, inUse: 2, idle: 0, waiting: 0))

        let start = Date()
        let error = await capture { try await pool.query("SELECT 1") }
        let waited = Date().timeIntervalSince(start)
        XCTAssertTrue(error is PostgresPoolUnavailableError, "\(String(describing: error))")
        XCTAssertGreaterThan(waited, 0.25)
        XCTAssertLessThan(waited, 2)

        let waiter = Task { try await pool.queryFirst("SELECT 3 AS v")?.decode("v", as: Int.self) }
        let queued = await eventually(1) { pool.statistics.waiting == 1 }
        XCTAssertTrue(queued)
        XCTAssertEqual(pool.statistics, PostgresPoolStatistics(size: 2, inUse: 2, idle: 0, waiting: 1))
        await gate.open()
        let value = try await waiter.value
        XCTAssertEqual(value, 3)
        for holder in holders { _ = try await holder.value }
        XCTAssertEqual(pool.statistics, PostgresPoolStatistics(size: 2, inUse: 0, idle: 2, waiting: 0))
    }

    func testCancelledWaiterStopsWaiting() async throws {
        let pool = makePool(size: 1, acquireTimeout: .seconds(10))
        let gate = Gate()
        let holders = await hold(1, of: pool, until: gate)
        let waiter = Task { try await pool.query("SELECT 1") }
        let queued = await eventually(1) { pool.statistics.waiting == 1 }
        XCTAssertTrue(queued)
        let start = Date()
        waiter.cancel()
        let error = await capture { try await waiter.value }
        XCTAssertTrue(error is CancellationError, "\(String(describing: error))")
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
        XCTAssertEqual(pool.statistics.waiting, 0)
        await gate.open()
        for holder in holders { _ = try await holder.value }
        let row = try await pool.queryFirst("SELECT 1 AS one")
        XCTAssertEqual(try row?.decode("one", as: Int.self), 1)
    }

    func testConcurrentQueriesShareTheBoundedPool() async throws {
        let pool = makePool(size: 3)
        let sum = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<200 {
                group.addTask { try await pool.queryFirst("SELECT \(i)::int AS v")?.decode("v", as: Int.self) ?? -1 }
            }
            return try await group.reduce(0, +)
        }
        XCTAssertEqual(sum, (0..<200).reduce(0, +))
        let stats = pool.statistics
        XCTAssertLessThanOrEqual(stats.size, 3)
        XCTAssertEqual(stats.inUse, 0)
        XCTAssertEqual(stats.waiting, 0)
    }

    func testRecoversAfterAllBackendsAreTerminated() async throws {
        let pool = makePool(size: 3)
        let admin = try TestDatabase.adminPool()
        defer { Task { await admin.shutdown() } }
        // Three connections in use at once, so that three exist.
        let together = Barrier(count: 3)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await pool.withConnection { connection in
                        try await connection.execute("SELECT 1")
                        await together.arrive()
                    }
                }
            }
            try await group.waitForAll()
        }
        XCTAssertEqual(pool.statistics.idle, 3)
        let count = try await libraryBackendCount(admin)
        XCTAssertEqual(count, 3)
        let killed = try await terminateBackends(admin)
        XCTAssertEqual(killed, 3)
        let gone = try await eventually { try await libraryBackendCount(admin) == 0 }
        XCTAssertTrue(gone)
        // Idle connections that died are noticed before anything is sent: no query fails.
        for i in 0..<10 {
            let row = try await pool.queryFirst("SELECT \(i)::int AS v")
            XCTAssertEqual(try row?.decode("v", as: Int.self), i)
        }
        try await pool.transaction { connection in
            _ = try await connection.query("SELECT 1")
        }
        await admin.shutdown()
    }

    func testQueryRunningWhenBackendDiesReportsConnectionFailureThenPoolRecovers() async throws {
        let pool = makePool(size: 1)
        let admin = try TestDatabase.adminPool()
        let slow = Task { try await pool.query("SELECT pg_sleep(20)") }
        let running = try await eventually {
            try await admin.queryFirst("""
                SELECT count(*) AS n FROM pg_stat_activity
                WHERE datname = \(databaseName) AND state = 'active' AND query LIKE 'SELECT pg_sleep(20)%'
                """)?.decode("n", as: Int.self) == 1
        }
        XCTAssertTrue(running)
        try await terminateBackends(admin, matching: "SELECT pg_sleep(20)%")
        let error = try await withTimeout(5) { await capture { try await slow.value } }
        let pg = try XCTUnwrap(error as? PostgresError, "\(String(describing: error))")
        XCTAssertTrue(pg.isConnectionFailure, "\(pg)")
        XCTAssertEqual(pool.statistics.size, 0) // the broken connection was closed, not kept
        let row = try await pool.queryFirst("SELECT 7 AS v")
        XCTAssertEqual(try row?.decode("v", as: Int.self), 7)
        await admin.shutdown()
    }

    func testUnreachableDatabaseFailsFast() async throws {
        // Nothing listens on port 1 of the loopback: connecting is refused at once.
        let pool = makePool(size: 4, acquireTimeout: .seconds(10), url: "postgresql://postgres@127.0.0.1:1/postgres")
        let start = Date()
        let errors = await withTaskGroup(of: (any Error)?.self) { group in
            for _ in 0..<10 { group.addTask { await capture { try await pool.query("SELECT 1") } } }
            return await group.reduce(into: [(any Error)?]()) { $0.append($1) }
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 3)
        for error in errors {
            let unavailable = try XCTUnwrap(error as? PostgresPoolUnavailableError, "\(String(describing: error))")
            XCTAssertTrue(unavailable.reason.contains("cannot connect"), unavailable.reason)
        }
        XCTAssertEqual(pool.statistics, PostgresPoolStatistics(size: 0, inUse: 0, idle: 0, waiting: 0))
    }

    func testShutdownFailsLaterCalls() async throws {
        let pool = makePool(size: 2)
        _ = try await pool.query("SELECT 1")
        await pool.shutdown()
        let error = await capture { try await pool.query("SELECT 1") }
        XCTAssertTrue(error is PostgresPoolUnavailableError, "\(String(describing: error))")
        XCTAssertEqual(pool.statistics.size, 0)
    }

    func testWithConnectionRollsBackWhatTheClosureLeftOpen() async throws {
        let pool = makePool(size: 1)
        try await pool.execute("CREATE TABLE notes (body text)")
        let leaked = try await pool.withConnection { connection in
            _ = try await connection.simpleQuery("BEGIN")
            try await connection.execute("INSERT INTO notes VALUES (\("left open"))")
            return connection
        }
        let count = try await pool.queryFirst("SELECT count(*) AS n FROM notes")
        XCTAssertEqual(try count?.decode("n", as: Int.self), 0)
        XCTAssertEqual(pool.statistics.size, 1)
        let error = await capture { try await leaked.query("SELECT 1") }
        XCTAssertNotNil(error, "a lent connection must not work after its closure")
    }

    func testPreparedStatementCache() async throws {
        let pool = makePool(size: 1, cacheSize: 4)
        for _ in 0..<100 {
            let row = try await pool.queryFirst("SELECT \(41)::int + 1 AS v")
            XCTAssertEqual(try row?.decode("v", as: Int.self), 42)
        }
        // More distinct statements than the cache holds, several rounds.
        for round in 0..<3 {
            for k in 0..<12 {
                let row = try await pool.queryFirst("SELECT \(round)::int + \(unsafeSQL: String(k)) AS v")
                XCTAssertEqual(try row?.decode("v", as: Int.self), round + k)
            }
        }
        let prepared = try await pool.queryFirst("SELECT count(*) AS n FROM pg_prepared_statements")
        XCTAssertLessThanOrEqual(try XCTUnwrap(prepared).decode("n", as: Int.self), 4)
        // Statements dropped behind the cache's back are prepared again.
        _ = try await pool.simpleQuery("DISCARD ALL")
        let again = try await pool.queryFirst("SELECT \(41)::int + 1 AS v")
        XCTAssertEqual(try again?.decode("v", as: Int.self), 42)
        // And a result shape that changed under `SELECT *`.
        try await pool.execute("CREATE TABLE shapes (a int)")
        try await pool.execute("INSERT INTO shapes VALUES (1)")
        _ = try await pool.query("SELECT * FROM shapes")
        try await pool.execute("ALTER TABLE shapes ADD COLUMN b int DEFAULT 2")
        let reshaped = try await pool.queryFirst("SELECT * FROM shapes")
        XCTAssertEqual(try reshaped?.decode("b", as: Int.self), 2)
        // Times: DISCARD ALL also reset the session, the startup options keep UTC.
        let zone = try await pool.queryFirst("SHOW TimeZone")
        XCTAssertEqual(try zone?.decode("TimeZone", as: String.self), "UTC")
    }

    func testAffectedRowsAndSessionSettings() async throws {
        let pool = makePool(size: 1)
        try await pool.execute("CREATE TABLE counters (n int)")
        let inserted = try await pool.execute("INSERT INTO counters SELECT generate_series(1, 5)")
        XCTAssertEqual(inserted, 5)
        let updated = try await pool.execute("UPDATE counters SET n = n + 1 WHERE n > \(2)")
        XCTAssertEqual(updated, 3)
        let result = try await pool.query("SELECT n FROM counters ORDER BY n")
        XCTAssertEqual(result.rows.count, 5)
        XCTAssertEqual(try result.rows.map { try $0.decode("n", as: Int.self) }, [1, 2, 4, 5, 6])
        let settings = try await pool.queryFirst("""
            SELECT current_setting('application_name') AS app, current_setting('DateStyle') AS style,
                   current_setting('TimeZone') AS zone
            """)
        XCTAssertEqual(try settings?.decode("app", as: String.self), "trackmycrime")
        XCTAssertEqual(try settings?.decode("style", as: String.self), "ISO, MDY")
        XCTAssertEqual(try settings?.decode("zone", as: String.self), "UTC")
    }
}

final class PostgresPoolOutageTests: PostgresTestCase, @unchecked Sendable {
    /// The database refuses connections for a while (as during a restart), then comes back.
    func testOutageFailsFastAsUnavailableThenRecovers() async throws {
        let pool = makePool(size: 2, acquireTimeout: .seconds(10))
        let admin = try TestDatabase.adminPool()
        _ = try await pool.query("SELECT 1")
        try await admin.execute("ALTER DATABASE \(unsafeSQL: databaseName) ALLOW_CONNECTIONS false")
        try await terminateBackends(admin)
        let gone = try await eventually { try await libraryBackendCount(admin) == 0 }
        XCTAssertTrue(gone)

        let start = Date()
        for _ in 0..<3 {
            let error = await capture { try await pool.query("SELECT 1") }
            let unavailable = try XCTUnwrap(error as? PostgresPoolUnavailableError, "\(String(describing: error))")
            XCTAssertTrue(unavailable.reason.contains("cannot connect"), unavailable.reason)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 3, "fails fast, not after acquireTimeout")
        XCTAssertEqual(pool.statistics.inUse, 0)

        try await admin.execute("ALTER DATABASE \(unsafeSQL: databaseName) ALLOW_CONNECTIONS true")
        let row = try await pool.queryFirst("SELECT 5 AS v")
        XCTAssertEqual(try row?.decode("v", as: Int.self), 5)
        await admin.shutdown()
    }
}
