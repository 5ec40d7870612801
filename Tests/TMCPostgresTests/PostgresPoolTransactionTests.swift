import Foundation
import XCTest
@testable import TMCPostgres

final class PostgresPoolTransactionTests: PostgresTestCase, @unchecked Sendable {
    struct BodyFailed: Error, Equatable {}

    override func setUp() async throws {
        try await super.setUp()
        let pool = makePool(size: 1)
        _ = try await pool.simpleQuery("""
            DROP TABLE IF EXISTS ledger; CREATE TABLE ledger (id int PRIMARY KEY, balance int NOT NULL);
            INSERT INTO ledger VALUES (1, 100), (2, 100);
            """)
    }

    private func balances(_ pool: PostgresPool) async throws -> [Int] {
        try await pool.query("SELECT balance FROM ledger ORDER BY id").rows.map { try $0.decode("balance", as: Int.self) }
    }

    func testCommit() async throws {
        let pool = makePool(size: 2)
        let result = try await pool.transaction { connection in
            try await connection.execute("UPDATE ledger SET balance = balance - \(30) WHERE id = \(1)")
            try await connection.execute("UPDATE ledger SET balance = balance + \(30) WHERE id = \(2)")
            return "done"
        }
        XCTAssertEqual(result, "done")
        let after = try await balances(pool)
        XCTAssertEqual(after, [70, 130])
    }

    func testBodyErrorRollsBackAndIsRethrownAsItIs() async throws {
        let pool = makePool(size: 2)
        let error = await capture {
            try await pool.transaction { connection -> Int in
                try await connection.execute("UPDATE ledger SET balance = 0")
                throw BodyFailed()
            }
        }
        XCTAssertEqual(error as? BodyFailed, BodyFailed())
        let after = try await balances(pool)
        XCTAssertEqual(after, [100, 100])
        // A statement error inside the body is the error seen, and the pool still works.
        let pgError = await capture {
            try await pool.transaction { connection in
                try await connection.execute("UPDATE ledger SET balance = balance - 10 WHERE id = 1")
                try await connection.execute("INSERT INTO ledger VALUES (1, 5)")
            }
        }
        XCTAssertEqual((pgError as? PostgresError)?.code, .uniqueViolation)
        let unchanged = try await balances(pool)
        XCTAssertEqual(unchanged, [100, 100])
    }

    func testSwallowedStatementErrorMakesCommitFail() async throws {
        let pool = makePool(size: 1)
        let error = await capture {
            try await pool.transaction { connection in
                try await connection.execute("UPDATE ledger SET balance = 1 WHERE id = 1")
                _ = try? await connection.execute("INSERT INTO ledger VALUES (1, 5)")
            }
        }
        XCTAssertEqual((error as? PostgresError)?.code.raw, "25P02", "\(String(describing: error))")
        let after = try await balances(pool)
        XCTAssertEqual(after, [100, 100])
    }

    func testIsolationLevel() async throws {
        let pool = makePool(size: 1)
        for (isolation, expected) in [(PostgresIsolation.serializable, "serializable"),
                                      (.repeatableRead, "repeatable read"), (.readCommitted, "read committed")] {
            let level = try await pool.transaction(isolation: isolation) { connection in
                try await connection.queryFirst("SHOW transaction_isolation")?.decode("transaction_isolation", as: String.self)
            }
            XCTAssertEqual(level, expected)
        }
    }

    func testSerializationFailureIsRetried() async throws {
        let pool = makePool(size: 2)
        let barrier = Barrier(count: 2)
        let attempts = Locked([0, 0])
        // Write skew: both read both rows, then each writes a different one. Under SERIALIZABLE one
        // of them must fail (40001) and is run again, seeing the other's write.
        let results = try await withTimeout(20) {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for side in 0..<2 {
                    group.addTask {
                        try await pool.transaction(isolation: .serializable, maxAttempts: 3) { connection in
                            let attempt = attempts.withLock { $0[side] += 1; return $0[side] }
                            let total = try await connection.queryFirst("SELECT sum(balance)::int AS total FROM ledger")?
                                .decode("total", as: Int.self) ?? 0
                            if attempt == 1 { await barrier.arrive() }
                            try await connection.execute("UPDATE ledger SET balance = balance - \(total / 10) WHERE id = \(side + 1)")
                            return total
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        // At least one retry; SSI may (rarely) abort both first attempts.
        let total = attempts.withLock { $0.reduce(0, +) }
        XCTAssertTrue((3...6).contains(total), "attempts: \(total)")
        XCTAssertEqual(results.sorted(), [180, 200])
        let after = try await balances(pool)
        XCTAssertEqual(after.reduce(0, +), 200 - 20 - 18)
    }

    func testRetriesGiveUpAfterMaxAttempts() async throws {
        let pool = makePool(size: 1)
        let attempts = Locked(0)
        let error = await capture {
            try await pool.transaction(maxAttempts: 2) { connection in
                attempts.withLock { $0 += 1 }
                _ = try await connection.simpleQuery("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40001', MESSAGE = 'conflict'; END $$")
            }
        }
        XCTAssertEqual((error as? PostgresError)?.code, .serializationFailure)
        XCTAssertEqual(attempts.withLock { $0 }, 2)
    }
}
