import Foundation
import XCTest
@testable import TMCPostgres

/// Every statement runs under the settings of the task that sent it, whatever an earlier
/// task on the same pooled connection set, and whatever a rolled-back block did.
final class PostgresSessionSettingsTests: PostgresTestCase, @unchecked Sendable {
    private static let alice = PostgresSessionSettings([("tmc.scope", "victim"), ("tmc.user_id", "alice")])
    private static let bob = PostgresSessionSettings([("tmc.scope", "victim"), ("tmc.user_id", "bob")])
    private static let force = PostgresSessionSettings([("tmc.scope", "force"), ("tmc.force_id", "f1")])

    private func seen(_ db: any PostgresQueryable) async throws -> [String] {
        let row = try await db.queryFirst("""
            SELECT coalesce(current_setting('tmc.scope', true), '') AS scope,
                   coalesce(current_setting('tmc.user_id', true), '') AS user_id,
                   coalesce(current_setting('tmc.force_id', true), '') AS force_id
            """)
        return [try row!.decode("scope"), try row!.decode("user_id"), try row!.decode("force_id")]
    }

    func testEachTaskSeesItsOwnSettingsOnOneSharedConnection() async throws {
        let pool = makePool(size: 1)
        let asAlice = try await PostgresSessionSettings.$current.withValue(Self.alice) { try await seen(pool) }
        XCTAssertEqual(asAlice, ["victim", "alice", ""])
        let asForce = try await PostgresSessionSettings.$current.withValue(Self.force) { try await seen(pool) }
        XCTAssertEqual(asForce, ["force", "", "f1"], "a name the earlier task set and this one does not is reset")
        let asNobody = try await seen(pool)
        XCTAssertEqual(asNobody, ["", "", ""])
        let asBob = try await PostgresSessionSettings.$current.withValue(Self.bob) { try await seen(pool) }
        XCTAssertEqual(asBob, ["victim", "bob", ""])
    }

