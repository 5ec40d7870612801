import XCTest
@testable import TMCPostgres

/// Server errors keep their SQLSTATE and every field libpq gives.
final class PostgresErrorTests: PostgresTestCase, @unchecked Sendable {
    /// What a batch may run again call by call: only statements the server refused.
    func testOnlyARefusedStatementIsSafeToRunAgain() {
        XCTAssertTrue(PostgresError.isRefusedStatement(PostgresError(code: .uniqueViolation, message: "dup")))
        XCTAssertTrue(PostgresError.isRefusedStatement(PostgresError(code: .deadlockDetected, message: "deadlock")))
        XCTAssertFalse(PostgresError.isRefusedStatement(PostgresError(code: .connectionFailure, message: "gone")))
        XCTAssertFalse(PostgresError.isRefusedStatement(PostgresError(code: .adminShutdown, message: "shutdown")))
        XCTAssertFalse(PostgresError.isRefusedStatement(BatchQueueError(expected: 2, got: 1)))
    }

    func testUniqueViolation() async throws {
        let pool = makePool(size: 1)
        try await pool.execute("CREATE TABLE users (id int PRIMARY KEY, email text CONSTRAINT users_email_key UNIQUE)")
        try await pool.execute("INSERT INTO users VALUES (1, \("a@example.org"))")
        let error = await capture { try await pool.execute("INSERT INTO users VALUES (2, \("a@example.org"))") }
        let pg = try XCTUnwrap(error as? PostgresError, "\(String(describing: error))")
        XCTAssertEqual(pg.code, .uniqueViolation)
        XCTAssertTrue(pg.isIntegrityViolation)
        XCTAssertEqual(pg.constraint, "users_email_key")
        XCTAssertEqual(pg.table, "users")
        XCTAssertTrue(pg.detail?.contains("already exists") ?? false, String(describing: pg.detail))
        XCTAssertFalse(pg.isConnectionFailure)
    }

    func testCheckAndNotNullViolation() async throws {
        let pool = makePool(size: 1)
        try await pool.execute("CREATE TABLE items (qty int NOT NULL CONSTRAINT qty_positive CHECK (qty > 0))")
        let check = await capture { try await pool.execute("INSERT INTO items VALUES (\(-1))") } as? PostgresError
        XCTAssertEqual(check?.code, .checkViolation)
        XCTAssertEqual(check?.constraint, "qty_positive")
        let missing: Int? = nil
        let notNull = await capture { try await pool.execute("INSERT INTO items VALUES (\(missing))") } as? PostgresError
        XCTAssertEqual(notNull?.code, .notNullViolation)
        XCTAssertEqual(notNull?.column, "qty")
    }

    func testSyntaxErrorAndBadInput() async throws {
        let pool = makePool(size: 1)
        let syntax = await capture { try await pool.query("SELEKT 1") } as? PostgresError
        XCTAssertEqual(syntax?.code.raw, "42601")
        XCTAssertTrue(syntax?.message.contains("syntax error") ?? false)
        let input = await capture { try await pool.query("SELECT \("abc")::int") } as? PostgresError
        XCTAssertEqual(input?.code, .invalidTextRepresentation)
        let raised = await capture {
            try await pool.simpleQuery("DO $$ BEGIN RAISE EXCEPTION 'nope' USING DETAIL = 'why', HINT = 'fix'; END $$")
        } as? PostgresError
        XCTAssertEqual(raised?.code, .raiseException)
        XCTAssertEqual(raised?.message, "nope")
        XCTAssertEqual(raised?.detail, "why")
        XCTAssertEqual(raised?.hint, "fix")
        // After all these errors the pooled connection still works.
        let two = try await pool.queryFirst("SELECT 2 AS two")
        XCTAssertEqual(try two?.decode("two", as: Int.self), 2)
    }
}
