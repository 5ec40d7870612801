import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// The audit trail: what is recorded, and that it cannot be changed.
final class AuditLogTests: XCTestCase {
    func testLoginsAndAccountChangesAreRecordedWithoutSecrets() async throws {
        try await withServer { server in
            let victim = try await server.accounts.victim("audit@example.com")
            _ = try await server.client.post("/v1/auth/login", json: ["email": victim.email, "password": "wrong password!"],
                                             headers: [("X-Request-Id", "req-failed-login")])
            _ = try await server.client.post("/v1/auth/login", json: ["email": "nobody@example.com", "password": "wrong password!"])
            _ = try await server.accounts.login(victim.email)
            _ = try await server.client.post("/v1/auth/logout", token: victim.token)
            let rows = try await server.database.query("""
                SELECT action, actor_id::text AS actor, actor_role, resource_id, client_address, request_id, details::text AS details
                FROM audit_events ORDER BY id
                """).rows
            let actions = try rows.map { try $0.decode("action", as: String.self) }
            XCTAssertEqual(actions, ["account.registered", "login.failed", "login.failed", "login.succeeded", "logout"])
            let failed = rows[1]
            XCTAssertNil(try failed.decode("actor", as: String?.self))
            XCTAssertEqual(try failed.decode("resource_id", as: String?.self), victim.id)
            XCTAssertEqual(try failed.decode("request_id", as: String.self), "req-failed-login")
            XCTAssertEqual(try failed.decode("client_address", as: String.self), "127.0.0.1")
            XCTAssertNil(try rows[2].decode("resource_id", as: String?.self), "an unknown email has no account")
            XCTAssertEqual(try rows[3].decode("actor", as: String?.self), victim.id)
            XCTAssertEqual(try rows[3].decode("actor_role", as: String?.self), "victim")
            for row in rows {
                let details = try row.decode("details", as: String.self)
                XCTAssertFalse(details.contains("wrong password"))
                XCTAssertFalse(details.contains(AccountsFixture.password))
            }
        }
    }

    func testStaffAndKeyChangesAreRecorded() async throws {
        try await withServer { server in
            let (_, admin) = try await server.accounts.force("kent")
            let officer = try await server.accounts.staff("o@kent.police.example", role: "officer", force: "kent", by: admin)
            _ = try await server.client.post("/v1/users/\(officer.id)/disable", token: admin.token)
            let key = try await server.client.post("/v1/forces/kent/api-keys", token: admin.token, json: ["name": "RMS"])
            _ = try await server.client.send("DELETE", "/v1/forces/kent/api-keys/\(key.json["id"] as? String ?? "")", token: admin.token)
            _ = try await server.client.send("PATCH", "/v1/forces/kent", token: admin.token, json: ["minutes_saved_per_report": 20])
            let actions = try await server.database.query("SELECT action FROM audit_events ORDER BY id").rows
                .map { try $0.decode("action", as: String.self) }
            for expected in ["force.created", "staff.created", "account.activated", "user.disabled", "api_key.created",
                             "api_key.revoked", "force.updated"] {
                XCTAssertTrue(actions.contains(expected), "\(expected) in \(actions)")
            }
        }
    }

    func testTheTrailIsAppendOnly() async throws {
        try await withServer { server in
            let origin = RequestOrigin(clientAddress: "192.0.2.1", requestID: "r1")
            try await AuditLog().record(server.database, AuditEntry(actor: nil, action: "case.read", resourceType: "case",
                                                                    resourceID: "c1", caseID: UUID(), origin: origin,
                                                                    details: ["why": "test"]))
            for sql in ["UPDATE audit_events SET action = 'changed'", "DELETE FROM audit_events", "TRUNCATE audit_events"] {
                do {
                    try await server.database.execute(PostgresQuery(unsafeSQL: sql))
                    XCTFail("\(sql) was allowed")
                } catch let error as PostgresError {
                    XCTAssertEqual(error.code, .insufficientPrivilege, sql)
                }
            }
            let row = try await server.database.queryFirst("SELECT count(*)::int AS n, max(details->>'why') AS why FROM audit_events")
            XCTAssertEqual(try row?.decode("n", as: Int.self), 1)
            XCTAssertEqual(try row?.decode("why", as: String.self), "test")
        }
    }
}