    func testManyConcurrentTasksNeverSeeAnotherTasksSettings() async throws {
        let pool = makePool(size: 3)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<60 {
                let settings = PostgresSessionSettings([("tmc.scope", "victim"), ("tmc.user_id", "user\(index % 7)")])
                group.addTask {
                    try await PostgresSessionSettings.$current.withValue(settings) {
                        for _ in 0..<5 {
                            let values = try await self.seen(pool)
                            XCTAssertEqual(values, ["victim", "user\(index % 7)", ""])
                        }
                        try await pool.transaction { connection in
                            let values = try await self.seen(connection)
                            XCTAssertEqual(values, ["victim", "user\(index % 7)", ""])
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// A change made inside a block is undone by ROLLBACK: the connection must not believe it
    /// still holds the settings it set there.
    func testSettingsChangedInsideARolledBackBlockAreSetAgain() async throws {
        let pool = makePool(size: 1)
        try await pool.withConnection { connection in
            try await PostgresSessionSettings.$current.withValue(Self.alice) {
                _ = try await connection.simpleQuery("BEGIN")
            }
            try await PostgresSessionSettings.$current.withValue(Self.bob) {
                let inside = try await self.seen(connection)
                XCTAssertEqual(inside, ["victim", "bob", ""])
                // Undoes the change to bob made inside the block: the session is alice's again.
                _ = try await connection.simpleQuery("ROLLBACK")
            }
        }
        let asBob = try await PostgresSessionSettings.$current.withValue(Self.bob) { try await seen(pool) }
        XCTAssertEqual(asBob, ["victim", "bob", ""], "set again after the ROLLBACK undid the change")
        let asAlice = try await PostgresSessionSettings.$current.withValue(Self.alice) { try await seen(pool) }
        XCTAssertEqual(asAlice, ["victim", "alice", ""])
    }

    func testSettingsChangedInsideACommittedBlockStay() async throws {
        let pool = makePool(size: 1)
        try await PostgresSessionSettings.$current.withValue(Self.bob) {
            try await pool.transaction { connection in _ = try await self.seen(connection) }
        }
        let asBob = try await PostgresSessionSettings.$current.withValue(Self.bob) { try await seen(pool) }
        XCTAssertEqual(asBob, ["victim", "bob", ""])
    }

    func testAFailedStatementLeavesTheNextOneCorrectlyScoped() async throws {
        let pool = makePool(size: 1)
        await PostgresSessionSettings.$current.withValue(Self.alice) {
            _ = try? await pool.query("SELECT 1/0")
        }
        let asAlice = try await PostgresSessionSettings.$current.withValue(Self.alice) { try await seen(pool) }
        XCTAssertEqual(asAlice, ["victim", "alice", ""])
    }

    /// A settings change goes out pipelined with a prepared statement; when that statement
    /// fails, their implicit transaction undoes the change, and the next statement sets it again.
    func testAFailedPipelinedStatementUndoesItsSettingsChange() async throws {
        let pool = makePool(size: 1)
        let divide: (Int) -> PostgresQuery = { "SELECT 10 / \($0) AS q" }
        _ = try await PostgresSessionSettings.$current.withValue(Self.alice) { try await pool.query(divide(2)) }
        _ = try await PostgresSessionSettings.$current.withValue(Self.alice) { try await seen(pool) }
        do {
            _ = try await PostgresSessionSettings.$current.withValue(Self.bob) { try await pool.query(divide(0)) }
            XCTFail("division by zero")
        } catch let error as PostgresError {
            XCTAssertEqual(error.code.raw, "22012")
        }
        let asBob = try await PostgresSessionSettings.$current.withValue(Self.bob) { try await seen(pool) }
        XCTAssertEqual(asBob, ["victim", "bob", ""])
    }

    func testAPipelinedWriteCommitsAndItsResultArrives() async throws {
        let pool = makePool(size: 1)
        _ = try await pool.simpleQuery("DROP TABLE IF EXISTS notes; CREATE TABLE notes (author text, body text)")
        let insert: (String) -> PostgresQuery = {
            "INSERT INTO notes VALUES (current_setting('tmc.user_id', true), \($0)) RETURNING author"
        }
        for (settings, body) in [(Self.alice, "one"), (Self.bob, "two"), (Self.alice, "three")] {
            let author = try await PostgresSessionSettings.$current.withValue(settings) {
                try await pool.queryFirst(insert(body))!.decode("author", as: String.self)
            }
            XCTAssertEqual(author, settings.value("tmc.user_id"))
        }
        let other = makePool(size: 1)
        let rows = try await other.query("SELECT author, body FROM notes ORDER BY body").rows.map { [try $0.decode("author", as: String.self), try $0.decode("body", as: String.self)] }
        XCTAssertEqual(rows, [["alice", "one"], ["alice", "three"], ["bob", "two"]])
    }

    func testAPipelinedStatementThatVanishedIsPreparedAgain() async throws {
        let pool = makePool(size: 1)
        _ = try await PostgresSessionSettings.$current.withValue(Self.alice) { try await seen(pool) }
        _ = try await pool.simpleQuery("DEALLOCATE ALL")
        let asBob = try await PostgresSessionSettings.$current.withValue(Self.bob) { try await seen(pool) }
        XCTAssertEqual(asBob, ["victim", "bob", ""])
    }

    func testASettingsStatementThatVanishedIsPreparedAgainWhenSentAlone() async throws {
        let pool = makePool(size: 1)
        _ = try await PostgresSessionSettings.$current.withValue(Self.alice) { try await seen(pool) }
        _ = try await pool.simpleQuery("DEALLOCATE ALL")
        // A simple-protocol statement is never pipelined: the change goes first, on its own.
        let viaSimple = try await PostgresSessionSettings.$current.withValue(Self.bob) {
            try await pool.simpleQuery("SELECT current_setting('tmc.user_id') AS u").first!.decode("u", as: String.self)
        }
        XCTAssertEqual(viaSimple, "bob")
    }

    func testANulByteInAPipelinedParameterFailsCleanly() async throws {
        let pool = makePool(size: 1)
        let echo: (String) -> PostgresQuery = { "SELECT \($0)::text AS v" }
        _ = try await PostgresSessionSettings.$current.withValue(Self.alice) { try await pool.query(echo("ok")) }
        do {
            _ = try await PostgresSessionSettings.$current.withValue(Self.bob) { try await pool.query(echo("a\u{0}b")) }
            XCTFail("NUL byte")
        } catch let error as PostgresError {
            XCTAssertEqual(error.code.raw, "22021")
        }
        let asBob = try await PostgresSessionSettings.$current.withValue(Self.bob) { try await seen(pool) }
        XCTAssertEqual(asBob, ["victim", "bob", ""])
    }

    func testATransitionSetsWhatChangedAndResetsWhatIsNoLongerSet() {
        XCTAssertNil(Self.alice.transition(from: Self.alice, known: ["tmc.scope", "tmc.user_id"]), "no change, no statement")
        XCTAssertNil(PostgresSessionSettings.empty.transition(from: .empty, known: []))
        XCTAssertEqual(Self.bob.transition(from: Self.alice, known: []), [#"{"tmc.scope","tmc.user_id"}"#, #"{"victim","bob"}"#])
        XCTAssertEqual(Self.force.transition(from: Self.alice, known: []),
                       [#"{"tmc.scope","tmc.force_id","tmc.user_id"}"#, #"{"force","f1",""}"#])
        XCTAssertEqual(PostgresSessionSettings.empty.transition(from: nil, known: ["tmc.scope"]), [#"{"tmc.scope"}"#, #"{""}"#],
                       "unknown state: every name ever set is reset")
    }

    func testRejectsNamesThatAreNotCustomSettings() {
        XCTAssertTrue(PostgresSessionSettings.isValidName("tmc.scope"))
        XCTAssertFalse(PostgresSessionSettings.isValidName("search_path"))
        XCTAssertFalse(PostgresSessionSettings.isValidName("tmc.scope; DROP"))
        XCTAssertFalse(PostgresSessionSettings.isValidName("a.b.c"))
    }

    func testAPoolRoleIsTakenOnAtConnect() async throws {
        let admin = makePool(size: 1)
        _ = try await admin.simpleQuery("""
            DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tmc_settings_test') THEN
              CREATE ROLE tmc_settings_test NOLOGIN; END IF; END $$
            """)
        let pool = makePool(size: 1, role: "tmc_settings_test")
        let who = try await pool.queryFirst("SELECT current_user::text AS who")!.decode("who", as: String.self)
        XCTAssertEqual(who, "tmc_settings_test")
        XCTAssertFalse(PostgresPoolConfiguration.isValidRoleName("x -c search_path=evil"))
    }
}
