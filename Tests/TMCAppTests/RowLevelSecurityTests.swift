import Foundation
@testable import TMCApp
import TMCPostgres
import XCTest

/// Force isolation in PostgreSQL itself (migration 0010): the server's connections act as
/// `tmc_app`, and statements issued with no WHERE clause at all, straight through the
/// repository layer's pool, still see only what the principal may see.
final class RowLevelSecurityTests: XCTestCase {
    var f: CasesFixture!
    var caseA = UUID()
    var caseB = UUID()

    /// Tables under row-level security that carry a `force_id`.
    static let forceTables = ["cases", "case_updates", "case_clocks", "review_requests", "property_items", "notifications",
                              "events", "message_cases", "messages", "reports", "report_triages", "api_keys", "audit_events"]
    /// Every table under row-level security.
    static let protectedTables = forceTables + ["case_victims", "victim_statements", "property_item_versions",
                                                "message_threads", "message_reads"]

    override func setUp() async throws {
        f = try await CasesFixture.make()
        caseA = UUID(uuidString: try await f.createCase(victims: [["email": f.victim1.email, "name": "Val", "enhanced": false],
                                                                  ["email": f.victim2.email, "name": "Vic", "enhanced": false]])["id"] as! String)!
        caseB = UUID(uuidString: try await f.createCase(victims: [["email": f.victim3.email, "name": "Otto", "enhanced": false]],
                                                        by: f.officerB)["id"] as! String)!
        var posted: [UUID: String] = [:]
        for (caseID, person, body) in [(caseA, f.victim1!, ["body": "From Val"]), (caseA, f.victim2!, ["body": "From Vic"]),
                                       (caseB, f.victim3!, ["body": "From Otto"]), (caseB, f.officerB!, ["body": "To Otto"])] {
            let r = try await f.client.post("/v1/cases/\(caseID.uuidString.lowercased())/messages", token: person.token, json: body)
            XCTAssertEqual(r.status, 201, r.text)
            posted[person.id] = r.json["id"] as? String
        }
        let bike: [String: Any] = ["kind": "stolen", "category": "bicycle", "description": "Blue road bike"]
        for (caseID, person) in [(caseA, f.victim1!), (caseB, f.victim3!)] {
            let path = "/v1/cases/\(caseID.uuidString.lowercased())"
            assertEqual(try await f.client.post(path + "/property", token: person.token, json: bike).status, 201)
            assertEqual(try await f.client.post(path + "/statement", token: person.token, json: ["text": "It changed my life."]).status, 201)
            assertEqual(try await f.client.post(path + "/messages/read", token: person.token, json: ["up_to": posted[person.id] ?? ""]).status, 200)
        }
        try await f.submitReport(f.reportBody(force: "kent"))
        try await f.submitReport(f.reportBody(force: "surrey"))
    }

    override func tearDown() async throws {
        await f?.stop()
    }

    /// The server's own pool, acting as `tmc_app`.
    private var appPool: PostgresPool { f.server.app.dependencies.database }

    private func principal(_ person: CasesFixture.Person, _ role: Role, force: UUID?) -> Principal {
        Principal(userID: person.id, role: role, forceID: force, forceCode: nil, credentialID: UUID(), name: person.email)
    }

    private func count(_ table: String, as settings: PostgresSessionSettings, on db: PostgresPool? = nil) async throws -> Int {
        try await PostgresSessionSettings.$current.withValue(settings) {
            // Deliberately unscoped: no WHERE clause.
            try await (db ?? appPool).queryFirst(PostgresQuery(unsafeSQL: "SELECT count(*) AS n FROM \(table)"))!.decode("n", as: Int.self)
        }
    }

    private func ownerCount(_ sql: String) async throws -> Int {
        try await f.db.queryFirst(PostgresQuery(unsafeSQL: sql))!.decode("n", as: Int.self)
    }

