import Foundation
import TMCApp
import XCTest

/// `GET /v1/cases/{id}` authenticates in its own statement (one round trip for a victim):
/// every caller and every refusal must behave exactly as on routes the middleware
/// authenticates.
final class CaseReadAuthenticationTests: XCTestCase {
    func testEveryCallerAndRefusal() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let created = try await f.createCase()
        let caseID = try XCTUnwrap(created["id"] as? String)
        let path = "/v1/cases/\(caseID)"

        let asVictim = try await f.client.get(path, token: f.victim1.token)
        XCTAssertEqual(asVictim.status, 200, asVictim.text)
        XCTAssertEqual(asVictim.json["id"] as? String, caseID)
        XCTAssertNotNil(asVictim.header("ETag"))
        let victims = asVictim.json["victims"] as? [[String: Any]] ?? []
        XCTAssertEqual(victims.count, 1, "a victim sees only their own entry")
        XCTAssertNil(asVictim.json["clocks"], "no staff-only clocks for victims")

        let status1 = try await f.client.get(path, token: f.victim2.token).status
        XCTAssertEqual(status1, 404, "another victim")
        let status2 = try await f.client.get("/v1/cases/\(UUID())", token: f.victim1.token).status
        XCTAssertEqual(status2, 404, "unknown id")
        let status3 = try await f.client.get("/v1/cases/not-a-uuid", token: f.victim1.token).status
        XCTAssertEqual(status3, 404, "malformed id")
        let status4 = try await f.client.get(path, token: f.officerB.token).status
        XCTAssertEqual(status4, 404, "another force")
        let status5 = try await f.client.get(path, token: f.adminA.token).status
        XCTAssertEqual(status5, 403, "admins read no case contents")
        let status6 = try await f.client.get(path, token: f.sysadmin.token).status
        XCTAssertEqual(status6, 403)

        let auditBefore = try await f.db.queryFirst("SELECT count(*) AS n FROM audit_events WHERE case_id = \(UUID(uuidString: caseID)!)")!.decode("n", as: Int.self)
        let asOfficer = try await f.client.get(path, token: f.officerA.token)
        XCTAssertEqual(asOfficer.status, 200)
        XCTAssertNotNil(asOfficer.json["clocks"] ?? asOfficer.json["open_clocks"], "staff see the open clocks: \(asOfficer.json.keys)")
        let asKey = try await f.client.get(path, token: f.integrationA.token)
        XCTAssertEqual(asKey.status, 200)
        let auditAfter = try await f.db.queryFirst("SELECT count(*) AS n FROM audit_events WHERE case_id = \(UUID(uuidString: caseID)!)")!.decode("n", as: Int.self)
        XCTAssertEqual(auditAfter - auditBefore, 2, "every staff and integration read is audited")
        let keyUsed = try await f.db.queryFirst("SELECT last_used_at FROM api_keys WHERE id = \(f.integrationA.id)")
        XCTAssertNotNil(try keyUsed?.decode("last_used_at", as: Date?.self), "the key's use is recorded")

        for (token, why) in [("tmc_unknown", "unknown token"), (f.victim1.token + "x", "altered token")] {
            let r = try await f.client.get(path, token: token)
            XCTAssertEqual(r.status, 401, why)
            XCTAssertEqual(r.header("WWW-Authenticate"), "Bearer")
        }
        let status7 = try await f.client.get(path).status
        XCTAssertEqual(status7, 401, "no token")
        let status8 = try await f.client.get(path, headers: [("Authorization", "Basic abc")]).status
        XCTAssertEqual(status8, 401)
        let status9 = try await f.client.get("/v1/cases/not-a-uuid", token: "tmc_unknown").status
        XCTAssertEqual(status9, 401, "401 before 404")

        try await f.db.execute("UPDATE tokens SET revoked_at = now() WHERE user_id = \(f.victim1.id)")
        let status10 = try await f.client.get(path, token: f.victim1.token).status
        XCTAssertEqual(status10, 401, "revoked")
        try await f.db.execute("UPDATE tokens SET expires_at = now() - interval '1 second' WHERE user_id = \(f.officerA.id)")
        let status11 = try await f.client.get(path, token: f.officerA.token).status
        XCTAssertEqual(status11, 401, "expired")
    }
}