    func testTheServerActsAsARoleThatOwnsNothingAndCannotBypassRowLevelSecurity() async throws {
        let row = try await appPool.queryFirst("""
            SELECT current_user::text AS who, r.rolsuper, r.rolbypassrls,
                   (SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user) AS owned
            FROM pg_roles r WHERE r.rolname = current_user
            """)!
        XCTAssertEqual(try row.decode("who", as: String.self), "tmc_app")
        XCTAssertFalse(try row.decode("rolsuper", as: Bool.self))
        XCTAssertFalse(try row.decode("rolbypassrls", as: Bool.self))
        XCTAssertEqual(try row.decode("owned", as: Int.self), 0)
        let unprotected = try await ownerCount("""
            SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity
              AND c.relname = ANY (ARRAY['\(Self.protectedTables.joined(separator: "','"))'])
            """)
        XCTAssertEqual(unprotected, Self.protectedTables.count, "every listed table has row-level security enabled")
    }

    func testUnscopedQueriesAsStaffSeeOnlyTheirForce() async throws {
        let officerA = DatabaseScope.settings(for: principal(f.officerA, .officer, force: f.forceA.id))
        for table in Self.forceTables {
            let seen = try await count(table, as: officerA)
            let expected = try await ownerCount("SELECT count(*) AS n FROM \(table) WHERE force_id = '\(f.forceA.id.uuidString.lowercased())'")
            let other = try await ownerCount("SELECT count(*) AS n FROM \(table) WHERE force_id IS DISTINCT FROM '\(f.forceA.id.uuidString.lowercased())'")
            XCTAssertEqual(seen, expected, "\(table): officer A sees exactly force A's rows")
            if ["cases", "messages", "reports", "property_items", "events", "audit_events"].contains(table) {
                XCTAssertGreaterThan(expected, 0, "\(table) has force A rows")
                XCTAssertGreaterThan(other, 0, "\(table) has rows of another force, which stay hidden")
            }
        }
        let a = f.forceA.id.uuidString.lowercased()
        assertEqual(try await count("case_victims", as: officerA),
                    try await ownerCount("SELECT count(*) AS n FROM case_victims cv JOIN cases c ON c.id = cv.case_id WHERE c.force_id = '\(a)'"))
        assertEqual(try await count("message_threads", as: officerA),
                    try await ownerCount("SELECT count(*) AS n FROM message_threads t JOIN cases c ON c.id = t.case_id WHERE c.force_id = '\(a)'"))
        assertEqual(try await count("victim_statements", as: officerA), 1)
        assertEqual(try await count("property_item_versions", as: officerA),
                    try await ownerCount("SELECT count(*) AS n FROM property_item_versions v JOIN property_items p ON p.id = v.item_id WHERE p.force_id = '\(a)'"))
    }

    func testUnscopedQueriesAsAVictimSeeOnlyTheirOwnRows() async throws {
        let val = DatabaseScope.settings(for: principal(f.victim1, .victim, force: nil))
        assertEqual(try await count("cases", as: val), 1)
        assertEqual(try await count("messages", as: val), 1, "only Val's own thread, not Vic's in the same case")
        assertEqual(try await count("property_items", as: val), 1)
        assertEqual(try await count("victim_statements", as: val), 1)
        assertEqual(try await count("message_reads", as: val), 1)
        assertEqual(try await count("reports", as: val), 0)
        assertEqual(try await count("api_keys", as: val), 0)
        assertEqual(try await count("audit_events", as: val), 0)
        let otto = DatabaseScope.settings(for: principal(f.victim3, .victim, force: nil))
        let ottosCase = try await PostgresSessionSettings.$current.withValue(otto) {
            try await appPool.query("SELECT id FROM cases").rows.map { try $0.decode("id", as: UUID.self) }
        }
        XCTAssertEqual(ottosCase, [caseB])
    }

    func testNoScopeAndTheSysadminScopeSeeNoCaseData() async throws {
        let sysadmin = DatabaseScope.settings(for: principal(f.sysadmin, .sysadmin, force: nil))
        for table in Self.protectedTables {
            assertEqual(try await count(table, as: .empty), 0, "\(table) without a scope")
            assertEqual(try await count(table, as: sysadmin), 0, "\(table) as a sysadmin")
        }
        let all = try await count("cases", as: DatabaseScope.system)
        XCTAssertEqual(all, 2, "the system scope (credential checks, background work) sees every force")
    }

    /// The one-statement victim case read runs before a principal exists, through the one
    /// SECURITY DEFINER function over case data: it yields a case only to a valid victim
    /// session token named on that case, whatever case id it is asked for, row by row within
    /// one batch (each request is judged on its own token alone).
    func testTheVictimCaseReadFunctionYieldsOnlyTheTokensOwnCase() async throws {
        func read(_ requests: [(bearer: String, caseID: UUID)]) async throws -> [(n: Int, credential: Bool, caseID: UUID?)] {
            // No scope at all: the function does not depend on one.
            try await appPool.query("""
                SELECT n, credential_id, case_id FROM tmc_victim_cases_by_tokens(\(requests.map(\.bearer)), \(requests.map(\.caseID)))
                """).map { (try $0.decode("n", as: Int.self), try $0.decode("credential_id", as: UUID?.self) != nil, try $0.decode("case_id", as: UUID?.self)) }
        }
        let batch = try await read([(f.victim1.token, caseA), (f.victim1.token, caseB), (f.officerA.token, caseA),
                                    ("tmc_not_a_token", caseA), (f.victim1.token, caseA)])
        XCTAssertEqual(batch.map(\.n), [1, 2, 3, 4, 5], "one row per request, in order")
        XCTAssertTrue(batch[0].credential)
        XCTAssertEqual(batch[0].caseID, caseA)
        XCTAssertTrue(batch[1].credential)
        XCTAssertNil(batch[1].caseID, "another force's case, not the victim's")
        XCTAssertTrue(batch[2].credential)
        XCTAssertNil(batch[2].caseID, "staff tokens take the usual path, in their own scope")
        XCTAssertFalse(batch[3].credential)
        XCTAssertNil(batch[3].caseID)
        XCTAssertEqual(batch[4].caseID, caseA, "the same request twice in a batch is answered twice")
        try await f.db.execute("UPDATE tokens SET revoked_at = now() WHERE user_id = \(f.victim1.id)")
        let revoked = try await read([(f.victim1.token, caseA)])
        XCTAssertEqual(revoked.count, 1)
        XCTAssertFalse(revoked[0].credential, "a revoked token yields nothing")
        XCTAssertNil(revoked[0].caseID)
    }

    /// A service bug that forgets to check the force (here: it passes the case's own force, or
    /// no filter at all) still cannot read or change another force's case through the repositories.
    func testARepositoryCallWithTheWrongForceCannotCrossForces() async throws {
        let officerA = principal(f.officerA, .officer, force: f.forceA.id)
        let leaked = try await DatabaseScope.run(as: officerA) {
            try await CaseRepository.find(appPool, id: caseB, forceID: f.forceB.id)
        }
        XCTAssertNil(leaked)
        let messages = try await DatabaseScope.run(as: officerA) {
            try await MessageRepository.list(appPool, caseID: caseB, victimID: nil, after: 0, limit: 100)
        }
        XCTAssertEqual(messages.count, 0)
        let changed = try await DatabaseScope.run(as: officerA) {
            try await appPool.execute("UPDATE cases SET summary = 'tampered' WHERE id = \(caseB)")
        }
        XCTAssertEqual(changed, 0)
        let summary = try await f.db.queryFirst("SELECT summary FROM cases WHERE id = \(caseB)")!.decode("summary", as: String.self)
        XCTAssertNotEqual(summary, "tampered")
        let officerB = principal(f.officerB, .officer, force: f.forceB.id)
        let own = try await DatabaseScope.run(as: officerB) {
            try await MessageRepository.list(appPool, caseID: caseB, victimID: nil, after: 0, limit: 100)
        }
        XCTAssertEqual(own.count, 2, "the force's own staff still read them")
    }

    /// A row written into another force's case is refused, not written.
    func testWritingIntoAnotherForcesCaseIsRefused() async throws {
        let officerA = principal(f.officerA, .officer, force: f.forceA.id)
        do {
            _ = try await DatabaseScope.run(as: officerA) {
                try await appPool.execute("""
                    INSERT INTO victim_statements (case_id, victim_id, version, text) VALUES (\(caseB), \(f.victim3.id), 99, 'forged')
                    """)
            }
            XCTFail("the insert should have been refused")
        } catch let error as PostgresError {
            XCTAssertEqual(error.code.raw, "42501", "\(error)")
        }
        assertEqual(try await ownerCount("SELECT count(*) AS n FROM victim_statements WHERE text = 'forged'"), 0)
    }
}
